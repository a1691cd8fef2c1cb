/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot: which page frames an image holds and their atomic copy.
 */
#ifndef _TORPOR_SNAPSHOT_H
#define _TORPOR_SNAPSHOT_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/xxhash.h>

struct page;

/* Touch the watchdogs this often in long walks with interrupts off. */
#define TORPOR_WATCHDOG_PAGES	(1UL << 17)

struct torpor_snapshot_iter {
	unsigned long pfn;		/* next frame to look at */
	struct list_head *copy;		/* the next copy page's list entry */
	unsigned long hash;		/* the next live frame's hash */
};

/* A saved frame, and where the writer finds its data. */
struct torpor_snapshot_page {
	unsigned long pfn;
	const void *data;	/* its copy, or the frame itself if live */
	bool live;		/* then data must still hash to hash */
	u64 hash;
};

/* Whether an image of the memory in use now fits (sysfs room). */
struct torpor_snapshot_room {
	unsigned long pages;	/* pages to save */
	unsigned long slots;	/* swap slots they take, stored raw */
	unsigned long free;	/* free slots in the resume area */
	unsigned long least;	/* slots after the most reclaim can do */
};

/* What the last torpor_snapshot_copy() found, in page frames. */
struct torpor_snapshot_counts {
	unsigned long saved;		/* in the image */
	unsigned long live;		/* of them written from where they are */
	unsigned long free;		/* free in the buddy allocator */
	unsigned long own;		/* torpor's copies and bitmaps */
	unsigned long skipped;		/* offline, nosave, unmapped reserved */
	unsigned long copies;		/* copy pages set aside */
	u64 copy_ns;			/* duration of the copy */
};

int torpor_snapshot_prepare(void);
int torpor_snapshot_copy(void);
void torpor_snapshot_release(void);
unsigned long torpor_snapshot_pages(void);
struct page *torpor_snapshot_take_spare(void);
struct page *torpor_snapshot_take_copy(const void *data);
unsigned long torpor_snapshot_image_size(void);
void torpor_snapshot_set_image_size(unsigned long bytes);
void torpor_snapshot_room(struct torpor_snapshot_room *room);
int torpor_snapshot_check_room(void);
void torpor_snapshot_report_memmap(void);
void torpor_snapshot_check_copies(void);
void torpor_snapshot_report_copies(void);
void torpor_snapshot_counts(struct torpor_snapshot_counts *counts);

void torpor_snapshot_iter_start(struct torpor_snapshot_iter *it);
bool torpor_snapshot_iter_next(struct torpor_snapshot_iter *it,
			       struct torpor_snapshot_page *p);

/*
 * What a live frame's data must hash to from the atomic copy until it is
 * in the image: xxh64, as fast as memory where crc32c is not.
 */
static inline u64 torpor_live_hash(const void *data)
{
	return xxh64(data, PAGE_SIZE, 0);
}

typedef void (*torpor_free_fn)(unsigned long pfn, unsigned int order,
			       void *arg);
void torpor_snapshot_walk_free(torpor_free_fn fn, void *arg);

#endif /* _TORPOR_SNAPSHOT_H */
