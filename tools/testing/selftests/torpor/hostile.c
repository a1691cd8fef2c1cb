// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: from a real image (a swap disk a guest hibernated to), make
 * images that are wrong in one way each but carry valid checksums, so
 * only the reader's checks of their content can refuse them: frames in
 * holes or beyond RAM, duplicate and overlapping frames, counts that
 * overflow, slots beyond the device, a map chain that loops or ends
 * early, a landing point that is not canonical, reserved fields set, a
 * block or map page of another image.
 *
 * Each case is written to CASES (an existing file, whose size is kept)
 * as the device pages it changes (patch)
 * and their original contents (undo), so that a guest can offer the
 * cases to the resume path one after another on the one swap disk:
 *
 *	page 0..MANIFEST_PAGES-1: lines "NAME|REFUSAL|PATCH|UNDO\n", NUL-padded
 *	PATCH, UNDO: "dst:src:count,..." runs of pages, dst on the swap
 *	disk, src in CASES
 *
 * REFUSAL is a substring of the line the module must log.  Page 0 (the
 * signature page, which every refusal turns back into swap) is in every
 * patch and undo.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "run.h"
#include "torpor_image.h"

#define PAGE		TORPOR_PAGE_SIZE
#define MANIFEST_PAGES	16
#define EXPECT_LEN	200

struct block {
	uint64_t off;		/* stream byte of its head */
	uint64_t first;
	uint32_t npages;
	uint32_t clen;
};

struct img {
	uint8_t *buf;		/* the device, patched by one case at a time */
	uint8_t *orig;
	uint64_t dev_pages;
	uint64_t header_page;
	uint64_t *map_at;
	uint32_t nr_map;
	uint64_t *stream_dev;
	uint64_t stream_pages;
	struct block *blocks;
	uint64_t nr_blocks;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "hostile: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static struct torpor_swap_tail *tail(struct img *im)
{
	return (struct torpor_swap_tail *)(im->buf + TORPOR_TAIL_OFFSET);
}

static struct torpor_image_header *hdr(struct img *im)
{
	return (struct torpor_image_header *)(im->buf + im->header_page * PAGE);
}

static struct torpor_map_page *map(struct img *im, uint32_t i)
{
	return (struct torpor_map_page *)(im->buf + im->map_at[i] * PAGE);
}

static void stream_rw(struct img *im, void *p, size_t len, uint64_t off,
		      bool write)
{
	uint8_t *b = p;

	while (len) {
		uint64_t page = off / PAGE;
		size_t in = off % PAGE, n = PAGE - in < len ? PAGE - in : len;
		uint8_t *d;

		if (page >= im->stream_pages)
			die("stream byte %" PRIu64 " beyond the stream", off);
		d = im->buf + im->stream_dev[page] * PAGE + in;
		if (write)
			memcpy(d, b, n);
		else
			memcpy(b, d, n);
		b += n;
		off += n;
		len -= n;
	}
}

/*
 * Map pages, index and block heads are checked after the image's uuid;
 * with @other set, after another image's, as if left by it.
 */
static bool other;

static uint32_t seed(struct img *im)
{
	uint8_t uuid[16];

	memcpy(uuid, hdr(im)->image_uuid, sizeof(uuid));
	uuid[0] ^= other;
	return crc32c(0, uuid, sizeof(uuid));
}

/* Checksums, outermost last: header and tail follow the index. */
static void seal_tail(struct img *im)
{
	struct torpor_swap_tail *t = tail(im);

	t->tail_crc = 0;
	t->tail_crc = htole32(crc32c(0, t, sizeof(*t)));
}

static void seal_header(struct img *im)
{
	struct torpor_image_header *h = hdr(im);

	h->header_crc = 0;
	h->header_crc = htole32(crc32c(0, h, sizeof(*h)));
	tail(im)->header_crc = htole64(le32toh(h->header_crc));
	seal_tail(im);
}

static void seal_map(struct img *im, uint32_t i)
{
	struct torpor_map_page *mp = map(im, i);

	mp->head.crc = 0;
	mp->head.crc = htole32(crc32c(seed(im), mp, PAGE));
}

static uint64_t index_off(struct img *im)
{
	return le64toh(hdr(im)->index_offset) * PAGE;
}

static void seal_index(struct img *im)
{
	size_t len = le64toh(hdr(im)->index_extents) * sizeof(struct torpor_extent);
	uint8_t *b = malloc(len);

	stream_rw(im, b, len, index_off(im), false);
	hdr(im)->index_crc = htole32(crc32c(seed(im), b, len));
	free(b);
	seal_header(im);
}

static struct torpor_block_head block_head(struct img *im, uint64_t b)
{
	struct torpor_block_head head;

