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
	if (torpor_le32(t->attempts) > TORPOR_MAX_ATTEMPTS)
		return torpor_check_fail(why, len, "tail: %u resume attempts, at most %u",
					 torpor_le32(t->attempts), TORPOR_MAX_ATTEMPTS);
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

static inline int torpor_all_zero(const void *p, size_t n)
{
	const __u8 *b = (const __u8 *)p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

/* @what names the structure holding @field in the refusal. */
#define torpor_check_zero(what, s, field, why, len)			\
	(torpor_all_zero(&(s)->field, sizeof((s)->field)) ? TORPOR_CHECK_OK : \
	 torpor_check_fail(why, len, what ": reserved field " #field " is not zero"))

/*
 * Reserved and not-yet-used fields must be zero: a reader that ignored
 * them would accept an image meaning something it does not understand.
 */
static inline enum torpor_check
torpor_check_reserved(const struct torpor_image_header *h,
		      const struct torpor_swap_tail *t, char *why, size_t len)
{
	const struct torpor_arch_x86_64 *a = &h->arch_data.x86_64;
	enum torpor_check ret;

	ret = torpor_check_zero("tail", t, reserved, why, len);
	ret = ret ?: torpor_check_zero("header", h, pad0, why, len);
	ret = ret ?: torpor_check_zero("header", h, reserved1, why, len);
	ret = ret ?: torpor_check_zero("header", h, auth_alg, why, len);
	ret = ret ?: torpor_check_zero("header", h, auth_len, why, len);
	ret = ret ?: torpor_check_zero("header", h, auth_tag, why, len);
	ret = ret ?: torpor_check_zero("header", h, base_uuid, why, len);
	ret = ret ?: torpor_check_zero("header", h, base_seq, why, len);
	ret = ret ?: torpor_check_zero("header: arch_data", a, reserved0, why, len);
	ret = ret ?: torpor_check_zero("header: arch_data", a, reserved, why, len);
	if (!ret && !torpor_all_zero(h->arch_data.bytes + sizeof(*a),
				     sizeof(h->arch_data) - sizeof(*a)))
		ret = torpor_check_fail(why, len, "header: arch_data: bytes after the x86-64 data are not zero");
	return ret ?: torpor_check_zero("header", h, reserved, why, len);
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

/*
 * The x86-64 restore data, as far as it can be judged without the CPU:
 * the landing point lies in the trampoline's page, both are canonical
 * kernel addresses (upper half) for the paging depth, the page-table
 * root is page-aligned.  The resume side also checks the depth against
 * this CPU and that the trampoline's frame and the root are in the image.
 */
static inline enum torpor_check
torpor_check_arch(const struct torpor_image_header *h, char *why, size_t len)
{
	const struct torpor_arch_x86_64 *a = &h->arch_data.x86_64;
	unsigned long long landing = torpor_le64(a->entry_virt);
	unsigned long long code = torpor_le64(a->restore_code_virt);
	unsigned long long cr3 = torpor_le64(a->cr3);
	unsigned int levels = torpor_le32(a->paging_levels);
	/* Lowest canonical upper-half address: 2^47 or 2^56 below 2^64. */
	unsigned long long low;

	if (levels != 4 && levels != 5)
		return torpor_check_fail(why, len, "header: arch_data: %u-level paging, expected 4 or 5",
					 levels);
	low = ~0ull << (levels == 5 ? 56 : 47);
	/* The trampoline's page is then canonical too: low is page-aligned. */
	if (landing < low)
		return torpor_check_fail(why, len, "header: arch_data: landing point 0x%llx is not a canonical kernel address",
					 landing);
	if (code % TORPOR_PAGE_SIZE || landing < code ||
	    landing - code >= TORPOR_PAGE_SIZE)
		return torpor_check_fail(why, len, "header: arch_data: landing point 0x%llx is not in the trampoline's page 0x%llx",
					 landing, code);
	if (cr3 % TORPOR_PAGE_SIZE)
		return torpor_check_fail(why, len, "header: arch_data: page-table root 0x%llx is not page-aligned",
					 cr3);
	return TORPOR_CHECK_OK;
}

/* Only a reusable image is resumed more than once (a snapshot). */
static inline enum torpor_check
torpor_check_resumes(const struct torpor_image_header *h,
		     const struct torpor_swap_tail *t, char *why, size_t len)
{
	if (torpor_le32(t->resumes) &&
	    !(torpor_le32(h->flags) & TORPOR_FLAG_REUSABLE))
		return torpor_check_fail(why, len, "tail: %u resumes recorded for an image that is not reusable",
					 torpor_le32(t->resumes));
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
		ret = torpor_check_reserved(h, t, why, len);
	if (!ret)
		ret = torpor_check_resumes(h, t, why, len);
	if (!ret)
		ret = torpor_check_identity(h, why, len);
	if (!ret)
		ret = torpor_check_counts(h, why, len);
	if (!ret)
		ret = torpor_check_layout(h, dev_pages, why, len);
	if (!ret)
		ret = torpor_check_arch(h, why, len);
	return ret;
}

/* What the index checks carry from one extent to the next. */
struct torpor_index_sums {
	__u64 pages;
	__u64 zero;
	__u64 prev;		/* pfn of the previous extent */
	__u64 end;		/* first pfn after the previous extent */
};

/* Extent @i of the index, after the ones before it. */
static inline enum torpor_check
torpor_check_extent(const struct torpor_image_header *h,
		    const struct torpor_extent *ext, __u64 i,
		    struct torpor_index_sums *sums, char *why, size_t len)
{
	unsigned long long n = i, pfn = torpor_le64(ext->pfn);
	unsigned long long max_pfn = torpor_le64(h->max_pfn);
	unsigned int count = torpor_le32(ext->count);
	unsigned int flags = torpor_le32(ext->flags);

	if (!count)
		return torpor_check_fail(why, len, "index: extent %llu (pfn %llu) has count 0",
					 n, pfn);
	if (flags & ~TORPOR_EXTENT_ZERO)
		return torpor_check_fail(why, len, "index: extent %llu has unknown flags 0x%x",
					 n, flags & ~TORPOR_EXTENT_ZERO);
	if (i && pfn < sums->prev)
		return torpor_check_fail(why, len, "index: extent %llu (pfn %llu) out of order after pfn %llu",
					 n, pfn, (unsigned long long)sums->prev);
	if (pfn < sums->end)
		return torpor_check_fail(why, len, "index: extent %llu (pfns %llu+%u) overlaps the previous one, which ends at pfn %llu",
					 n, pfn, count, (unsigned long long)sums->end);
	if (pfn > max_pfn || count > max_pfn - pfn)
		return torpor_check_fail(why, len, "index: extent %llu (pfns %llu+%u) beyond max_pfn %llu",
					 n, pfn, count, max_pfn);
	sums->prev = pfn;
	sums->end = pfn + count;
	sums->pages += count;
	if (flags & TORPOR_EXTENT_ZERO)
		sums->zero += count;
	return TORPOR_CHECK_OK;
}

/* After the last extent: the index holds what the header says. */
static inline enum torpor_check
torpor_check_index_sums(const struct torpor_image_header *h,
			const struct torpor_index_sums *sums, char *why,
			size_t len)
{
	if (sums->pages != torpor_le64(h->nr_pages))
		return torpor_check_fail(why, len, "index: holds %llu pages, header says nr_pages %llu",
					 (unsigned long long)sums->pages,
					 (unsigned long long)torpor_le64(h->nr_pages));
	if (sums->zero != torpor_le64(h->nr_zero_pages))
		return torpor_check_fail(why, len, "index: holds %llu zero pages, header says nr_zero_pages %llu",
					 (unsigned long long)sums->zero,
					 (unsigned long long)torpor_le64(h->nr_zero_pages));
	return TORPOR_CHECK_OK;
}

/*
 * Map page @i, read from device page @at, once its magic and checksum are
 * right; @mapped stream pages came before it.
 */
static inline enum torpor_check
torpor_check_map_head(const struct torpor_map_page *mp, unsigned int i,
		      __u64 mapped, char *why, size_t len)
{
	unsigned int n = torpor_le32(mp->head.nr_extents);

	if (!n || n > TORPOR_MAP_EXTENTS)
		return torpor_check_fail(why, len, "map page %u: %u extents, expected 1..%u",
					 i, n, (unsigned int)TORPOR_MAP_EXTENTS);
	if (torpor_le64(mp->head.first_stream_page) != mapped)
		return torpor_check_fail(why, len, "map page %u: first stream page %llu, expected %llu",
					 i, (unsigned long long)torpor_le64(mp->head.first_stream_page),
					 (unsigned long long)mapped);
	if (torpor_le32(mp->head.reserved))
		return torpor_check_fail(why, len, "map page %u: reserved field is not zero", i);
	return TORPOR_CHECK_OK;
}

/* Extent @e of map page @i, @mapped stream pages mapped before it. */
static inline enum torpor_check
torpor_check_map_extent(const struct torpor_image_header *h,
			const struct torpor_map_extent *ext, unsigned int i,
			unsigned int e, __u64 mapped, __u64 dev_pages,
			char *why, size_t len)
{
	unsigned long long dev_page = torpor_le64(ext->dev_page);
	unsigned long long stream = torpor_le64(h->stream_pages);
	unsigned int count = torpor_le32(ext->count);

	if (!count || !dev_page || dev_page >= dev_pages ||
	    count > dev_pages - dev_page)
		return torpor_check_fail(why, len, "map page %u extent %u: device pages %llu+%u outside 1..%llu",
					 i, e, dev_page, count,
					 (unsigned long long)dev_pages - 1);
	if (count > stream - mapped)
		return torpor_check_fail(why, len, "map page %u extent %u: maps past the stream's %llu pages",
					 i, e, stream);
	if (torpor_le32(ext->reserved))
		return torpor_check_fail(why, len, "map page %u extent %u: reserved field is not zero",
					 i, e);
	return TORPOR_CHECK_OK;
}

/* Where map page @i is to be read from: @at, the previous page's next. */
static inline enum torpor_check
torpor_check_map_link(const struct torpor_image_header *h, unsigned int i,
		      __u64 at, __u64 dev_pages, char *why, size_t len)
{
	unsigned int map_pages = torpor_le32(h->map_pages);

	if (!at)
		return torpor_check_fail(why, len, "map chain ends after %u of %u map pages",
					 i, map_pages);
	if (at >= dev_pages)
		return torpor_check_fail(why, len, "map page %u: device page %llu outside 1..%llu",
					 i, (unsigned long long)at,
					 (unsigned long long)dev_pages - 1);
	return TORPOR_CHECK_OK;
}

/* After the last map page: @next is its link, @mapped what it all maps. */
static inline enum torpor_check
torpor_check_map_end(const struct torpor_image_header *h, __u64 next,
		     __u64 mapped, char *why, size_t len)
{
	if (next)
		return torpor_check_fail(why, len, "map chain: last of %u map pages links on to device page %llu",
					 torpor_le32(h->map_pages),
					 (unsigned long long)next);
	if (mapped != torpor_le64(h->stream_pages))
		return torpor_check_fail(why, len, "map chain maps %llu stream pages, header says %llu",
					 (unsigned long long)mapped,
					 (unsigned long long)torpor_le64(h->stream_pages));
	return TORPOR_CHECK_OK;
}

/*
 * A block head after its magic and checksum; @left is the stream bytes
 * after the head.  The words follow "block N at stream byte B: ".
 */
static inline enum torpor_check
torpor_check_block_head(const struct torpor_image_header *h,
			const struct torpor_block_head *b, __u64 left,
			char *why, size_t len)
{
	unsigned int npages = torpor_le32(b->npages), clen = torpor_le32(b->clen);
	unsigned long long first = torpor_le64(b->first_data_page);
	unsigned long long data_pages = torpor_le64(h->nr_data_pages);
	unsigned int raw = npages * TORPOR_PAGE_SIZE;

	if (!npages || npages > torpor_le32(h->block_pages))
		return torpor_check_fail(why, len, "%u pages, expected 1..%u",
					 npages, torpor_le32(h->block_pages));
	if (!clen || clen > raw)
		return torpor_check_fail(why, len, "payload length %u invalid for %u pages",
					 clen, npages);
	if (clen > left)
		return torpor_check_fail(why, len, "payload of %u bytes runs past the end of the block stream (%llu bytes left)",
					 clen, (unsigned long long)left);
	if (torpor_le32(h->compression) == TORPOR_COMP_NONE && clen != raw)
		return torpor_check_fail(why, len, "compressed payload in an uncompressed image");
	if (first > data_pages || npages > data_pages - first)
		return torpor_check_fail(why, len, "data pages %llu+%u beyond nr_data_pages %llu",
					 first, npages, data_pages);
	if (torpor_le32(b->reserved))
		return torpor_check_fail(why, len, "reserved field is not zero");
	return TORPOR_CHECK_OK;
}

#endif /* _UAPI_TORPOR_IMAGE_CHECK_H */
