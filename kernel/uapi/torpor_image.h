/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * torpor on-disk image format, shared by the kernel module and the torpor
 * command.  Documentation/image-format.rst describes every field.
 *
 * All integers are little-endian and fixed-width.  All on-disk addresses
 * are in "device pages": TORPOR_PAGE_SIZE units from the start of the block
 * device (or file) that holds the swap area.  Every structure carries a
 * crc32c (Castagnoli) computed with its own crc field set to zero; block
 * payloads carry the low 32 bits of xxh64 (seed 0) instead.  Map pages,
 * the index and block heads belong to one image: their crc32c covers the
 * image's uuid first, then the structure (crc32c of uuid || structure),
 * so one left in a reused slot by an earlier image fails its check.
 */
#ifndef _UAPI_TORPOR_IMAGE_H
#define _UAPI_TORPOR_IMAGE_H

#include <linux/types.h>

#define TORPOR_FORMAT_VERSION	3
#define TORPOR_PAGE_SIZE	4096

/*
 * Signature page: the swap header's page, tail replaced by the resume tail.
 * The first nine bytes of TORPOR_SIG are what blkid and klibc's fstype know
 * as "swap area holding a hibernation image" (TYPE=swsuspend), so UUID= and
 * LABEL= of the area keep resolving while it holds an image, as boot
 * scripts expect; the kernel's own swsusp acts only on "S1SUSPEND".
 */
#define TORPOR_SIG		"S2SUSPENDT"
#define TORPOR_SWAP_SIG		"SWAPSPACE2"
#define TORPOR_SIG_LEN		10
#define TORPOR_TAIL_SIZE	512
#define TORPOR_TAIL_OFFSET	(TORPOR_PAGE_SIZE - TORPOR_TAIL_SIZE)
#define TORPOR_SIG_OFFSET	(TORPOR_PAGE_SIZE - TORPOR_SIG_LEN)
/* The swap header's bad-page list must end before the tail. */
#define TORPOR_SWAP_BADPAGES_OFFSET	1536
#define TORPOR_MAX_BADPAGES \
	((TORPOR_TAIL_OFFSET - TORPOR_SWAP_BADPAGES_OFFSET) / 4)

#define TORPOR_IMAGE_MAGIC	0x48524f54u	/* "TORH" */
#define TORPOR_MAP_MAGIC	0x4d524f54u	/* "TORM" */
#define TORPOR_BLOCK_MAGIC	0x42524f54u	/* "TORB" */

enum torpor_compression {
	TORPOR_COMP_NONE = 0,
	TORPOR_COMP_LZ4 = 1,
};

enum torpor_image_flags {
	TORPOR_FLAG_PLATFORM = 1 << 0,	/* written for ACPI S4 (platform mode) */
	TORPOR_FLAG_TEST = 1 << 1,	/* test image: never resumed at boot */
	TORPOR_FLAG_REUSABLE = 1 << 2,	/* snapshot: resumed at every boot */
};

enum torpor_arch {
	TORPOR_ARCH_X86_64 = 1,
};

/*
 * Resumes begun from one image: the second one is the retry after a
 * resume that died, a boot that finds this many discards the image.
 */
#define TORPOR_MAX_ATTEMPTS	2

/* Upper bounds a reader enforces before trusting any count. */
#define TORPOR_MAX_BLOCK_PAGES	64
#define TORPOR_MAX_PAGES	(1ull << 36)	/* 256 TiB of RAM */
#define TORPOR_MAX_RAM_RANGES	4096

/*
 * The last TORPOR_TAIL_SIZE bytes of the swap signature page.  The bytes
 * before it (boot bits, swap version, size, UUID, label) are left as mkswap
 * wrote them, so restoring orig_sig turns the area back into swap.
 */
struct torpor_swap_tail {
	__le32 version;			/* TORPOR_FORMAT_VERSION */
	__le32 tail_crc;		/* crc32c of this struct, field zeroed */
	__le64 header_page;		/* device page of struct torpor_image_header */
	__le64 header_crc;		/* crc32c of that header, as a cross-check */
	__u8 image_uuid[16];		/* random per image */
	__le32 attempts;		/* resumes begun (boot kernels that loaded) */
	__le32 resumes;			/* completed, of a reusable image */
	__u8 reserved[TORPOR_TAIL_SIZE - 48 - 2 * TORPOR_SIG_LEN];
	char orig_sig[TORPOR_SIG_LEN];	/* the swap signature we replaced */
	char sig[TORPOR_SIG_LEN];	/* TORPOR_SIG while an image is valid */
};

/*
 * x86-64 restore data: where the image kernel wants to be re-entered and
 * what it needs to find its page tables again.  Virtual addresses are the
 * image kernel's own (its KASLR layout), physical ones are page frames.
 */
struct torpor_arch_x86_64 {
	__le64 entry_virt;		/* torpor's resume landing point */
	__le64 cr3;			/* image kernel's kernel page-table root */
	__le64 page_offset_base;	/* direct-map base */
	__le64 kernel_text_base;	/* _text */
	__le64 restore_code_virt;	/* torpor restore trampoline (virt) */
	__le64 restore_code_pfn;	/* and its frame */
	__le32 paging_levels;		/* 4 or 5 */
	__le32 reserved0;
	__le64 reserved[24];
};