	stream_rw(im, &head, sizeof(head), im->blocks[b].off, false);
	return head;
}

static void set_block_head(struct img *im, uint64_t b,
			   struct torpor_block_head head)
{
	head.head_crc = 0;
	head.head_crc = htole32(crc32c(seed(im), &head, sizeof(head)));
	stream_rw(im, &head, sizeof(head), im->blocks[b].off, true);
}

/* Trusts the image: it is a real one, verified by torpor before. */
static void parse(struct img *im)
{
	struct torpor_image_header *h;
	uint64_t at, sp = 0, off = 0;

	im->header_page = le64toh(tail(im)->header_page);
	if (memcmp(im->buf + PAGE - TORPOR_SIG_LEN, TORPOR_SIG, TORPOR_SIG_LEN) ||
	    im->header_page >= im->dev_pages)
		die("no torpor image on the device");
	h = hdr(im);
	im->stream_pages = le64toh(h->stream_pages);
	im->stream_dev = calloc(im->stream_pages, sizeof(*im->stream_dev));
	im->nr_map = le32toh(h->map_pages);
	im->map_at = calloc(im->nr_map, sizeof(*im->map_at));
	at = le64toh(h->map_page);
	for (uint32_t i = 0; i < im->nr_map; i++) {
		struct torpor_map_page *mp;

		im->map_at[i] = at;
		mp = map(im, i);
		for (uint32_t e = 0; e < le32toh(mp->head.nr_extents); e++)
			for (uint32_t k = 0; k < le32toh(mp->extents[e].count); k++)
				im->stream_dev[sp++] = le64toh(mp->extents[e].dev_page) + k;
		at = le64toh(mp->head.next);
	}
	im->nr_blocks = le64toh(h->nr_blocks);
	im->blocks = calloc(im->nr_blocks, sizeof(*im->blocks));
	for (uint64_t b = 0; b < im->nr_blocks; b++) {
		struct torpor_block_head head;

		im->blocks[b].off = off;
		head = block_head(im, b);
		im->blocks[b].first = le64toh(head.first_data_page);
		im->blocks[b].npages = le32toh(head.npages);
		im->blocks[b].clen = le32toh(head.clen);
		off += sizeof(head) + im->blocks[b].clen;
	}
}

/* --- the index --- */

static struct torpor_extent *index_read(struct img *im, uint64_t *n)
{
	struct torpor_extent *ext;

