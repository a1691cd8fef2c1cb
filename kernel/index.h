/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image's page-frame index: ascending runs of saved frames, all-zero
 * runs flagged so they cost no data.
 */
#ifndef _TORPOR_INDEX_H
#define _TORPOR_INDEX_H

#include <linux/list.h>
#include <linux/types.h>

struct torpor_ostream;

struct torpor_index {
	struct list_head pages;		/* full and current extent pages */
	u64 nr_extents;
	/* The run being extended, written out when the next one starts. */
	u64 run_pfn;
	u32 run_count;
	u32 run_flags;
};

void torpor_index_init(struct torpor_index *idx);
void torpor_index_release(struct torpor_index *idx);
int torpor_index_add(struct torpor_index *idx, unsigned long pfn, bool zero);
int torpor_index_write(struct torpor_index *idx, struct torpor_ostream *out,
		       u32 seed, u32 *crc);

struct torpor_extent;
/* @data: the frame's place among the image's data pages, -1 if all zero */
typedef int (*torpor_index_frame_fn)(unsigned long pfn, s64 data, void *arg);
int torpor_index_for_each(const struct torpor_extent *ext, u64 n,
			  torpor_index_frame_fn fn, void *arg);

#endif /* _TORPOR_INDEX_H */
