// SPDX-License-Identifier: GPL-2.0
/*
 * The block stream: every block is read, checksummed and decompressed,
 * and together the blocks must carry each data page exactly once.
 */
#include <endian.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "image.h"
#include "torpor_image_check.h"
#include "xxh64.h"

#define BLOCK_MAX_BYTES	(TORPOR_MAX_BLOCK_PAGES * TORPOR_PAGE_SIZE)

struct cover {
	uint64_t first;
	uint64_t block;
	uint32_t npages;
};

struct walk {
	struct image *img;
	uint64_t block;
	uint64_t off;		/* stream byte of the current block */
	struct torpor_block_head head;
	uint8_t *payload;
	uint8_t *pages;
	struct cover *cover;
};

static int block_fail(struct walk *w, const char *what)
{
	return image_fail(w->img, "block %llu at stream byte %llu: %s",
			  (unsigned long long)w->block,
			  (unsigned long long)w->off, what);
}

static int read_head(struct walk *w)
{
	struct torpor_block_head head;
	uint64_t left = le64toh(w->img->hdr.data_bytes) - w->off;
	char what[96];

	if (left < sizeof(head))
		return block_fail(w, "head runs past the end of the block stream");
	if (image_read_stream(w->img, &head, sizeof(head), w->off))
		return -1;
	w->head = head;
	if (le32toh(head.magic) != TORPOR_BLOCK_MAGIC) {
		snprintf(what, sizeof(what), "bad magic 0x%08x (expected 0x%08x)",
			 le32toh(head.magic), TORPOR_BLOCK_MAGIC);
		return block_fail(w, what);
	}
	head.head_crc = 0;
	snprintf(what, sizeof(what), "block %llu at stream byte %llu: head",
		 (unsigned long long)w->block, (unsigned long long)w->off);
	return image_crc_check(w->img, what, le32toh(w->head.head_crc),
			       crc32c(w->img->seed, &head, sizeof(head)));
}

static int check_head(struct walk *w)
{
	uint64_t left = le64toh(w->img->hdr.data_bytes) - w->off - sizeof(w->head);
	char why[sizeof(w->img->err)];

	if (torpor_check_block_head(&w->img->hdr, &w->head, left, why,
				    sizeof(why)))
		return block_fail(w, why);
	return 0;
}

static int read_payload(struct walk *w)
{
	uint32_t clen = le32toh(w->head.clen);
	uint32_t raw = le32toh(w->head.npages) * TORPOR_PAGE_SIZE;
	char what[96];
	int n;

	if (image_read_stream(w->img, w->payload, clen, w->off + sizeof(w->head)))
		return -1;
	snprintf(what, sizeof(what), "block %llu at stream byte %llu: payload",
		 (unsigned long long)w->block, (unsigned long long)w->off);
	if (image_sum_check(w->img, what, "xxh64", le32toh(w->head.hash),
			    (uint32_t)xxh64(w->payload, clen, 0)))
		return -1;
	if (clen == raw) {
		memcpy(w->pages, w->payload, raw);
		return 0;
	}
	n = LZ4_decompress_safe((const char *)w->payload, (char *)w->pages,
				clen, raw);
	if (n != (int)raw) {
		snprintf(what, sizeof(what),
			 "LZ4 decompression failed (result %d, expected %u bytes)",
			 n, raw);
		return block_fail(w, what);
	}
	return 0;
}

static int cover_cmp(const void *a, const void *b)
{
	const struct cover *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int check_coverage(struct image *img, struct cover *cover, uint64_t n)
{
	uint64_t next = 0, data_pages = le64toh(img->hdr.nr_data_pages);

	qsort(cover, n, sizeof(*cover), cover_cmp);
	for (uint64_t i = 0; i < n; i++) {
		if (cover[i].first > next)
			return image_fail(img, "coverage: data pages %llu..%llu are in no block",
					  (unsigned long long)next,
					  (unsigned long long)cover[i].first - 1);
		if (cover[i].first < next)
			return image_fail(img, "coverage: block %llu (data pages %llu+%u) overlaps block %llu",
					  (unsigned long long)cover[i].block,
					  (unsigned long long)cover[i].first,
					  cover[i].npages,
					  (unsigned long long)cover[i - 1].block);
		next = cover[i].first + cover[i].npages;
	}
	if (next != data_pages)
		return image_fail(img, "coverage: data pages %llu..%llu are in no block",
				  (unsigned long long)next,
				  (unsigned long long)data_pages - 1);
	return 0;
}

static int walk_blocks(struct walk *w, image_block_fn fn, void *ctx)
{
	uint64_t nr_blocks = le64toh(w->img->hdr.nr_blocks);

	for (w->block = 0; w->block < nr_blocks; w->block++) {
		uint64_t first;
		uint32_t npages;

		if (read_head(w) || check_head(w) || read_payload(w))
			return -1;
		first = le64toh(w->head.first_data_page);
		npages = le32toh(w->head.npages);
		if (fn && fn(ctx, w->img, first, npages, w->pages))
			return -1;
		w->cover[w->block] = (struct cover){ first, w->block, npages };
		w->off += sizeof(w->head) + le32toh(w->head.clen);
	}
	if (w->off != le64toh(w->img->hdr.data_bytes))
		return image_fail(w->img, "block stream: %llu blocks end at byte %llu, header says data_bytes %llu",
				  (unsigned long long)nr_blocks,
				  (unsigned long long)w->off,
				  (unsigned long long)le64toh(w->img->hdr.data_bytes));
	return check_coverage(w->img, w->cover, nr_blocks);
}

/* image_open() bounded nr_blocks by data_bytes, so cover[] is bounded too. */
int image_walk(struct image *img, image_block_fn fn, void *ctx)
{
	uint64_t nr_blocks = le64toh(img->hdr.nr_blocks);
	struct walk w = {
		.img = img,
		.payload = malloc(BLOCK_MAX_BYTES),
		.pages = malloc(BLOCK_MAX_BYTES),
		.cover = calloc(nr_blocks ? nr_blocks : 1, sizeof(struct cover)),
	};
	int ret;

	if (!w.payload || !w.pages || !w.cover)
		ret = image_fail(img, "out of memory for %llu blocks",
				 (unsigned long long)nr_blocks);
	else
		ret = walk_blocks(&w, fn, ctx);
	free(w.payload);
	free(w.pages);
	free(w.cover);
	return ret;
}
