// SPDX-License-Identifier: GPL-2.0
/*
 * The map chain: which device pages hold the stream's logical pages, and
 * reading stream bytes through it.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "image.h"
#include "torpor_image_check.h"
#include "torpor_runs.h"

static int add_run(struct image *img, uint64_t stream_page,
		   uint64_t dev_page, uint64_t count)
{
	struct stream_run *runs;

	/* Powers of two: grow when nr_runs is about to cross one. */
	if (!(img->nr_runs & (img->nr_runs - 1))) {
		runs = realloc(img->runs, 2 * (img->nr_runs + 1) * sizeof(*runs));
		if (!runs)
			return image_fail(img, "out of memory for the stream map");
		img->runs = runs;
	}
	img->runs[img->nr_runs++] = (struct stream_run){
		stream_page, dev_page, count
	};
	return 0;
}

static int check_map_head(struct image *img, struct torpor_map_page *mp,
			  unsigned int i, uint64_t at, uint64_t mapped)
{
	uint32_t stored = le32toh(mp->head.crc);
	char what[64], why[sizeof(img->err)];

	if (le32toh(mp->head.magic) != TORPOR_MAP_MAGIC)
		return image_fail(img, "map page %u at device page %llu: bad magic 0x%08x (expected 0x%08x)",
				  i, (unsigned long long)at,
				  le32toh(mp->head.magic), TORPOR_MAP_MAGIC);
	mp->head.crc = 0;
	snprintf(what, sizeof(what), "map page %u at device page %llu:", i,
		 (unsigned long long)at);
	if (image_crc_check(img, what, stored,
			    crc32c(img->seed, mp, TORPOR_PAGE_SIZE)))
		return -1;
	if (torpor_check_map_head(mp, i, mapped, why, sizeof(why)))
		return image_fail(img, "%s", why);
	return 0;
}

static int add_map_extents(struct image *img, const struct torpor_map_page *mp,
			   unsigned int i, uint64_t *mapped)
{
	uint32_t n = le32toh(mp->head.nr_extents);
	char why[sizeof(img->err)];

	for (uint32_t e = 0; e < n; e++) {
		const struct torpor_map_extent *ext = &mp->extents[e];

		if (torpor_check_map_extent(&img->hdr, ext, i, e, *mapped,
					    img->dev_pages, why, sizeof(why)))
			return image_fail(img, "%s", why);
		if (add_run(img, *mapped, le64toh(ext->dev_page),
			    le32toh(ext->count)))
			return -1;
		*mapped += le32toh(ext->count);
	}
	return 0;
}

int image_load_map(struct image *img)
{
	uint32_t map_pages = le32toh(img->hdr.map_pages);
	uint64_t at = le64toh(img->hdr.map_page), mapped = 0;
	char why[sizeof(img->err)];
	struct torpor_map_page mp;

	for (uint32_t i = 0; i < map_pages; i++) {
		if (torpor_check_map_link(&img->hdr, i, at, img->dev_pages, why,
					  sizeof(why)))
			return image_fail(img, "%s", why);
		if (image_read_page(img, &mp, at) ||
		    check_map_head(img, &mp, i, at, mapped) ||
		    add_map_extents(img, &mp, i, &mapped))
			return -1;
		at = le64toh(mp.head.next);
	}
	if (torpor_check_map_end(&img->hdr, at, mapped, why, sizeof(why)))
		return image_fail(img, "%s", why);
	return 0;
}

static __u64 stream_run_start(const void *runs, size_t i)
{
	return ((const struct stream_run *)runs)[i].stream_page;
}

static const struct stream_run *find_run(const struct image *img,
					 uint64_t stream_page)
{
	return &img->runs[torpor_runs_find(img->runs, img->nr_runs, stream_page,
					   stream_run_start)];
}

/* Callers keep [off, off + len) inside the mapped stream. */
int image_read_stream(struct image *img, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t page = off / TORPOR_PAGE_SIZE;
		const struct stream_run *run = find_run(img, page);
		uint64_t in_run = (run->stream_page + run->count) * TORPOR_PAGE_SIZE - off;
		uint64_t dev_off = (run->dev_page + page - run->stream_page) *
				   TORPOR_PAGE_SIZE + off % TORPOR_PAGE_SIZE;
		size_t n = len < in_run ? len : in_run;

		if (dev_read(img->dev, p, n, dev_off) < 0)
			return image_fail(img, "reading stream byte %llu at device byte %llu: %s",
					  (unsigned long long)off,
					  (unsigned long long)dev_off, strerror(errno));
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}
