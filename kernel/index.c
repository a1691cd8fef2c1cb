// SPDX-License-Identifier: GPL-2.0
/*
 * The index is built while the snapshot is walked, in pages that later
 * become stream pages as they are, so it needs no second copy.  Resume
 * walks it as read, frame by frame.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "crc.h"
#include "index.h"
#include "ostream.h"
#include "stats.h"
#include "torpor_image.h"

#define TORPOR_INDEX_PER_PAGE	(PAGE_SIZE / sizeof(struct torpor_extent))

void torpor_index_init(struct torpor_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	INIT_LIST_HEAD(&idx->pages);
}

void torpor_index_release(struct torpor_index *idx)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &idx->pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

static int torpor_index_flush_run(struct torpor_index *idx)
{
	unsigned int slot = idx->nr_extents % TORPOR_INDEX_PER_PAGE;
	struct torpor_extent *ext;
	struct page *page;

	if (!idx->run_count)
		return 0;
	if (!slot) {
		page = alloc_page(GFP_NOIO | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		list_add_tail(&page->lru, &idx->pages);
	}
	page = list_last_entry(&idx->pages, struct page, lru);
	ext = (struct torpor_extent *)page_address(page) + slot;
	*ext = (struct torpor_extent){
		.pfn = cpu_to_le64(idx->run_pfn),
		.count = cpu_to_le32(idx->run_count),
		.flags = cpu_to_le32(idx->run_flags),
	};
	idx->nr_extents++;
	idx->run_count = 0;
	return 0;
}

/* Frames must come in ascending order. */
int torpor_index_add(struct torpor_index *idx, unsigned long pfn, bool zero)
{
	u32 flags = zero ? TORPOR_EXTENT_ZERO : 0;
	int err;

	if (idx->run_count && pfn < idx->run_pfn + idx->run_count)
		return torpor_stats_fail(-EINVAL, "snapshot frames out of order at pfn %#lx",
					 pfn);
	if (idx->run_count && pfn == idx->run_pfn + idx->run_count &&
	    flags == idx->run_flags && idx->run_count < U32_MAX) {
		idx->run_count++;
		return 0;
	}
	err = torpor_index_flush_run(idx);
	if (err)
		return err;
	idx->run_pfn = pfn;
	idx->run_count = 1;
	idx->run_flags = flags;
	return 0;
}

/*
 * Append the index to @out (page-aligned already); *crc covers its bytes
 * after what @seed covers.
 */
int torpor_index_write(struct torpor_index *idx, struct torpor_ostream *out,
		       u32 seed, u32 *crc)
{
	u64 left;
	struct page *page;
	size_t len;
	u32 c = seed;
	int err;

	err = torpor_index_flush_run(idx);
	if (err)
		return err;
	left = idx->nr_extents * sizeof(struct torpor_extent);
	while (!list_empty(&idx->pages)) {
		page = list_first_entry(&idx->pages, struct page, lru);
		list_del(&page->lru);
		len = min_t(u64, left, PAGE_SIZE);
		c = torpor_crc32c_update(c, page_address(page), len);
		left -= len;
		err = torpor_ostream_put_page(out, page);
		if (err)
			return err;
	}
	*crc = c ^ ~0;
	return 0;
}

/**
 * torpor_index_for_each - call @fn for every frame the index names, in
 *	its order, which is the order of the data pages in the image
 * @ext: the index, checked (torpor_load_index())
 * @n: its extents
 * @fn: called with each frame; a non-zero return ends the walk
 * @arg: passed on to @fn
 *
 * Return: 0, or what @fn returned to end the walk.
 */
int torpor_index_for_each(const struct torpor_extent *ext, u64 n,
			  torpor_index_frame_fn fn, void *arg)
{
	s64 data = 0;
	u64 i;
	int ret;

	for (i = 0; i < n; i++) {
		unsigned long pfn = le64_to_cpu(ext[i].pfn);
		unsigned long end = pfn + le32_to_cpu(ext[i].count);
		bool zero = le32_to_cpu(ext[i].flags) & TORPOR_EXTENT_ZERO;

		for (; pfn < end; pfn++) {
			ret = fn(pfn, zero ? -1 : data++, arg);
			if (ret)
				return ret;
		}
		cond_resched();
	}
	return 0;
}
