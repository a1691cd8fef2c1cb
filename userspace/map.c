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
	char what[64];

	if (le32toh(mp->head.magic) != TORPOR_MAP_MAGIC)
		return image_fail(img, "map page %u at device page %llu: bad magic 0x%08x (expected 0x%08x)",
				  i, (unsigned long long)at,
				  le32toh(mp->head.magic), TORPOR_MAP_MAGIC);
	mp->head.crc = 0;
	snprintf(what, sizeof(what), "map page %u at device page %llu:", i,
		 (unsigned long long)at);
	if (image_crc_check(img, what, stored,
			    crc32c(0, mp, TORPOR_PAGE_SIZE)))
		return -1;
	if (!le32toh(mp->head.nr_extents) ||
	    le32toh(mp->head.nr_extents) > TORPOR_MAP_EXTENTS)
		return image_fail(img, "map page %u: %u extents, expected 1..%zu",
				  i, le32toh(mp->head.nr_extents),
				  TORPOR_MAP_EXTENTS);
	if (le64toh(mp->head.first_stream_page) != mapped)
		return image_fail(img, "map page %u: first stream page %llu, expected %llu",
				  i, (unsigned long long)le64toh(mp->head.first_stream_page),
				  (unsigned long long)mapped);
	return 0;
}

static int add_map_extents(struct image *img, const struct torpor_map_page *mp,
			   unsigned int i, uint64_t *mapped)
{
	uint64_t stream_pages = le64toh(img->hdr.stream_pages);
	uint32_t n = le32toh(mp->head.nr_extents);

	for (uint32_t e = 0; e < n; e++) {
		uint64_t dev_page = le64toh(mp->extents[e].dev_page);
		uint32_t count = le32toh(mp->extents[e].count);

		if (!count || !dev_page || dev_page >= img->dev_pages ||
		    count > img->dev_pages - dev_page)
			return image_fail(img, "map page %u extent %u: device pages %llu+%u outside 1..%llu",
					  i, e, (unsigned long long)dev_page, count,
					  (unsigned long long)img->dev_pages - 1);
		if (count > stream_pages - *mapped)
			return image_fail(img, "map page %u extent %u: maps past the stream's %llu pages",
					  i, e, (unsigned long long)stream_pages);
		if (add_run(img, *mapped, dev_page, count))
			return -1;
		*mapped += count;
	}
	return 0;
}

int image_load_map(struct image *img)
{
	uint32_t map_pages = le32toh(img->hdr.map_pages);
	uint64_t at = le64toh(img->hdr.map_page), mapped = 0;
	struct torpor_map_page mp;

	for (uint32_t i = 0; i < map_pages; i++) {
		if (!at)
			return image_fail(img, "map chain ends after %u of %u map pages",
					  i, map_pages);
		if (at >= img->dev_pages)
			return image_fail(img, "map page %u: device page %llu outside 1..%llu",
					  i, (unsigned long long)at,
					  (unsigned long long)img->dev_pages - 1);
		if (image_read_page(img, &mp, at) ||
		    check_map_head(img, &mp, i, at, mapped) ||
		    add_map_extents(img, &mp, i, &mapped))
			return -1;
		at = le64toh(mp.head.next);
	}
	if (at)
		return image_fail(img, "map chain: last of %u map pages links on to device page %llu",
				  map_pages, (unsigned long long)at);
	if (mapped != le64toh(img->hdr.stream_pages))
		return image_fail(img, "map chain maps %llu stream pages, header says %llu",
				  (unsigned long long)mapped,
				  (unsigned long long)le64toh(img->hdr.stream_pages));
	return 0;
}

static const struct stream_run *find_run(const struct image *img,
					 uint64_t stream_page)
{
	size_t lo = 0, hi = img->nr_runs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->runs[mid].stream_page <= stream_page)
			lo = mid;
		else
			hi = mid;
	}
	return &img->runs[lo];
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
