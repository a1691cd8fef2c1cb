// SPDX-License-Identifier: GPL-2.0
/*
 * The page-frame index: which frames the image holds, which of them are
 * zero, and so which frame each data page belongs to.
 */
#include <endian.h>
#include <stdlib.h>

#include "crc32c.h"
#include "image.h"

struct index_sums {
	uint64_t pages;
	uint64_t zero;
	uint64_t end;		/* first pfn after the previous extent */
};

static int check_extent(struct image *img, const struct torpor_extent *ext,
			uint64_t i, struct index_sums *sums)
{
	unsigned long long pfn = le64toh(ext->pfn);
	unsigned long long max_pfn = le64toh(img->hdr.max_pfn);
	uint32_t count = le32toh(ext->count), flags = le32toh(ext->flags);

	if (!count)
		return image_fail(img, "index: extent %llu (pfn %llu) has count 0",
				  (unsigned long long)i, pfn);
	if (flags & ~TORPOR_EXTENT_ZERO)
		return image_fail(img, "index: extent %llu has unknown flags 0x%x",
				  (unsigned long long)i, flags & ~TORPOR_EXTENT_ZERO);
	if (i && pfn < le64toh(ext[-1].pfn))
		return image_fail(img, "index: extent %llu (pfn %llu) out of order after pfn %llu",
				  (unsigned long long)i, pfn,
				  (unsigned long long)le64toh(ext[-1].pfn));
	if (pfn < sums->end)
		return image_fail(img, "index: extent %llu (pfns %llu+%u) overlaps the previous one, which ends at pfn %llu",
				  (unsigned long long)i, pfn, count,
				  (unsigned long long)sums->end);
	if (pfn > max_pfn || count > max_pfn - pfn)
		return image_fail(img, "index: extent %llu (pfns %llu+%u) beyond max_pfn %llu",
				  (unsigned long long)i, pfn, count, max_pfn);
	sums->end = pfn + count;
	sums->pages += count;
	if (flags & TORPOR_EXTENT_ZERO)
		sums->zero += count;
	return 0;
}

static int check_sums(struct image *img, const struct index_sums *sums)
{
	const struct torpor_image_header *h = &img->hdr;

	if (sums->pages != le64toh(h->nr_pages))
		return image_fail(img, "index: holds %llu pages, header says nr_pages %llu",
				  (unsigned long long)sums->pages,
				  (unsigned long long)le64toh(h->nr_pages));
	if (sums->zero != le64toh(h->nr_zero_pages))
		return image_fail(img, "index: holds %llu zero pages, header says nr_zero_pages %llu",
				  (unsigned long long)sums->zero,
				  (unsigned long long)le64toh(h->nr_zero_pages));
	return 0;
}

/* Data pages are the frames of the non-zero extents, in index order. */
static void build_data_runs(struct image *img, const struct torpor_extent *ext,
			    uint64_t n)
{
	uint64_t data_page = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (le32toh(ext[i].flags) & TORPOR_EXTENT_ZERO)
			continue;
		img->data[img->nr_data++] = (struct data_run){
			data_page, le64toh(ext[i].pfn), le32toh(ext[i].count)
		};
		data_page += le32toh(ext[i].count);
	}
}

static int check_index(struct image *img, const struct torpor_extent *ext,
		       uint64_t n)
{
	struct index_sums sums = { 0 };

	for (uint64_t i = 0; i < n; i++)
		if (check_extent(img, &ext[i], i, &sums))
			return -1;
	if (check_sums(img, &sums))
		return -1;
	img->data = calloc(n, sizeof(*img->data));
	if (!img->data)
		return image_fail(img, "out of memory for the index");
	build_data_runs(img, ext, n);
	return 0;
}

/* image_open() checked that the index lies inside the stream. */
int image_load_index(struct image *img)
{
	uint64_t n = le64toh(img->hdr.index_extents);
	size_t len = n * sizeof(struct torpor_extent);
	struct torpor_extent *ext = malloc(len);
	int ret = -1;

	if (!ext)
		return image_fail(img, "out of memory for %llu index extents",
				  (unsigned long long)n);
	if (image_read_stream(img, ext, len,
			      le64toh(img->hdr.index_offset) * TORPOR_PAGE_SIZE))
		goto out;
	if (image_crc_check(img, "index:", le32toh(img->hdr.index_crc),
			    crc32c(0, ext, len)))
		goto out;
	ret = check_index(img, ext, n);
out:
	free(ext);
	return ret;
}

uint64_t image_pfn(const struct image *img, uint64_t data_page)
{
	size_t lo = 0, hi = img->nr_data;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->data[mid].data_page <= data_page)
			lo = mid;
		else
			hi = mid;
	}
	return img->data[lo].pfn + data_page - img->data[lo].data_page;
}
