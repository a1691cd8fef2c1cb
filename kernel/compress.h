/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parallel block compression: one worker thread per online CPU turns runs
 * of data pages into checksummed LZ4 (or raw) blocks of the image stream,
 * and so does the caller itself whenever it would wait for one.
 */
#ifndef _TORPOR_COMPRESS_H
#define _TORPOR_COMPRESS_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

/* Data pages per block: 128 KiB of input keeps LZ4 efficient. */
#define TORPOR_BLOCK_PAGES	32

struct torpor_worker;

/* Where the compression's time went, ns: for the write's profile. */
struct torpor_compress_profile {
	u64 input_ns;		/* gathering pages, checking live ones */
	u64 lz4_ns;
	u64 sum_ns;		/* payload and block head checksums */
	u64 caller_ns;		/* of all three, in the caller */
	u64 wait_ns;		/* the caller waiting for a block */
};

struct torpor_block {
	struct list_head node;
	u64 first_data_page;
	unsigned int npages;
	const void *src[TORPOR_BLOCK_PAGES];
	/* Live frames (snapshot.c): which pages, their frames and hashes. */
	u32 live;
	unsigned long pfn[TORPOR_BLOCK_PAGES];
	u64 hash[TORPOR_BLOCK_PAGES];
	unsigned long changed;	/* set with -EAGAIN in err: the frame */
	int err;
	size_t len;		/* bytes in out: block head and payload */
	void *out;
};

struct torpor_compress {
	spinlock_t lock;
	struct list_head free;
	struct list_head todo;
	struct list_head done;
	unsigned int outstanding;	/* queued and not yet collected */
	wait_queue_head_t todo_wait;
	wait_queue_head_t done_wait;
	struct torpor_block *blocks;
	unsigned int nr_blocks;
	struct torpor_worker *workers;	/* [0]: the caller, no thread */
	unsigned int nr_workers;
	u32 seed;			/* the image's, for block heads */
	struct torpor_compress_profile profile;	/* summed at stop */
};

int torpor_compress_start(struct torpor_compress *c, u32 seed);
void torpor_compress_stop(struct torpor_compress *c);
struct torpor_block *torpor_compress_get(struct torpor_compress *c);
void torpor_compress_queue(struct torpor_compress *c, struct torpor_block *b);
struct torpor_block *torpor_compress_collect(struct torpor_compress *c,
					     bool wait);
void torpor_compress_put(struct torpor_compress *c, struct torpor_block *b);

#endif /* _TORPOR_COMPRESS_H */
