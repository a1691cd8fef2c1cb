// SPDX-License-Identifier: GPL-2.0
/*
 * verify: the independent oracle for the kernel's writer.  Every checksum,
 * every block (decompressed with liblz4) and the page coverage are checked;
 * the first problem found is reported precisely.
 */
#include <endian.h>
#include <stdio.h>

#include "image.h"
#include "source.h"
#include "subcommands.h"

static void print_summary(const char *path, const struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;
	uint64_t bytes = image_disk_bytes(h);

	printf("%s: valid torpor image: %llu pages (%llu zero, %llu data) in %llu blocks, %.1f MiB, ratio %.2f, kernel %s\n",
	       path, (unsigned long long)le64toh(h->nr_pages),
	       (unsigned long long)le64toh(h->nr_zero_pages),
	       (unsigned long long)le64toh(h->nr_data_pages),
	       (unsigned long long)le64toh(h->nr_blocks),
	       (double)bytes / (1 << 20),
	       image_ratio(h),
	       h->kernel_release);
}

int verify_main(int argc, char *argv[])
{
	struct source src = {};
	struct image img;
	struct dev dev;
	int ret = 0;

	if (source_args_only("verify", &src, argc, argv) ||
	    source_open("verify", &src, &dev, false))
		return 1;
	image_init(&img, &dev, src.sig_page);
	if (image_check(&img, NULL, NULL))
		ret = fail("verify", "%s", img.err);
	else
		print_summary(source_name(&src), &img);
	image_release(&img);
	dev_close(&dev);
	return ret;
}
