/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an image back: single device pages, the map chain that says
 * where the stream's pages are, and the stream itself with many reads in
 * flight.
 */
#ifndef _TORPOR_READER_H
#define _TORPOR_READER_H

#include <linux/blk_types.h>
#include <linux/completion.h>
#include <linux/types.h>

#include "torpor_image.h"

struct block_device;

/* Stream pages [stream_page, stream_page + count) at dev_page onwards. */
struct torpor_map_run {
	u64 stream_page;
	u64 dev_page;
	u64 count;
};

/* The image being resumed; the header is kept as read (little-endian). */
struct torpor_in {
	struct block_device *bdev;
	u64 dev_pages;
	struct torpor_image_header hdr;
	struct torpor_swap_tail tail;	/* as checked */
	u32 seed;			/* crc32c state after its uuid, from load_map */
	struct torpor_map_run *runs;
	unsigned int nr_runs;
	bool test;			/* test_resume: written just now, by us */
	bool busy;			/* hibernation token taken: discard only */
};

/* One read of consecutive stream pages into a virtually contiguous buffer. */
struct torpor_chunk {
	void *buf;
	u64 first;
	unsigned int npages;
	atomic_t pending;
	atomic_t error;
	atomic_t lent;			/* loans not yet returned */
	bool ready;
	struct completion done;
};

#define TORPOR_CHUNK_PAGES	256	/* 1 MiB per read */
#define TORPOR_CHUNKS		8	/* reads in flight */

/*
 * Sequential reader of the block stream.  The chunks are consecutive in
 * one buffer, so bytes that straddle two of them are still contiguous,
 * except where the last one wraps to the first.
 */
struct torpor_reader {
	struct torpor_in *in;
	void *ring;
	struct torpor_chunk chunk[TORPOR_CHUNKS];
	u64 next_page;			/* next stream page to submit */
	u64 end_page;			/* stream pages holding blocks */
	u64 pos;			/* stream bytes consumed */
	u64 recycled;			/* chunks consumed and read again */
	u64 disk_ns;			/* waiting for reads, for the profile */
	u64 loans_ns;			/* waiting for loans back, for it */
};

/* Stream bytes lent in place: the chunks they are in stay until returned. */
struct torpor_loan {
	const void *data;
	struct torpor_chunk *chunk[2];
};

int torpor_reader_load_map(struct torpor_in *in);
void torpor_reader_free_map(struct torpor_in *in);
int torpor_reader_read(struct torpor_in *in, void *buf, u64 first,
		       unsigned int npages);

int torpor_reader_open(struct torpor_reader *rd, struct torpor_in *in);
int torpor_reader_copy(struct torpor_reader *rd, void *dst, size_t len);
int torpor_reader_lend(struct torpor_reader *rd, size_t len, void *buf,
		       struct torpor_loan *loan);
void torpor_reader_return(struct torpor_loan *loan);
void torpor_reader_close(struct torpor_reader *rd);

#endif /* _TORPOR_READER_H */
