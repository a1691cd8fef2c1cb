// SPDX-License-Identifier: GPL-2.0
/*
 * The signature page, the resume tail and the image header: everything
 * inspect needs.  The stream behind them is map.c, index.c and blocks.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "image.h"

_Static_assert(sizeof(struct torpor_swap_tail) == TORPOR_TAIL_SIZE,
	       "tail size");
_Static_assert(sizeof(struct torpor_image_header) <= TORPOR_PAGE_SIZE,
	       "header fits a page");
_Static_assert(sizeof(struct torpor_map_page) <= TORPOR_PAGE_SIZE,
	       "map page fits a page");

/* x86-64 with 52-bit physical addresses; keeps max_pfn * 4096 in range. */
#define MAX_PFN_LIMIT	(1ull << 40)

int image_fail(struct image *img, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(img->err, sizeof(img->err), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The fuzzer cannot forge checksums, so its build accepts any: that lets
 * it reach the parsers behind them.  Never defined in the real binary.
 */
int image_crc_check(struct image *img, const char *what, uint32_t stored,
		    uint32_t computed)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	stored = computed;
#endif
	if (stored == computed)
		return 0;
	return image_fail(img, "%s crc32c mismatch (stored 0x%08x, computed 0x%08x)",
			  what, stored, computed);
}

int image_read_page(struct image *img, void *buf, uint64_t dev_page)
{
	if (dev_read(img->dev, buf, TORPOR_PAGE_SIZE,
		     dev_page * TORPOR_PAGE_SIZE) < 0)
		return image_fail(img, "reading device page %llu: %s",
				  (unsigned long long)dev_page, strerror(errno));
	return 0;
}

void image_init(struct image *img, struct dev *dev, uint64_t sig_at)
{
	memset(img, 0, sizeof(*img));
	img->dev = dev;
	img->dev_pages = dev->size / TORPOR_PAGE_SIZE;
	img->sig_at = sig_at;
}

/* Returns the enum image_kind of the signature page, or -1. */
int image_probe(struct image *img)
{
	const char *sig;

	if (!img->dev_pages)
		return image_fail(img, "too small for a swap signature page (%llu bytes)",
				  (unsigned long long)img->dev->size);
	if (img->sig_at >= img->dev_pages)
		return image_fail(img, "offset %llu is beyond the end of the device (%llu pages)",
				  (unsigned long long)img->sig_at,
				  (unsigned long long)img->dev_pages);
	if (image_read_page(img, img->sig_page, img->sig_at) < 0)
		return -1;
	memcpy(&img->tail, img->sig_page + TORPOR_TAIL_OFFSET,
	       sizeof(img->tail));
	sig = (const char *)img->sig_page + SWAP_SIG_OFFSET;
	if (!memcmp(sig, TORPOR_SIG, TORPOR_SIG_LEN))
		return IMAGE_TORPOR;
	if (!memcmp(sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN))
		return IMAGE_SWAP;
	return IMAGE_OTHER;
}

static int check_tail(struct image *img)
{
	struct torpor_swap_tail tail = img->tail;
	uint32_t badpages, stored;
	uint64_t page;

	memcpy(&badpages, img->sig_page + SWAP_NR_BADPAGES_OFFSET, 4);
	badpages = le32toh(badpages);
	if (badpages > TORPOR_MAX_BADPAGES)
		return image_fail(img, "swap header: %u bad pages, at most %u fit before the tail",
				  badpages, (unsigned int)TORPOR_MAX_BADPAGES);
	if (memcmp(tail.orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN))
		return image_fail(img, "tail: saved swap signature is not " TORPOR_SWAP_SIG);
	if (le32toh(tail.version) != TORPOR_FORMAT_VERSION)
		return image_fail(img, "tail: format version %u, expected %u",
				  le32toh(tail.version), TORPOR_FORMAT_VERSION);
	stored = le32toh(tail.tail_crc);
	tail.tail_crc = 0;
	if (image_crc_check(img, "tail:", stored, crc32c(0, &tail, sizeof(tail))))
		return -1;
	if (le64toh(tail.header_crc) >> 32)
		return image_fail(img, "tail: header crc32c copy 0x%llx has upper bits set",
				  (unsigned long long)le64toh(tail.header_crc));
	page = le64toh(tail.header_page);
	if (!page || page >= img->dev_pages)
		return image_fail(img, "tail: header page %llu outside the device (1..%llu)%s",
				  (unsigned long long)page,
				  (unsigned long long)img->dev_pages - 1,
				  img->dev->fd >= 0 && !img->sig_at ?
				  "; an image in a swap file is read with --swap-file FILE" : "");
	return 0;
}

static int check_header_frame(struct image *img, const uint8_t *page)
{
	struct torpor_image_header h = img->hdr;
	uint32_t stored = le32toh(h.header_crc), computed;
	size_t i;

	if (le32toh(h.magic) != TORPOR_IMAGE_MAGIC)
		return image_fail(img, "header: bad magic 0x%08x (expected 0x%08x)",
				  le32toh(h.magic), TORPOR_IMAGE_MAGIC);
	if (le32toh(h.version) != TORPOR_FORMAT_VERSION)
		return image_fail(img, "header: format version %u, expected %u",
				  le32toh(h.version), TORPOR_FORMAT_VERSION);
	if (le32toh(h.header_size) != sizeof(h))
		return image_fail(img, "header: size %u, expected %zu",
				  le32toh(h.header_size), sizeof(h));
	h.header_crc = 0;
	computed = crc32c(0, &h, sizeof(h));
	if (image_crc_check(img, "header:", stored, computed))
		return -1;
	if (le64toh(img->tail.header_crc) != stored)
		return image_fail(img, "header: crc32c 0x%08x differs from the tail's copy 0x%08llx",
				  stored, (unsigned long long)le64toh(img->tail.header_crc));
	if (memcmp(h.image_uuid, img->tail.image_uuid, sizeof(h.image_uuid)))
		return image_fail(img, "header: image uuid differs from the tail's");
	for (i = sizeof(h); i < TORPOR_PAGE_SIZE; i++)
		if (page[i])
			return image_fail(img, "header: byte %zu of the header page is not zero", i);
	return 0;
}

static int check_identity(struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;

	if (le32toh(h->page_size) != TORPOR_PAGE_SIZE)
		return image_fail(img, "header: page size %u, expected %u",
				  le32toh(h->page_size), TORPOR_PAGE_SIZE);
	if (!memchr(h->kernel_release, 0, TORPOR_UTS_LEN) ||
	    !memchr(h->kernel_version, 0, TORPOR_UTS_LEN))
		return image_fail(img, "header: kernel release or version not NUL-terminated");
	if (le32toh(h->arch) != TORPOR_ARCH_X86_64)
		return image_fail(img, "header: unknown arch %u", le32toh(h->arch));
	if (le32toh(h->ram_ranges) > TORPOR_MAX_RAM_RANGES)
		return image_fail(img, "header: %u RAM ranges, at most %u",
				  le32toh(h->ram_ranges), TORPOR_MAX_RAM_RANGES);
	return 0;
}

static int check_counts(struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;
	unsigned long long pages = le64toh(h->nr_pages);
	unsigned long long zero = le64toh(h->nr_zero_pages);
	unsigned long long data = le64toh(h->nr_data_pages);
	unsigned long long max_pfn = le64toh(h->max_pfn);
	unsigned long long blocks = le64toh(h->nr_blocks);
	unsigned int block_pages = le32toh(h->block_pages);

	if (!pages || pages > TORPOR_MAX_PAGES)
		return image_fail(img, "header: nr_pages %llu out of range 1..%llu",
				  pages, TORPOR_MAX_PAGES);
	if (max_pfn > MAX_PFN_LIMIT || pages > max_pfn)
		return image_fail(img, "header: max_pfn %llu impossible for %llu pages",
				  max_pfn, pages);
	if (zero > pages || data != pages - zero)
		return image_fail(img, "header: nr_data_pages %llu is not nr_pages %llu minus nr_zero_pages %llu",
				  data, pages, zero);
	if (le32toh(h->compression) > TORPOR_COMP_LZ4)
		return image_fail(img, "header: unknown compression %u",
				  le32toh(h->compression));
	if (!block_pages || block_pages > TORPOR_MAX_BLOCK_PAGES)
		return image_fail(img, "header: block_pages %u out of range 1..%u",
				  block_pages, TORPOR_MAX_BLOCK_PAGES);
	if (blocks > data || data > blocks * block_pages)
		return image_fail(img, "header: %llu blocks of at most %u pages cannot carry %llu data pages",
				  blocks, block_pages, data);
	return 0;
}

static int check_layout(struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;
	unsigned long long stream = le64toh(h->stream_pages);
	unsigned long long bytes = le64toh(h->data_bytes);
	unsigned long long blocks = le64toh(h->nr_blocks);
	unsigned long long index = le64toh(h->index_offset);
	unsigned long long extents = le64toh(h->index_extents);
	unsigned int map_pages = le32toh(h->map_pages);

	if (!stream || stream > img->dev_pages)
		return image_fail(img, "header: stream of %llu pages does not fit the device (%llu pages)",
				  stream, (unsigned long long)img->dev_pages);
	if (!map_pages || map_pages > stream)
		return image_fail(img, "header: %u map pages for a stream of %llu pages",
				  map_pages, stream);
	if (bytes > stream * TORPOR_PAGE_SIZE ||
	    blocks > bytes / (sizeof(struct torpor_block_head) + 1))
		return image_fail(img, "header: %llu blocks in %llu data bytes do not fit a stream of %llu pages",
				  blocks, bytes, stream);
	if (index < (bytes + TORPOR_PAGE_SIZE - 1) / TORPOR_PAGE_SIZE)
		return image_fail(img, "header: index at stream page %llu overlaps the %llu-byte block stream",
				  index, bytes);
	if (!extents || extents > le64toh(h->nr_pages) || index > stream ||
	    extents > (stream - index) * (TORPOR_PAGE_SIZE / sizeof(struct torpor_extent)))
		return image_fail(img, "header: index of %llu extents at stream page %llu does not fit a stream of %llu pages",
				  extents, index, stream);
	return 0;
}

/* Checks the tail and the header: enough to trust inspect's output. */
int image_open(struct image *img)
{
	uint8_t page[TORPOR_PAGE_SIZE];
	int kind = image_probe(img);

	if (kind < 0)
		return -1;
	if (kind == IMAGE_SWAP)
		return image_fail(img, "no torpor image (swap signature present)");
	if (kind == IMAGE_OTHER)
		return image_fail(img, "no torpor image and no swap signature");
	if (check_tail(img) ||
	    image_read_page(img, page, le64toh(img->tail.header_page)))
		return -1;
	memcpy(&img->hdr, page, sizeof(img->hdr));
	if (check_header_frame(img, page) || check_identity(img) ||
	    check_counts(img) || check_layout(img))
		return -1;
	return 0;
}

int image_load(struct image *img)
{
	return image_load_map(img) || image_load_index(img) ? -1 : 0;
}

/* The full check; fn sees every block's pages (may be NULL). */
int image_check(struct image *img, image_block_fn fn, void *ctx)
{
	if (image_open(img) || image_load(img) || image_walk(img, fn, ctx))
		return -1;
	return 0;
}

/* The image on disk: stream, map, header and signature pages. */
uint64_t image_disk_bytes(const struct torpor_image_header *h)
{
	return (le64toh(h->stream_pages) + le32toh(h->map_pages) + 2) *
	       TORPOR_PAGE_SIZE;
}

/*
 * The compression ratio, as the kernel defines it: bytes of memory saved
 * (every page frame, zero pages too) per byte of image on disk.
 */
double image_ratio(const struct torpor_image_header *h)
{
	uint64_t bytes = image_disk_bytes(h);

	return bytes ? (double)le64toh(h->nr_pages) * TORPOR_PAGE_SIZE / bytes : 0;
}

void image_release(struct image *img)
{
	free(img->runs);
	free(img->data);
	img->runs = NULL;
	img->data = NULL;
}
