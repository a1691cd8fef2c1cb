// SPDX-License-Identifier: GPL-2.0
/*
 * Writing to the resume device.  Slots come from the swap allocator of the
 * active swap area behind /sys/power/resume, so the image never lands on
 * swapped-out pages; writes are batched into large bios that run while the
 * compressors keep working.
 *
 * A snapshot is written raw, to a swap partition that is not active: every
 * boot from the snapshot resumes a system that never had it as swap, so
 * nothing but torpor ever writes there while the snapshot lives.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/gfp.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/timekeeping.h>
#include <linux/wait_bit.h>

#include "bdev.h"
#include "entry.h"
#include "ksyms.h"
#include "stats.h"
#include "swap.h"

/* Pages handed to the block layer and not yet completed: 16 MiB. */
#define TORPOR_MAX_IN_FLIGHT	4096

/*
 * Stream pages are allocated up to what can be in flight plus one open
 * bio, then reused as their writes complete: with init_on_alloc (Debian's
 * default) every fresh page is cleared first, and the writer would clear
 * each page of the image once more before filling it.
 */
#define TORPOR_POOL_PAGES	(TORPOR_MAX_IN_FLIGHT + BIO_MAX_VECS)

/* Pages of the last raw target checked, for the room it offers. */
static unsigned long torpor_swap_raw_pages;

unsigned long torpor_swap_raw_free(void)
{
	return READ_ONCE(torpor_swap_raw_pages);
}

/*
 * Past a snapshot's run the measure is stale: the area is not active swap
 * and takes no hibernation, in the system that failed to write it as in
 * every session resumed from it, so the room file shows 0 free as for any
 * inactive area.
 */
void torpor_swap_raw_forget(void)
{
	WRITE_ONCE(torpor_swap_raw_pages, 0);
}

static int torpor_swap_check_raw(struct torpor_swap *sw)
{
	if (sw->type >= 0)
		return torpor_stats_fail(-EBUSY,
			"snapshot refused: resume device %u:%u is active swap: swap it off, the snapshot keeps it for itself",
			MAJOR(sw->dev), MINOR(sw->dev));
	if (sw->sig_page)
		return torpor_stats_fail(-EINVAL,
			"snapshot refused: resume_offset %llu: a snapshot needs a swap partition, not a swap file",
			sw->sig_page);
	sw->type = -1;
	return 0;
}

/* @raw: for a snapshot, the area must not be active swap (see above). */
int torpor_swap_open(struct torpor_swap *sw, bool raw)
{
	int err;

	memset(sw, 0, sizeof(*sw));
	torpor_entry_resume_target(&sw->dev, &sw->sig_page);
	if (!sw->dev)
		return torpor_stats_fail(-ENODEV,
			"no resume device: write the swap device to /sys/power/resume");
	sw->type = swap_type_of(sw->dev, sw->sig_page);
	WRITE_ONCE(torpor_swap_raw_pages, 0);
	if (raw) {
		err = torpor_swap_check_raw(sw);
		if (err)
			return err;
	} else if (sw->type < 0) {
		return torpor_stats_fail(-EINVAL,
			"resume device %u:%u offset %llu is not an active swap area",
			MAJOR(sw->dev), MINOR(sw->dev), sw->sig_page);
	}
	err = torpor_bdev_open(&sw->bdev, sw->dev);
	if (err)
		return torpor_stats_fail(err, "cannot open resume device %u:%u",
					 MAJOR(sw->dev), MINOR(sw->dev));
	atomic_set(&sw->pages_in_flight, 0);
	atomic_set(&sw->error, 0);
	init_llist_head(&sw->written);
	return 0;
}

/**
 * torpor_swap_raw_limit - take a raw target's size from its swap header
 * @sw: opened raw
 * @sig: its signature page, checked by torpor_sig_check_target()
 *
 * Return: 0, or a negative errno with the reason recorded.
 */
int torpor_swap_raw_limit(struct torpor_swap *sw, const void *sig)
{
	const union swap_header *sh = sig;
	u64 pages = bdev_nr_bytes(sw->bdev.bdev) >> PAGE_SHIFT;

	/* Pages are taken in order: a bad one would be written over. */
	if (sh->info.nr_badpages)
		return torpor_stats_fail(-EINVAL, "snapshot refused: resume device %u:%u lists bad pages",
					 MAJOR(sw->dev), MINOR(sw->dev));
	sw->raw_next = 1;
	sw->raw_end = min_t(u64, (u64)sh->info.last_page + 1, pages);
	WRITE_ONCE(torpor_swap_raw_pages, sw->raw_end - 1);
	return 0;
}