	*n = le64toh(hdr(im)->index_extents);
	ext = calloc(*n + 1, sizeof(*ext));
	stream_rw(im, ext, *n * sizeof(*ext), index_off(im), false);
	return ext;
}

/* Writes @n extents back, the header's counts adjusted by the caller. */
static void index_write(struct img *im, struct torpor_extent *ext, uint64_t n)
{
	uint64_t room = (im->stream_pages - le64toh(hdr(im)->index_offset)) *
			(PAGE / sizeof(*ext));

	if (n > room)
		die("no room for %" PRIu64 " index extents", n);
	stream_rw(im, ext, n * sizeof(*ext), index_off(im), true);
	hdr(im)->index_extents = htole64(n);
	free(ext);
	seal_index(im);
}

static void add_pages(struct img *im, uint64_t pages, bool zero)
{
	struct torpor_image_header *h = hdr(im);

	h->nr_pages = htole64(le64toh(h->nr_pages) + pages);
	if (zero)
		h->nr_zero_pages = htole64(le64toh(h->nr_zero_pages) + pages);
	else
		h->nr_data_pages = htole64(le64toh(h->nr_data_pages) + pages);
}

/*
 * Adds a zero extent at its place in pfn order (zero: no block changes).
 * Returns its position, or -1 if it would overlap a real one.
 */
static int64_t index_insert(struct img *im, uint64_t pfn, uint32_t count)
{
	uint64_t n, pos = 0;
	struct torpor_extent *ext = index_read(im, &n);

	while (pos < n && le64toh(ext[pos].pfn) < pfn)
		pos++;
	if ((pos && le64toh(ext[pos - 1].pfn) + le32toh(ext[pos - 1].count) > pfn) ||
	    (pos < n && pfn + count > le64toh(ext[pos].pfn))) {
		free(ext);
		return -1;
	}
	memmove(&ext[pos + 1], &ext[pos], (n - pos) * sizeof(*ext));
	ext[pos] = (struct torpor_extent){
		htole64(pfn), htole32(count), htole32(TORPOR_EXTENT_ZERO)
	};
	add_pages(im, count, true);
	index_write(im, ext, n + 1);
	return pos;
}

/* --- the cases --- */

typedef int (*mutate_fn)(struct img *im, char *expect);

#define EXPECT(...) snprintf(expect, EXPECT_LEN, __VA_ARGS__)

static int hole_frame(struct img *im, char *expect, uint64_t pfn,
		      uint32_t count, const char *why)
{
	if (index_insert(im, pfn, count) < 0)
		return -1;
	return EXPECT("(pfns %" PRIu64 "+%u): frame %" PRIu64 " (address 0x%" PRIx64 ") is %s",
		      pfn, count, pfn, pfn * PAGE, why), 0;
}

/* The legacy VGA window, 640 KiB to 768 KiB: never RAM on a PC. */
static int frames_in_vga_hole(struct img *im, char *expect)
{
	return hole_frame(im, expect, 0xa0, 0x20, "not RAM on this machine");
}

/*
 * Frame 0: RAM to the firmware, but the BIOS data area, which the kernel
 * keeps out of its memory map.
 */
static int frame_zero(struct img *im, char *expect)
{
	return hole_frame(im, expect, 0, 1, "outside this boot's memory map");
}

static int frames_beyond_max_pfn(struct img *im, char *expect)
{
	uint64_t max_pfn = le64toh(hdr(im)->max_pfn);
	int64_t pos = index_insert(im, max_pfn, 16);

	if (pos < 0)
		return -1;
	return EXPECT("index: extent %" PRId64 " (pfns %" PRIu64 "+16) beyond max_pfn %" PRIu64,
		      pos, max_pfn, max_pfn), 0;
}

/* The first zero extent at or after @from, or -1. */
static int64_t zero_extent(const struct torpor_extent *ext, uint64_t n,
			   uint64_t from)
{
	for (uint64_t i = from; i < n; i++)
		if (le32toh(ext[i].flags) & TORPOR_EXTENT_ZERO)
			return i;
	return -1;
}

/* A zero extent twice: the same frames saved twice. */
static int frames_duplicate(struct img *im, char *expect)
{
	uint64_t n;
	struct torpor_extent *ext = index_read(im, &n);
	int64_t k = zero_extent(ext, n, 1);

	if (k < 0)
		return free(ext), -1;
	memmove(&ext[k + 1], &ext[k], (n - k) * sizeof(*ext));
	add_pages(im, le32toh(ext[k].count), true);
	EXPECT("index: extent %" PRId64 " (pfns %" PRIu64 "+%u) overlaps the previous one, which ends at pfn %" PRIu64,
	       k + 1, le64toh(ext[k].pfn), le32toh(ext[k].count),
	       le64toh(ext[k].pfn) + le32toh(ext[k].count));
	index_write(im, ext, n + 1);
	return 0;
}

/* An extent moved back into the one before it, page counts unchanged. */
static int frames_overlap(struct img *im, char *expect)
{
	uint64_t n, end;
	struct torpor_extent *ext = index_read(im, &n);
	int64_t k = zero_extent(ext, n, 2);

	if (k < 0)
		return free(ext), -1;
	end = le64toh(ext[k - 1].pfn) + le32toh(ext[k - 1].count);
	ext[k].pfn = htole64(end - 1);
	EXPECT("index: extent %" PRId64 " (pfns %" PRIu64 "+%u) overlaps the previous one, which ends at pfn %" PRIu64,
	       k, end - 1, le32toh(ext[k].count), end);
	index_write(im, ext, n);
	return 0;
}

/* The last extent's frames run past 2^64. */
static int frames_wrap(struct img *im, char *expect)
{
	uint64_t n, pfn = ~0ull - 7;
	struct torpor_extent *ext = index_read(im, &n);

	ext[n - 1].pfn = htole64(pfn);
	ext[n - 1].count = htole32(16);
	EXPECT("index: extent %" PRIu64 " (pfns %" PRIu64 "+16) beyond max_pfn",
	       n - 1, pfn);
	index_write(im, ext, n);
	return 0;
}

static int count_zero_wraps(struct img *im, char *expect)
{
	struct torpor_image_header *h = hdr(im);
	uint64_t pages = le64toh(h->nr_pages);

	h->nr_zero_pages = htole64(pages + 1);
	h->nr_data_pages = htole64(~0ull);
	seal_header(im);
	return EXPECT("header: nr_data_pages 18446744073709551615 is not nr_pages %" PRIu64 " minus nr_zero_pages %" PRIu64,
		      pages, pages + 1), 0;
}

static int count_blocks_overflow(struct img *im, char *expect)
{
	hdr(im)->nr_blocks = htole64(1ull << 58);
	seal_header(im);
	return EXPECT("header: 288230376151711744 blocks of at most %u pages cannot carry",
		      le32toh(hdr(im)->block_pages)), 0;
}

static int block_pages_wrap(struct img *im, char *expect)
{
	struct torpor_block_head head = block_head(im, 0);

	head.first_data_page = htole64(~0ull);
	set_block_head(im, 0, head);
	return EXPECT("image block 0 at stream byte 0: data pages 18446744073709551615+%u beyond nr_data_pages",
		      im->blocks[0].npages), 0;
}

/* Two blocks claim the same data pages. */
static int block_pages_twice(struct img *im, char *expect)
{
	struct torpor_block_head head;

	if (im->nr_blocks < 2 || im->blocks[0].npages != im->blocks[1].npages)
		return -1;
	head = block_head(im, 1);
	head.first_data_page = htole64(im->blocks[0].first);
	set_block_head(im, 1, head);
	return EXPECT(": data page %" PRIu64 " loaded twice", im->blocks[0].first), 0;
}

static int slot_beyond_device(struct img *im, char *expect)
{
	struct torpor_map_page *mp = map(im, 0);
	uint64_t at = im->dev_pages + 100;

	mp->extents[0].dev_page = htole64(at);
	seal_map(im, 0);
	return EXPECT("map page 0 extent 0: device pages %" PRIu64 "+%u outside 1..%" PRIu64,
		      at, le32toh(mp->extents[0].count), im->dev_pages - 1), 0;
}

static int slot_wraps(struct img *im, char *expect)
{
	struct torpor_map_page *mp = map(im, 0);

	mp->extents[0].dev_page = htole64(~0ull - 1);
	seal_map(im, 0);
	return EXPECT("map page 0 extent 0: device pages 18446744073709551614+%u outside 1..%" PRIu64,
		      le32toh(mp->extents[0].count), im->dev_pages - 1), 0;
}

static int header_beyond_device(struct img *im, char *expect)
{
	tail(im)->header_page = htole64(im->dev_pages + 7);
	seal_tail(im);
	return EXPECT("tail: header page %" PRIu64 " outside the device (1..%" PRIu64 ")",
		      im->dev_pages + 7, im->dev_pages - 1), 0;
}

/* The last map page links back to the first. */
static int map_chain_loops(struct img *im, char *expect)
{
	uint32_t last = im->nr_map - 1;

	map(im, last)->head.next = htole64(im->map_at[0]);
	seal_map(im, last);
	return EXPECT("map chain: last of %u map pages links on to device page %" PRIu64,
		      im->nr_map, im->map_at[0]), 0;
}

static int map_chain_short(struct img *im, char *expect)
{
	hdr(im)->map_pages = htole32(im->nr_map + 1);
	seal_header(im);
	return EXPECT("map chain ends after %u of %u map pages", im->nr_map,
		      im->nr_map + 1), 0;
}

/* Bit 63 cleared: the lower half, where user space lives. */
static int landing_not_canonical(struct img *im, char *expect)
{
	struct torpor_arch_x86_64 *a = &hdr(im)->arch_data.x86_64;
	uint64_t bit = 1ull << 63;

	a->entry_virt = htole64(le64toh(a->entry_virt) & ~bit);
	a->restore_code_virt = htole64(le64toh(a->restore_code_virt) & ~bit);
	seal_header(im);
	return EXPECT("header: arch_data: landing point 0x%" PRIx64 " is not a canonical kernel address",
		      le64toh(a->entry_virt)), 0;
}

static int reserved_tail(struct img *im, char *expect)
{
	tail(im)->reserved[0] = 1;
	seal_tail(im);
	return EXPECT("tail: reserved field reserved is not zero"), 0;
}

/* A normal image never outlives its resume: only a snapshot counts them. */
static int resumes_not_reusable(struct img *im, char *expect)
{
	tail(im)->resumes = htole32(3);
	seal_tail(im);
	return EXPECT("tail: 3 resumes recorded for an image that is not reusable"), 0;
}

static int reserved_header(struct img *im, char *expect)
{
	hdr(im)->reserved[100] = 1;
	seal_header(im);
	return EXPECT("header: reserved field reserved is not zero"), 0;
}

static int reserved_map_extent(struct img *im, char *expect)
{
	map(im, 0)->extents[0].reserved = htole32(1);
	seal_map(im, 0);
	return EXPECT("map page 0 extent 0: reserved field is not zero"), 0;
}

static int reserved_block_head(struct img *im, char *expect)
{
	struct torpor_block_head head = block_head(im, 0);

	head.reserved = htole32(1);
	set_block_head(im, 0, head);
	return EXPECT("image block 0 at stream byte 0: reserved field is not zero"), 0;
}

/*
 * What an earlier image leaves in a slot a later write did not reach:
 * the same structure, sealed for another image.
 */
static int block_of_another_image(struct img *im, char *expect)
{
	other = true;
	set_block_head(im, 0, block_head(im, 0));
	other = false;
	return EXPECT("image block 0 at stream byte 0: head crc32c mismatch"), 0;
}

static int map_page_of_another_image(struct img *im, char *expect)
{
	other = true;
	seal_map(im, 0);
	other = false;
	return EXPECT("map page 0 at device page %" PRIu64 ": crc32c mismatch",
		      im->map_at[0]), 0;
}

/* A control that the figures are this guest's: one of them changed. */
static int ram_map_differs(struct img *im, char *expect)
{
	hdr(im)->ram_pages = htole64(le64toh(hdr(im)->ram_pages) + 1);
	seal_header(im);
	return EXPECT("image refused: RAM map differs"), 0;
}

static const struct {
	const char *name;
	mutate_fn fn;
} cases[] = {
	{ "frames_in_vga_hole", frames_in_vga_hole },
	{ "frame_zero", frame_zero },
	{ "frames_beyond_max_pfn", frames_beyond_max_pfn },
	{ "frames_duplicate", frames_duplicate },
	{ "frames_overlap", frames_overlap },
	{ "frames_wrap", frames_wrap },
	{ "count_zero_wraps", count_zero_wraps },
	{ "count_blocks_overflow", count_blocks_overflow },
	{ "block_pages_wrap", block_pages_wrap },
	{ "block_pages_twice", block_pages_twice },
	{ "slot_beyond_device", slot_beyond_device },
	{ "slot_wraps", slot_wraps },
	{ "header_beyond_device", header_beyond_device },
	{ "map_chain_loops", map_chain_loops },
	{ "map_chain_short", map_chain_short },
	{ "landing_not_canonical", landing_not_canonical },
	{ "reserved_tail", reserved_tail },
	{ "resumes_not_reusable", resumes_not_reusable },
	{ "reserved_header", reserved_header },
	{ "reserved_map_extent", reserved_map_extent },
	{ "reserved_block_head", reserved_block_head },
	{ "block_of_another_image", block_of_another_image },
	{ "map_page_of_another_image", map_page_of_another_image },
	{ "ram_map_differs", ram_map_differs },
};

/* --- the cases disk --- */

struct out {
	int fd;
	uint64_t next;		/* next free page */
	char *manifest;
	size_t used;
};

static void out_pages(struct out *o, const uint8_t *from, uint64_t dst,
		      uint64_t count, char *list, size_t len)
{
	size_t at = strlen(list);

	if (pwrite(o->fd, from + dst * PAGE, count * PAGE, o->next * PAGE) !=
	    (ssize_t)(count * PAGE))
		die("writing the cases: %s", strerror(errno));
	snprintf(list + at, len - at, "%s%" PRIu64 ":%" PRIu64 ":%" PRIu64,
		 at ? "," : "", dst, o->next, count);
	o->next += count;
}

/* Pages the case changed (page 0 always), as runs; puts the originals back. */
static void out_case(struct out *o, struct img *im, const char *name,
		     const char *expect)
{
	char patch[4096] = "", undo[4096] = "";
	size_t n;

	for (uint64_t p = 0; p < im->dev_pages; p++) {
		uint64_t q = p;

		while (q < im->dev_pages &&
		       (!q || memcmp(im->buf + q * PAGE, im->orig + q * PAGE, PAGE)))
			q++;
		if (q == p)
			continue;
		out_pages(o, im->buf, p, q - p, patch, sizeof(patch));
		out_pages(o, im->orig, p, q - p, undo, sizeof(undo));
		memcpy(im->buf + p * PAGE, im->orig + p * PAGE, (q - p) * PAGE);
		p = q;
	}
	n = snprintf(o->manifest + o->used, MANIFEST_PAGES * PAGE - o->used,
		     "%s|%s|%s|%s\n", name, expect, patch, undo);
	if (o->used + n >= MANIFEST_PAGES * PAGE)
		die("manifest full");
	o->used += n;
}

int main(int argc, char *argv[])
{
	struct img im = { 0 };
	struct out o = { .next = MANIFEST_PAGES };
	char expect[EXPECT_LEN];
	struct stat st;
	long len;

	if (argc != 3)
		die("usage: hostile SWAP-DISK-IMAGE CASES");
	len = read_file(argv[1], &im.buf);
	if (len < 2 * PAGE)
		die("cannot read %s", argv[1]);
	im.dev_pages = len / PAGE;
	im.orig = malloc(len);
	memcpy(im.orig, im.buf, len);
	parse(&im);
	o.manifest = calloc(MANIFEST_PAGES, PAGE);
	/* A disk the guest had already: its size must not change. */
	o.fd = open(argv[2], O_WRONLY);
	if (o.fd < 0 || fstat(o.fd, &st))
		die("%s: %s", argv[2], strerror(errno));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].fn(&im, expect)) {
			fprintf(stderr, "hostile: %s does not apply to this image\n",
				cases[i].name);
			memcpy(im.buf, im.orig, len);
			continue;
		}
		out_case(&o, &im, cases[i].name, expect);
		printf("%s: %s\n", cases[i].name, expect);
	}
	if (pwrite(o.fd, o.manifest, MANIFEST_PAGES * PAGE, 0) != MANIFEST_PAGES * PAGE ||
	    close(o.fd))
		die("writing %s: %s", argv[2], strerror(errno));
	if (o.next * PAGE > (uint64_t)st.st_size)
		die("the cases need %" PRIu64 " pages, %s has %" PRIu64,
		    o.next, argv[2], (uint64_t)st.st_size / PAGE);
	return 0;
}
