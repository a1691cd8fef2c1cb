// SPDX-License-Identifier: GPL-2.0
/*
 * Stream pages are written as soon as they fill, to whatever slot the swap
 * allocator hands out; the map pages that record where each one went are
 * written after the stream, since only then is their number known.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "copy.h"
#include "crc.h"
#include "ostream.h"
#include "swap.h"
#include "torpor_image.h"

void torpor_ostream_init(struct torpor_ostream *out, struct torpor_swap *sw,
			 u32 seed)
{
	memset(out, 0, sizeof(*out));
	out->sw = sw;
	out->seed = seed;
	INIT_LIST_HEAD(&out->map);
}

void torpor_ostream_release(struct torpor_ostream *out)
{
	struct page *page, *next;

	if (out->page)
		__free_page(out->page);
	out->page = NULL;
	list_for_each_entry_safe(page, next, &out->map, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	out->map_cur = NULL;
}

static int torpor_map_new_page(struct torpor_ostream *out)
{
	struct page *page = alloc_page(GFP_NOIO | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	list_add_tail(&page->lru, &out->map);
	out->map_cur = page_address(page);
	out->map_cur->head.magic = cpu_to_le32(TORPOR_MAP_MAGIC);
	out->map_cur->head.first_stream_page = cpu_to_le64(out->pages);
	out->map_pages++;
	return 0;
}

/* Record that stream page out->pages lives in @dev_page. */
static int torpor_ostream_map_add(struct torpor_ostream *out, u64 dev_page)
{
	struct torpor_map_page *mp = out->map_cur;
	u32 n = mp ? le32_to_cpu(mp->head.nr_extents) : 0;
	struct torpor_map_extent *ext = n ? &mp->extents[n - 1] : NULL;
	int err;

	if (ext && le32_to_cpu(ext->count) < U32_MAX &&
	    le64_to_cpu(ext->dev_page) + le32_to_cpu(ext->count) == dev_page) {
		le32_add_cpu(&ext->count, 1);
		return 0;
	}
	if (!mp || n == TORPOR_MAP_EXTENTS) {
		err = torpor_map_new_page(out);
		if (err)
			return err;
		mp = out->map_cur;
		n = 0;
	}
	mp->extents[n] = (struct torpor_map_extent){
		.dev_page = cpu_to_le64(dev_page),
		.count = cpu_to_le32(1),
	};
	mp->head.nr_extents = cpu_to_le32(n + 1);
	return 0;
}

/* Append a full page to the stream, which owns it from now on. */
int torpor_ostream_put_page(struct torpor_ostream *out, struct page *page)
{
	u64 dev_page;
	int err;

	err = torpor_swap_alloc(out->sw, &dev_page);
	if (!err)
		err = torpor_ostream_map_add(out, dev_page);
	if (err) {
		__free_page(page);
		return err;
	}
	out->pages++;
	return torpor_swap_write(out->sw, dev_page, page);
}

int torpor_ostream_add(struct torpor_ostream *out, const void *buf, size_t len)
{
	size_t n;
	int err;

	while (len) {
		if (!out->page) {
			out->page = torpor_swap_page_alloc(out->sw);
			if (!out->page)
				return -ENOMEM;
			out->off = 0;
		}
		n = min(len, PAGE_SIZE - out->off);
		torpor_copy(page_address(out->page) + out->off, buf, n);
		out->off += n;
		out->bytes += n;
		buf += n;
		len -= n;
		if (out->off == PAGE_SIZE) {
			err = torpor_ostream_put_page(out, out->page);
			out->page = NULL;
			if (err)
				return err;
		}
	}
	return 0;
}

/* Zero-fill up to the next page boundary. */
int torpor_ostream_pad(struct torpor_ostream *out)
{
	struct page *page = out->page;

	if (!page)
		return 0;
	memset(page_address(page) + out->off, 0, PAGE_SIZE - out->off);
	out->page = NULL;
	return torpor_ostream_put_page(out, page);
}

/* Write the map chain; *first is the device page of its head. */
int torpor_ostream_write_map(struct torpor_ostream *out, u64 *first)
{
	struct torpor_map_page *mp;
	struct page *page;
	u64 dev_page, next;
	int err;

	*first = 0;
	if (list_empty(&out->map))
		return 0;
	err = torpor_swap_alloc(out->sw, first);
	for (dev_page = *first; !err && !list_empty(&out->map); dev_page = next) {
		page = list_first_entry(&out->map, struct page, lru);
		list_del(&page->lru);
		next = 0;
		if (!list_empty(&out->map))
			err = torpor_swap_alloc(out->sw, &next);
		mp = page_address(page);
		mp->head.next = cpu_to_le64(next);
		mp->head.crc = cpu_to_le32(torpor_crc32c_from(out->seed, mp,
							      PAGE_SIZE));
		if (err)
			__free_page(page);
		else
			err = torpor_swap_write(out->sw, dev_page, page);
	}
	out->map_cur = NULL;
	return err;
}