static void torpor_swap_submit(struct torpor_swap *sw)
{
	if (!sw->bio)
		return;
	sw->nr_bios++;
	sw->nr_segments += sw->bio->bi_vcnt;
	submit_bio(sw->bio);
	sw->bio = NULL;
}

static void torpor_swap_wait(struct torpor_swap *sw, int below)
{
	u64 t0 = ktime_get_ns();

	wait_var_event(&sw->pages_in_flight,
		       atomic_read(&sw->pages_in_flight) < below);
	sw->wait_ns += ktime_get_ns() - t0;
}

static void torpor_swap_free_slots(struct torpor_swap *sw)
{
	unsigned int i;
	pgoff_t n;

	for (i = 0; sw->type >= 0 && i < sw->nr_runs; i++)
		for (n = 0; n < sw->runs[i].count; n++)
			swap_free(swp_entry(sw->type, sw->runs[i].start + n));
	sw->nr_runs = 0;
}

/* A page whose write completed, or NULL. */
static struct page *torpor_swap_reuse(struct torpor_swap *sw)
{
	struct llist_node *node;

	if (!sw->spare)
		sw->spare = llist_del_all(&sw->written);
	node = sw->spare;
	if (!node)
		return NULL;
	sw->spare = node->next;
	return virt_to_page(node);
}

/* With @keep false, every slot taken goes back to the allocator. */
void torpor_swap_close(struct torpor_swap *sw, bool keep)
{
	struct page *page;

	torpor_swap_submit(sw);
	torpor_swap_wait(sw, 1);
	while ((page = torpor_swap_reuse(sw)))
		__free_page(page);
	if (!keep)
		torpor_swap_free_slots(sw);
	torpor_bdev_close(&sw->bdev);
	kfree(sw->runs);
	sw->runs = NULL;
}

static int torpor_swap_record(struct torpor_swap *sw, pgoff_t offset)
{
	struct torpor_slot_run *run = sw->nr_runs ? &sw->runs[sw->nr_runs - 1] : NULL;
	unsigned int max;

	if (run && offset == run->start + run->count) {
		run->count++;
		return 0;
	}
	if (sw->nr_runs == sw->max_runs) {
		max = max(64u, 2 * sw->max_runs);
		run = krealloc_array(sw->runs, max, sizeof(*run), GFP_NOIO);
		if (!run)
			return -ENOMEM;
		sw->runs = run;
		sw->max_runs = max;
	}
	sw->runs[sw->nr_runs++] = (struct torpor_slot_run){ offset, 1 };
	return 0;
}

int torpor_swap_alloc(struct torpor_swap *sw, u64 *dev_page)
{
	swp_entry_t entry;
	pgoff_t offset;
	int err;

	if (sw->type < 0) {
		if (sw->raw_next >= sw->raw_end)
			return torpor_stats_fail(-ENOSPC, "swap area %u:%u is too small for the image",
						 MAJOR(sw->dev), MINOR(sw->dev));
		*dev_page = sw->raw_next++;
		return 0;
	}
	entry = get_swap_page_of_type(sw->type);
	offset = swp_offset(entry);

	if (!offset)
		return torpor_stats_fail(-ENOSPC, "swap area %u:%u is too small for the image",
					 MAJOR(sw->dev), MINOR(sw->dev));
	err = torpor_swap_record(sw, offset);
	if (err) {
		swap_free(entry);
		return err;
	}
	*dev_page = swapdev_block(sw->type, offset);
	return 0;
}

/*
 * The first write error, recorded by the writer when it first sees it:
 * completions run in interrupt context, in the middle of the run.
 */
static int torpor_swap_error(struct torpor_swap *sw)
{
	int err = atomic_read(&sw->error);

	if (err && !sw->error_recorded) {
		sw->error_recorded = true;
		torpor_stats_fail(err, "I/O error writing the image to resume device %u:%u, %llu of %llu pages packed: swap signature left in place",
				  MAJOR(sw->dev), MINOR(sw->dev),
				  (u64)atomic64_read(&torpor_stats.pages_done),
				  (u64)atomic64_read(&torpor_stats.pages_total));
	}
	return err;
}

