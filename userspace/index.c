// SPDX-License-Identifier: GPL-2.0
/*
 * The page-frame index: which frames the image holds, which of them are
 * zero, and so which frame each data page belongs to.
 */
#include <endian.h>
#include <stdlib.h>

#include "crc32c.h"
#include "image.h"
#include "torpor_image_check.h"
#include "torpor_runs.h"

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
	struct torpor_index_sums sums = { 0 };
	char why[sizeof(img->err)];

	for (uint64_t i = 0; i < n; i++)
		if (torpor_check_extent(&img->hdr, &ext[i], i, &sums, why,
					sizeof(why)))
			return image_fail(img, "%s", why);
	if (torpor_check_index_sums(&img->hdr, &sums, why, sizeof(why)))
		return image_fail(img, "%s", why);
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
			    crc32c(img->seed, ext, len)))
		goto out;
	ret = check_index(img, ext, n);
out:
	free(ext);
	return ret;
}

static __u64 data_run_start(const void *runs, size_t i)
{
	return ((const struct data_run *)runs)[i].data_page;
}

uint64_t image_pfn(const struct image *img, uint64_t data_page)
{
	size_t i = torpor_runs_find(img->data, img->nr_data, data_page,
				    data_run_start);

	return img->data[i].pfn + data_page - img->data[i].data_page;
}
