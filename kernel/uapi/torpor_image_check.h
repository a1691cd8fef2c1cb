/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The checks a reader makes on the resume tail and the image header before
 * it trusts any of their counts, shared by the kernel module and the torpor
 * command so that both refuse the same images in the same words.
 *
 * Checksums are the caller's (each side has its own crc32c); these run
 * after them.  Each check returns TORPOR_CHECK_OK, or another value with a
 * sentence naming the field and its value in @why.
 */
#ifndef _UAPI_TORPOR_IMAGE_CHECK_H
#define _UAPI_TORPOR_IMAGE_CHECK_H

#include "torpor_image.h"

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#define torpor_le32(x)	le32_to_cpu(x)
#define torpor_le64(x)	le64_to_cpu(x)
#else
#include <endian.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#define torpor_le32(x)	le32toh(x)
#define torpor_le64(x)	le64toh(x)
#endif

/* x86-64 with 52-bit physical addresses; keeps max_pfn * 4096 in range. */
#define TORPOR_MAX_PFN	(1ull << 40)

enum torpor_check {
	TORPOR_CHECK_OK = 0,
	TORPOR_CHECK_BAD,
	TORPOR_CHECK_OUTSIDE,	/* the header page lies beyond the device */
};

#define torpor_check_fail(why, len, ...) \
	(snprintf(why, len, __VA_ARGS__), TORPOR_CHECK_BAD)

static inline enum torpor_check
torpor_check_tail(const struct torpor_swap_tail *t, __u64 dev_pages,
		  char *why, size_t len)
{
	__u64 page = torpor_le64(t->header_page);

	if (memcmp(t->orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN))
		return torpor_check_fail(why, len, "tail: saved swap signature is not "
					 TORPOR_SWAP_SIG);
	if (torpor_le32(t->version) != TORPOR_FORMAT_VERSION)
		return torpor_check_fail(why, len, "tail: format version %u, expected %u",
					 torpor_le32(t->version), TORPOR_FORMAT_VERSION);
	if (torpor_le64(t->header_crc) >> 32)
		return torpor_check_fail(why, len, "tail: header crc32c copy 0x%llx has upper bits set",
					 (unsigned long long)torpor_le64(t->header_crc));
	if (!page || page >= dev_pages) {
		snprintf(why, len, "tail: header page %llu outside the device (1..%llu)",
			 (unsigned long long)page, (unsigned long long)dev_pages - 1);
		return TORPOR_CHECK_OUTSIDE;
	}
	return TORPOR_CHECK_OK;
}

/* That the header is the one the tail points to, in this format. */
static inline enum torpor_check
torpor_check_frame(const struct torpor_image_header *h,
		   const struct torpor_swap_tail *t, char *why, size_t len)
{
	if (torpor_le32(h->magic) != TORPOR_IMAGE_MAGIC)
		return torpor_check_fail(why, len, "header: bad magic 0x%08x (expected 0x%08x)",
					 torpor_le32(h->magic), TORPOR_IMAGE_MAGIC);
	if (torpor_le32(h->version) != TORPOR_FORMAT_VERSION)
		return torpor_check_fail(why, len, "header: format version %u, expected %u",
					 torpor_le32(h->version), TORPOR_FORMAT_VERSION);
	if (torpor_le32(h->header_size) != sizeof(*h))
		return torpor_check_fail(why, len, "header: size %u, expected %zu",
					 torpor_le32(h->header_size), sizeof(*h));
	if (torpor_le64(t->header_crc) != torpor_le32(h->header_crc))
		return torpor_check_fail(why, len, "header: crc32c 0x%08x differs from the tail's copy 0x%08llx",
					 torpor_le32(h->header_crc),
					 (unsigned long long)torpor_le64(t->header_crc));
	if (memcmp(h->image_uuid, t->image_uuid, sizeof(h->image_uuid)))
		return torpor_check_fail(why, len, "header: image uuid differs from the tail's");
	return TORPOR_CHECK_OK;
}

static inline enum torpor_check
torpor_check_identity(const struct torpor_image_header *h, char *why, size_t len)
{
	if (torpor_le32(h->page_size) != TORPOR_PAGE_SIZE)
		return torpor_check_fail(why, len, "header: page size %u, expected %u",
					 torpor_le32(h->page_size), TORPOR_PAGE_SIZE);
	if (!memchr(h->kernel_release, 0, TORPOR_UTS_LEN) ||
	    !memchr(h->kernel_version, 0, TORPOR_UTS_LEN))
		return torpor_check_fail(why, len, "header: kernel release or version not NUL-terminated");
	if (torpor_le32(h->arch) != TORPOR_ARCH_X86_64)
		return torpor_check_fail(why, len, "header: unknown arch %u",
					 torpor_le32(h->arch));
	if (torpor_le32(h->ram_ranges) > TORPOR_MAX_RAM_RANGES)
		return torpor_check_fail(why, len, "header: %u RAM ranges, at most %u",
					 torpor_le32(h->ram_ranges), TORPOR_MAX_RAM_RANGES);
	return TORPOR_CHECK_OK;
}

