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
#include "torpor_image_check.h"

_Static_assert(sizeof(struct torpor_swap_tail) == TORPOR_TAIL_SIZE,
	       "tail size");
_Static_assert(sizeof(struct torpor_image_header) <= TORPOR_PAGE_SIZE,
	       "header fits a page");
_Static_assert(sizeof(struct torpor_map_page) <= TORPOR_PAGE_SIZE,
	       "map page fits a page");

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
int image_sum_check(struct image *img, const char *what, const char *sum,
		    uint32_t stored, uint32_t computed)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	stored = computed;
#endif
	if (stored == computed)
		return 0;
	return image_fail(img, "%s %s mismatch (stored 0x%08x, computed 0x%08x)",
			  what, sum, stored, computed);
}

int image_crc_check(struct image *img, const char *what, uint32_t stored,
		    uint32_t computed)
{
	return image_sum_check(img, what, "crc32c", stored, computed);
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
	sig = (const char *)img->sig_page + TORPOR_SIG_OFFSET;
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
	char why[sizeof(img->err)];

	memcpy(&badpages, img->sig_page + SWAP_NR_BADPAGES_OFFSET, 4);
	badpages = le32toh(badpages);
	if (badpages > TORPOR_MAX_BADPAGES)
		return image_fail(img, "swap header: %u bad pages, at most %u fit before the tail",
				  badpages, (unsigned int)TORPOR_MAX_BADPAGES);
	stored = le32toh(tail.tail_crc);
	tail.tail_crc = 0;
	if (image_crc_check(img, "tail:", stored, crc32c(0, &tail, sizeof(tail))))
		return -1;
	switch (torpor_check_tail(&img->tail, img->dev_pages, why, sizeof(why))) {
	case TORPOR_CHECK_OK:
		return 0;
	case TORPOR_CHECK_OUTSIDE:
		if (img->dev->fd >= 0 && !img->sig_at)
			return image_fail(img, "%s; an image in a swap file is read with --swap-file FILE",
					  why);
		break;
	default:
		break;
	}
	return image_fail(img, "%s", why);
}

static int check_header(struct image *img, const uint8_t *page)
{
	struct torpor_image_header h = img->hdr;
	uint32_t stored = le32toh(h.header_crc);
	char why[sizeof(img->err)];
	size_t i;

	h.header_crc = 0;
	if (image_crc_check(img, "header:", stored, crc32c(0, &h, sizeof(h))))
		return -1;
	if (torpor_check_header(&img->hdr, &img->tail, img->dev_pages, why,
				sizeof(why)))
		return image_fail(img, "%s", why);
	for (i = sizeof(h); i < TORPOR_PAGE_SIZE; i++)
		if (page[i])
			return image_fail(img, "header: byte %zu of the header page is not zero", i);
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
	if (check_header(img, page))
		return -1;
	img->seed = crc32c(0, img->hdr.image_uuid, sizeof(img->hdr.image_uuid));
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
