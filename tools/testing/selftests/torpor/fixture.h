/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deterministic torpor image built in memory, with the memory it saves,
 * so that tests can compare extract's output byte for byte and patch any
 * structure (then re-seal its checksums) to test one failure at a time.
 */
#ifndef TORPOR_FIXTURE_H
#define TORPOR_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "torpor_image.h"

struct fixture_opts {
	bool small;		/* a few pages: fuzzer seeds */
	bool compress;		/* LZ4 (raw blocks where it does not pay) */
	const char *uuid;	/* 16 bytes; NULL: "fixture-uuid-001" */
};

struct fixture_block {
	uint64_t off;		/* stream byte of its head */
	uint64_t first;		/* first data page */
	uint32_t npages;
	uint32_t clen;
};

struct fixture {
	uint8_t *img;		/* the device */
	uint64_t dev_pages;
	uint8_t *ram;		/* expected extract output */
	uint64_t max_pfn;

	uint64_t header_page;
	uint64_t *map_at;	/* device page of each map page */
	uint32_t nr_map;
	uint64_t *stream_dev;	/* device page of each stream page */
	uint64_t stream_pages;
	struct fixture_block *blocks;	/* in stream order */
	uint64_t nr_blocks;
	uint64_t index_off;	/* stream byte */
	uint64_t nr_index;
	uint64_t zero_run_pfn;	/* a long run of zero pages */
	uint32_t zero_run_len;
	uint8_t uuid[16];
	uint32_t seed;		/* crc32c of uuid: map, index and block heads */
};

int fixture_build(struct fixture *fx, const struct fixture_opts *opts);
void fixture_free(struct fixture *fx);

struct torpor_swap_tail *fixture_tail(struct fixture *fx);
struct torpor_image_header *fixture_header(struct fixture *fx);
struct torpor_map_page *fixture_map(struct fixture *fx, uint32_t i);
void fixture_stream_rw(struct fixture *fx, void *buf, size_t len, uint64_t off,
		       bool write);
struct torpor_block_head fixture_block_head(struct fixture *fx, uint64_t b);
void fixture_set_block_head(struct fixture *fx, uint64_t b,
			    const struct torpor_block_head *head);

/* Recompute checksums after a patch, outermost last. */
void fixture_seal_tail(struct fixture *fx);
void fixture_seal_header(struct fixture *fx);	/* and the tail */
void fixture_seal_map(struct fixture *fx, uint32_t i);
void fixture_seal_index(struct fixture *fx);	/* and header, tail */
void fixture_seal_block(struct fixture *fx, uint64_t b);

#endif