#define TORPOR_UTS_LEN	65

struct torpor_image_header {
	__le32 magic;			/* TORPOR_IMAGE_MAGIC */
	__le32 version;			/* TORPOR_FORMAT_VERSION */
	__le32 header_size;		/* sizeof(struct torpor_image_header) */
	__le32 header_crc;		/* crc32c of this struct, field zeroed */

	/* Identity of the kernel that wrote the image. */
	char kernel_release[TORPOR_UTS_LEN];
	char kernel_version[TORPOR_UTS_LEN];
	__u8 pad0[6];
	__le32 kernel_hash;		/* crc32c(release) chained with version */
	__le32 arch;			/* enum torpor_arch */

	/* The machine it was written on. */
	__le32 page_size;		/* TORPOR_PAGE_SIZE */
	__le32 ram_ranges;		/* number of System RAM ranges */
	__le64 ram_pages;		/* pages in those ranges */
	__le64 max_pfn;
	__le32 ram_fingerprint;		/* crc32c over (start, end) pfn pairs */
	__le32 nr_cpus;			/* online CPUs at hibernation */

	/* What was saved. */
	__le64 nr_pages;		/* page frames in the image, zero pages too */
	__le64 nr_zero_pages;		/* of which all-zero (index only) */
	__le64 nr_data_pages;		/* nr_pages - nr_zero_pages */
	__le32 compression;		/* enum torpor_compression */
	__le32 block_pages;		/* max data pages per block */
	__le64 nr_blocks;
	__le64 data_bytes;		/* bytes of block stream, headers included */

	/* Where it is: a stream of pages mapped to device pages. */
	__le64 stream_pages;		/* logical pages in the stream */
	__le64 map_page;		/* device page of the first map page */
	__le32 map_pages;		/* map pages in the chain */
	__le32 index_crc;		/* crc32c of the index bytes */
	__le64 index_offset;		/* stream page where the index starts */
	__le64 index_extents;		/* struct torpor_extent entries */

	__le32 flags;			/* enum torpor_image_flags */
	__le32 reserved1;

	/* Phase timings in nanoseconds, for inspect and benchmarks. */
	__le64 freeze_ns;
	__le64 prepare_ns;
	__le64 snapshot_ns;
	__le64 write_ns;

	__u8 image_uuid[16];		/* equals the tail's */

	/* Reserved: an authentication tag (e.g. HMAC) over this header. */
	__le32 auth_alg;		/* 0 = none */
	__le32 auth_len;
	__u8 auth_tag[64];

	/* Reserved: an incremental image's base. */
	__u8 base_uuid[16];		/* all zero = full image */
	__le64 base_seq;

	union {
		struct torpor_arch_x86_64 x86_64;
		__u8 bytes[256];
	} arch_data;

	__u8 reserved[256];
};

/* A run of consecutive device pages holding consecutive stream pages. */
struct torpor_map_extent {
	__le64 dev_page;
	__le32 count;
	__le32 reserved;
};

struct torpor_map_page_head {
	__le32 magic;			/* TORPOR_MAP_MAGIC */
	__le32 crc;			/* crc32c of the whole page, field zeroed */
	__le64 next;			/* device page of the next map page, 0 = last */
	__le32 nr_extents;
	__le32 reserved;
	__le64 first_stream_page;	/* stream page of extents[0] */
};

#define TORPOR_MAP_EXTENTS \
	((TORPOR_PAGE_SIZE - sizeof(struct torpor_map_page_head)) / \
	 sizeof(struct torpor_map_extent))

struct torpor_map_page {
	struct torpor_map_page_head head;
	struct torpor_map_extent extents[TORPOR_MAP_EXTENTS];
};

/*
 * Page-frame index: runs of saved frames, strictly ascending and
 * non-overlapping.  Data pages of non-zero runs, in index order, are the
 * pages the blocks carry.
 */
enum torpor_extent_flags {
	TORPOR_EXTENT_ZERO = 1 << 0,	/* all-zero pages, no data stored */
};

struct torpor_extent {
	__le64 pfn;
	__le32 count;
	__le32 flags;			/* enum torpor_extent_flags */
};

/*
 * A compressed block in the stream.  Blocks follow each other back to back
 * from stream byte 0 (no padding), in any order of first_data_page.
 */
struct torpor_block_head {
	__le32 magic;			/* TORPOR_BLOCK_MAGIC */
	__le32 clen;			/* payload bytes following this head */
	__le32 hash;			/* xxh64 of the payload, low 32 bits */
	__le32 npages;			/* data pages it decompresses to */
	__le64 first_data_page;		/* index of its first data page */
	__le32 head_crc;		/* crc32c of this head, field zeroed */
	__le32 reserved;
};

#endif /* _UAPI_TORPOR_IMAGE_H */
