/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulk page allocation on every online CPU, for the copies a snapshot
 * needs and the frames a resume needs.
 */
#ifndef _TORPOR_ALLOC_H
#define _TORPOR_ALLOC_H

#include <linux/gfp.h>
#include <linux/list.h>

int torpor_alloc_pages(struct list_head *pages, unsigned long nr, gfp_t gfp,
		       unsigned int order, unsigned long *got);

#endif /* _TORPOR_ALLOC_H */
