/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image stream as it is written: logical pages (block data, then the
 * index) scattered over swap slots, recorded in a chain of map pages.
 */
#ifndef _TORPOR_OSTREAM_H
#define _TORPOR_OSTREAM_H

#include <linux/list.h>
#include <linux/types.h>

struct page;
struct torpor_map_page;
struct torpor_swap;

struct torpor_ostream {
	struct torpor_swap *sw;
	struct page *page;		/* partly filled stream page */
	size_t off;
	u64 pages;			/* stream pages queued for writing */
	u64 bytes;			/* bytes added */
	struct list_head map;		/* map pages, in chain order */
	struct torpor_map_page *map_cur;
	unsigned int map_pages;
	u32 seed;			/* the image's, for map pages */
};

void torpor_ostream_init(struct torpor_ostream *out, struct torpor_swap *sw,
			 u32 seed);
void torpor_ostream_release(struct torpor_ostream *out);
int torpor_ostream_add(struct torpor_ostream *out, const void *buf, size_t len);
int torpor_ostream_pad(struct torpor_ostream *out);
int torpor_ostream_put_page(struct torpor_ostream *out, struct page *page);
int torpor_ostream_write_map(struct torpor_ostream *out, u64 *first);

#endif /* _TORPOR_OSTREAM_H */
