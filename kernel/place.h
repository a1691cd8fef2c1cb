/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where loaded pages go.  A data page is written straight into its own
 * frame when torpor could allocate that frame; otherwise into a safe page
 * (one the image does not use), and the pair goes on the copy list the
 * trampoline walks after the boot kernel has stopped.
 */
#ifndef _TORPOR_PLACE_H
#define _TORPOR_PLACE_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/types.h>

#include "torpor_image.h"

/* Boot-kernel direct-map addresses; src == 0 means "fill with zeroes". */
struct torpor_pbe {
	u64 src;
	u64 dst;
};

#define TORPOR_PBE_PER_PAGE	((PAGE_SIZE - 16) / sizeof(struct torpor_pbe))

/* Layout known to the trampoline: next at 0, count at 8, pairs from 16. */
struct torpor_pbe_page {
	u64 next;			/* address of the next page, 0 = last */
	u64 count;
	struct torpor_pbe pbe[TORPOR_PBE_PER_PAGE];
};

static_assert(sizeof(struct torpor_pbe_page) <= PAGE_SIZE);

struct torpor_place {
	unsigned long max_pfn;
	unsigned long *image;		/* frames the image fills */
	unsigned long *ours;		/* frames torpor allocated */
	struct list_head pool;		/* safe pages not handed out yet */
	void **dest;			/* per data page: where to write it */
	struct torpor_pbe_page *pbe_first, *pbe_last;
	u64 nr_in_place;
	u64 nr_copies;
	u64 verify;			/* the frame list, physical (verify.c) */
};

int torpor_place_init(struct torpor_place *pl, unsigned long max_pfn,
		      const struct torpor_extent *ext, u64 n);
int torpor_place_alloc(struct torpor_place *pl, u64 nr_pages);
int torpor_place_assign(struct torpor_place *pl, const struct torpor_extent *ext,
			u64 n, u64 nr_data);
void *torpor_place_safe_page(struct torpor_place *pl);
void torpor_place_free(struct torpor_place *pl);

#endif /* _TORPOR_PLACE_H */
