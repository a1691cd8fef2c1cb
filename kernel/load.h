/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an image: the page-frame index, then every block, checked and
 * decompressed in parallel straight into the pages chosen by place.c.
 */
#ifndef _TORPOR_LOAD_H
#define _TORPOR_LOAD_H

#include <linux/types.h>

#include "torpor_image.h"

struct torpor_in;
struct torpor_place;

/* Where a load's time went, ns, for benchmarks (torpor_load_profile()). */
struct torpor_load_profile {
	u64 index_ns;			/* map chain and index, read and checked */
	u64 alloc_ns;			/* placement: the frames allocated */
	u64 assign_ns;			/* placement: data pages given places */
	u64 blocks_ns;			/* the block stream */
	u64 disk_ns, loans_ns, job_ns;	/* of it, the walk waiting */
	u64 hash_ns, lz4_ns, place_ns;	/* all workers together */
};

int torpor_load_index(struct torpor_in *in, struct torpor_extent **extp);
int torpor_load_blocks(struct torpor_in *in, struct torpor_place *pl,
		       struct torpor_load_profile *prof);
void torpor_load_profile(const struct torpor_load_profile *prof);

#endif /* _TORPOR_LOAD_H */
