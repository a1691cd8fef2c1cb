// SPDX-License-Identifier: GPL-2.0
/*
 * extract: write the saved memory as a sparse file, frame pfn at byte
 * pfn * 4096.  Zero pages and unsaved frames stay holes.  The image is
 * verified while it is read; on any problem the output is removed.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "source.h"
#include "subcommands.h"

/* Consecutive data pages often land in consecutive frames: one write. */
static int write_block(void *ctx, struct image *img, uint64_t first,
		       uint32_t npages, const uint8_t *pages)
{
	struct dev *out = ctx;
	uint32_t i = 0, n;

	while (i < npages) {
		uint64_t pfn = image_pfn(img, first + i);

		for (n = 1; i + n < npages; n++)
			if (image_pfn(img, first + i + n) != pfn + n)
				break;
		if (dev_write(out, pages + (size_t)i * TORPOR_PAGE_SIZE,
			      (size_t)n * TORPOR_PAGE_SIZE,
			      pfn * TORPOR_PAGE_SIZE) < 0)
			return image_fail(img, "%s: writing pfn %llu: %s", out->name,
					  (unsigned long long)pfn, strerror(errno));
		i += n;
	}
	return 0;
}

static int extract(struct image *img, const char *path)
{
	struct dev out = { .name = path };

	if (image_open(img) || image_load(img))
		return -1;
	out.size = le64toh(img->hdr.max_pfn) * TORPOR_PAGE_SIZE;
	out.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out.fd < 0)
		return image_fail(img, "%s: %s", path, strerror(errno));
	if (ftruncate(out.fd, out.size) < 0 ||
	    image_walk(img, write_block, &out) || dev_sync(&out) < 0) {
		if (!img->err[0])
			image_fail(img, "%s: %s", path, strerror(errno));
		dev_close(&out);
		unlink(path);
		return -1;
	}
	dev_close(&out);
	return 0;
}

static int usage(void)
{
	return fail("extract", "usage: %s extract " SOURCE_USAGE " -o OUT",
		    prog_name);
}

int extract_main(int argc, char *argv[])
{
	struct source src = {};
	const char *out = NULL;
	struct image img;
	struct dev dev;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out)
			out = argv[++i];
		else if (source_arg(&src, argc, argv, &i) <= 0)
			return usage();
	}
	if (!source_complete(&src) || !out)
		return usage();
	if (source_open("extract", &src, &dev, false))
		return 1;
	image_init(&img, &dev, src.sig_page);
	if (extract(&img, out))
		ret = fail("extract", "%s", img.err);
	else
		printf("%s: %llu pages written to %s\n", source_name(&src),
		       (unsigned long long)le64toh(img.hdr.nr_data_pages), out);
	image_release(&img);
	dev_close(&dev);
	return ret;
}
