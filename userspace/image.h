/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_IMAGE_H
#define TORPOR_IMAGE_H

#include <stdint.h>

#include "compiler.h"
#include "dev.h"
#include "torpor_image.h"

enum image_kind {
	IMAGE_OTHER,		/* neither swap nor torpor */
	IMAGE_SWAP,		/* plain swap signature */
	IMAGE_TORPOR,		/* torpor signature in the tail */
};

/* Stream pages [stream_page, stream_page + count) at dev_page onwards. */
struct stream_run {
	uint64_t stream_page;
	uint64_t dev_page;
	uint64_t count;
};

/* Data pages [data_page, data_page + count) are frames pfn onwards. */
struct data_run {
	uint64_t data_page;
	uint64_t pfn;
	uint64_t count;
};

/*
 * A parsed image.  The tail and header are kept as read (little-endian);
 * everything else is host order.  On failure, err holds one line saying
 * precisely what is wrong and where.
 */
struct image {
	struct dev *dev;
	uint64_t dev_pages;
	uint64_t sig_at;	/* device page of the signature page */
	uint8_t sig_page[TORPOR_PAGE_SIZE];
	struct torpor_swap_tail tail;
	struct torpor_image_header hdr;
	uint32_t seed;		/* crc32c of the image's uuid, for map, index, blocks */
	struct stream_run *runs;
	size_t nr_runs;
	struct data_run *data;
	size_t nr_data;
	char err[256];
};

/* Called for every verified block with its decompressed pages. */
typedef int (*image_block_fn)(void *ctx, struct image *img,
			      uint64_t first_data_page, uint32_t npages,
			      const uint8_t *pages);

void image_init(struct image *img, struct dev *dev, uint64_t sig_at);
int image_probe(struct image *img);
int image_open(struct image *img);
int image_load(struct image *img);
int image_walk(struct image *img, image_block_fn fn, void *ctx);
int image_check(struct image *img, image_block_fn fn, void *ctx);
uint64_t image_pfn(const struct image *img, uint64_t data_page);
uint64_t image_disk_bytes(const struct torpor_image_header *h);
double image_ratio(const struct torpor_image_header *h);
void image_release(struct image *img);

/* Shared by the parts of the reader (image.c, map.c, index.c, blocks.c). */
int image_fail(struct image *img, const char *fmt, ...)
	__printf(2, 3);
int image_sum_check(struct image *img, const char *what, const char *sum,
		    uint32_t stored, uint32_t computed);
int image_crc_check(struct image *img, const char *what, uint32_t stored,
		    uint32_t computed);
int image_read_page(struct image *img, void *buf, uint64_t dev_page);
int image_read_stream(struct image *img, void *buf, size_t len, uint64_t off);
int image_load_map(struct image *img);
int image_load_index(struct image *img);

/* The swap header field the tail must leave alone (mkswap's layout). */
#define SWAP_NR_BADPAGES_OFFSET	1032

#endif