static inline enum torpor_check
torpor_check_counts(const struct torpor_image_header *h, char *why, size_t len)
{
	unsigned long long pages = torpor_le64(h->nr_pages);
	unsigned long long zero = torpor_le64(h->nr_zero_pages);
	unsigned long long data = torpor_le64(h->nr_data_pages);
	unsigned long long max_pfn = torpor_le64(h->max_pfn);
	unsigned long long blocks = torpor_le64(h->nr_blocks);
	unsigned int block_pages = torpor_le32(h->block_pages);

	if (!pages || pages > TORPOR_MAX_PAGES)
		return torpor_check_fail(why, len, "header: nr_pages %llu out of range 1..%llu",
					 pages, TORPOR_MAX_PAGES);
	if (max_pfn > TORPOR_MAX_PFN || pages > max_pfn)
		return torpor_check_fail(why, len, "header: max_pfn %llu impossible for %llu pages",
					 max_pfn, pages);
	if (zero > pages || data != pages - zero)
		return torpor_check_fail(why, len, "header: nr_data_pages %llu is not nr_pages %llu minus nr_zero_pages %llu",
					 data, pages, zero);
	if (torpor_le32(h->compression) > TORPOR_COMP_LZ4)
		return torpor_check_fail(why, len, "header: unknown compression %u",
					 torpor_le32(h->compression));
	if (!block_pages || block_pages > TORPOR_MAX_BLOCK_PAGES)
		return torpor_check_fail(why, len, "header: block_pages %u out of range 1..%u",
					 block_pages, TORPOR_MAX_BLOCK_PAGES);
	if (blocks > data || data > blocks * block_pages)
		return torpor_check_fail(why, len, "header: %llu blocks of at most %u pages cannot carry %llu data pages",
					 blocks, block_pages, data);
	return TORPOR_CHECK_OK;
}

static inline enum torpor_check
torpor_check_layout(const struct torpor_image_header *h, __u64 dev_pages,
		    char *why, size_t len)
{
	unsigned long long stream = torpor_le64(h->stream_pages);
	unsigned long long bytes = torpor_le64(h->data_bytes);
	unsigned long long blocks = torpor_le64(h->nr_blocks);
	unsigned long long index = torpor_le64(h->index_offset);
	unsigned long long extents = torpor_le64(h->index_extents);
	unsigned int map_pages = torpor_le32(h->map_pages);

	if (!stream || stream > dev_pages)
		return torpor_check_fail(why, len, "header: stream of %llu pages does not fit the device (%llu pages)",
					 stream, (unsigned long long)dev_pages);
	if (!map_pages || map_pages > stream)
		return torpor_check_fail(why, len, "header: %u map pages for a stream of %llu pages",
					 map_pages, stream);
	if (bytes > stream * TORPOR_PAGE_SIZE ||
	    blocks > bytes / (sizeof(struct torpor_block_head) + 1))
		return torpor_check_fail(why, len, "header: %llu blocks in %llu data bytes do not fit a stream of %llu pages",
					 blocks, bytes, stream);
	if (index < (bytes + TORPOR_PAGE_SIZE - 1) / TORPOR_PAGE_SIZE)
		return torpor_check_fail(why, len, "header: index at stream page %llu overlaps the %llu-byte block stream",
					 index, bytes);
	if (!extents || extents > torpor_le64(h->nr_pages) || index > stream ||
	    extents > (stream - index) * (TORPOR_PAGE_SIZE / sizeof(struct torpor_extent)))
		return torpor_check_fail(why, len, "header: index of %llu extents at stream page %llu does not fit a stream of %llu pages",
					 extents, index, stream);
	return TORPOR_CHECK_OK;
}

/* Everything in the header a reader relies on, after its checksum. */
static inline enum torpor_check
torpor_check_header(const struct torpor_image_header *h,
		    const struct torpor_swap_tail *t, __u64 dev_pages,
		    char *why, size_t len)
{
	enum torpor_check ret;

	ret = torpor_check_frame(h, t, why, len);
	if (!ret)
		ret = torpor_check_identity(h, why, len);
	if (!ret)
		ret = torpor_check_counts(h, why, len);
	if (!ret)
		ret = torpor_check_layout(h, dev_pages, why, len);
	return ret;
}

#endif /* _UAPI_TORPOR_IMAGE_CHECK_H */
