/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image target: the kernel's configured resume device, which must be
 * an active swap area.  Space comes from the swap allocator so pages that
 * are swapped out are never overwritten.  A snapshot (kernel/reuse.c)
 * goes instead to an area that is not active: it is the snapshot's alone,
 * and its pages are taken in order.
 */
#ifndef _TORPOR_SWAP_H
#define _TORPOR_SWAP_H

#include <linux/blk_types.h>
#include <linux/llist.h>
#include <linux/types.h>

struct page;

struct torpor_slot_run {
	pgoff_t start;
	pgoff_t count;
};

struct torpor_swap {
	dev_t dev;
	u64 sig_page;			/* device page of the swap header */
	int type;			/* swap_info index, -1 for raw */
	u64 raw_next, raw_end;		/* raw: pages handed out so far, limit */
	struct torpor_bdev bdev;

	/* Every slot taken, so a failed write can give them all back. */
	struct torpor_slot_run *runs;
	unsigned int nr_runs;
	unsigned int max_runs;

	/* Asynchronous writes: one open bio, completions counted. */
	struct bio *bio;
	u64 bio_next_page;
	atomic_t pages_in_flight;
	atomic_t error;
	bool error_recorded;		/* in the stats, by the writer */

	/* Pages whose writes completed, for the writer to fill again. */
	struct llist_head written;
	struct llist_node *spare;	/* taken off @written by the writer */
	unsigned int nr_pool;		/* allocated or given to it */
	u64 wait_ns;			/* waiting for writes to complete */
	u64 nr_bios, nr_segments;	/* submitted, for the write profile */
};

int torpor_swap_open(struct torpor_swap *sw, bool raw);
int torpor_swap_raw_limit(struct torpor_swap *sw, const void *sig);
unsigned long torpor_swap_raw_free(void);
void torpor_swap_raw_forget(void);
void torpor_swap_close(struct torpor_swap *sw, bool keep);
int torpor_swap_alloc(struct torpor_swap *sw, u64 *dev_page);
struct page *torpor_swap_page_alloc(struct torpor_swap *sw);
void torpor_swap_page_give(struct torpor_swap *sw, struct page *page);
int torpor_swap_write(struct torpor_swap *sw, u64 dev_page, struct page *page);
int torpor_swap_drain(struct torpor_swap *sw);
int torpor_swap_rw(struct torpor_swap *sw, blk_opf_t opf, u64 dev_page,
		   struct page *page);

#endif /* _TORPOR_SWAP_H */