static void torpor_swap_end_io(struct bio *bio)
{
	struct torpor_swap *sw = bio->bi_private;
	struct bvec_iter_all iter;
	struct bio_vec *bv;
	int pages = 0;

	if (bio->bi_status)
		atomic_cmpxchg(&sw->error, 0, -EIO);
	/* The page's own bytes link it: they have been written. */
	bio_for_each_segment_all(bv, bio, iter) {
		llist_add(page_address(bv->bv_page), &sw->written);
		pages++;
	}
	bio_put(bio);
	/*
	 * Both the writer waiting for a page and one waiting for fewer pages
	 * in flight watch the count.  A waiter may free @sw once it drops:
	 * wake by address only.
	 */
	atomic_sub(pages, &sw->pages_in_flight);
	/* wake_up_var() checks for waiters: order the count before that. */
	smp_mb__after_atomic();
	wake_up_var(&sw->pages_in_flight);
}

struct page *torpor_swap_page_alloc(struct torpor_swap *sw)
{
	struct page *page = torpor_swap_reuse(sw);
	u64 t0;

	if (!page && sw->nr_pool < TORPOR_POOL_PAGES) {
		page = alloc_page(GFP_NOIO | __GFP_NOWARN);
		sw->nr_pool += !!page;
	}
	if (page)
		return page;
	torpor_swap_submit(sw);
	t0 = ktime_get_ns();
	wait_var_event(&sw->pages_in_flight,
		       !llist_empty(&sw->written) ||
		       !atomic_read(&sw->pages_in_flight));
	sw->wait_ns += ktime_get_ns() - t0;
	return torpor_swap_reuse(sw) ?: alloc_page(GFP_NOIO | __GFP_HIGH);
}

/* @page, the caller's, joins the pool, and is freed with it. */
void torpor_swap_page_give(struct torpor_swap *sw, struct page *page)
{
	llist_add(page_address(page), &sw->written);
	sw->nr_pool++;
}

/*
 * Queue @page, from torpor_swap_page_alloc(), for @dev_page.  Once written
 * it comes back for reuse; torpor_swap_close() frees the pool.
 * Returns the first I/O error seen so far, so a writer stops early.
 */
int torpor_swap_write(struct torpor_swap *sw, u64 dev_page, struct page *page)
{
	struct bio *bio = sw->bio;

	if (!bio || dev_page != sw->bio_next_page ||
	    bio_add_page(bio, page, PAGE_SIZE, 0) != PAGE_SIZE) {
		torpor_swap_submit(sw);
		torpor_swap_wait(sw, TORPOR_MAX_IN_FLIGHT);
		bio = bio_alloc(sw->bdev.bdev, BIO_MAX_VECS, REQ_OP_WRITE,
				GFP_NOIO);
		bio->bi_iter.bi_sector = dev_page << (PAGE_SHIFT - SECTOR_SHIFT);
		bio->bi_end_io = torpor_swap_end_io;
		bio->bi_private = sw;
		__bio_add_page(bio, page, PAGE_SIZE, 0);
		sw->bio = bio;
	}
	atomic_inc(&sw->pages_in_flight);
	atomic64_add(PAGE_SIZE, &torpor_stats.bytes_written);
	sw->bio_next_page = dev_page + 1;
	return torpor_swap_error(sw);
}

/*
 * Wait for every queued write.  Not durable yet: the signature page's
 * REQ_PREFLUSH makes all of them durable at once.
 */
int torpor_swap_drain(struct torpor_swap *sw)
{
	torpor_swap_submit(sw);
	torpor_swap_wait(sw, 1);
	return torpor_swap_error(sw);
}

/* Synchronous single-page I/O, for the signature page. */
int torpor_swap_rw(struct torpor_swap *sw, blk_opf_t opf, u64 dev_page,
		   struct page *page)
{
	int err = torpor_bdev_page_io(sw->bdev.bdev, opf, dev_page,
				      page_address(page));

	if (err)
		torpor_stats_fail(err, "I/O error %s page %llu of resume device %u:%u",
				  op_is_write(opf) ? "writing" : "reading",
				  dev_page, MAJOR(sw->dev), MINOR(sw->dev));
	return err;
}
