// SPDX-License-Identifier: GPL-2.0
/*
 * The swap signature page.  mkswap's header stays as it was but for its
 * last TORPOR_TAIL_SIZE bytes, which torpor's tail replaces while an image
 * is valid: the tail keeps the swap signature it replaced, so putting that
 * back is all it takes to give the area back to swap.
 */
#include <linux/blk_types.h>
#include <linux/string.h>
#include <linux/swap.h>

#include "torpor_image.h"
#include "bdev.h"
#include "crc.h"
#include "signature.h"
#include "stats.h"

static bool torpor_sig_is(const void *page, const char *sig)
{
	return !memcmp(page + TORPOR_SIG_OFFSET, sig, TORPOR_SIG_LEN);
}

/**
 * torpor_sig_holds_image - does a signature page point at an image?
 * @page: the signature page's contents
 */
bool torpor_sig_holds_image(const void *page)
{
	return torpor_sig_is(page, TORPOR_SIG);
}

/**
 * torpor_sig_tail - torpor's tail in a signature page
 * @page: the signature page's contents
 *
 * Meaningful only while the page holds an image.
 */
struct torpor_swap_tail *torpor_sig_tail(void *page)
{
	return page + TORPOR_TAIL_OFFSET;
}

/**
 * torpor_sig_check_target - can an image go to this swap area?
 * @dev: the resume device, for the messages
 * @page: its signature page's contents
 * @stale: set if the page holds an image to give back to swap first
 *
 * The kernel refuses swapon without the swap signature, so a torpor
 * signature on an active area is an image this kernel wrote (a test run,
 * or a power-off that failed): stale, and given back to swap first.
 *
 * Return: 0, or a negative errno with the reason recorded.
 */
int torpor_sig_check_target(dev_t dev, const void *page, bool *stale)
{
	const union swap_header *sh = page;
	const struct torpor_swap_tail *t = page + TORPOR_TAIL_OFFSET;

	*stale = torpor_sig_holds_image(page) &&
		 !memcmp(t->orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN);
	if (!*stale && !torpor_sig_is(page, TORPOR_SWAP_SIG))
		return torpor_stats_fail(-EINVAL, "resume device %u:%u has no swap signature",
					 MAJOR(dev), MINOR(dev));
	if (sh->info.nr_badpages > TORPOR_MAX_BADPAGES)
		return torpor_stats_fail(-EINVAL, "resume device %u:%u: bad-page list overlaps the image tail",
					 MAJOR(dev), MINOR(dev));
	return 0;
}

/* The crc covers the whole tail with its own field zero. */
static void torpor_sig_tail_crc(struct torpor_swap_tail *t)
{
	t->tail_crc = 0;
	t->tail_crc = cpu_to_le32(torpor_crc32c(t, sizeof(*t)));
}

/**
 * torpor_sig_make_image - point a swap header at an image
 * @page: the signature page's contents, a swap header; changed
 * @header_page: device page of the image header
 * @header_crc: that header's crc32c, as stored in it
 * @uuid: the image's uuid
 *
 * Only the page changes: the caller writes it once the rest of the image
 * is durable.
 */
void torpor_sig_make_image(void *page, u64 header_page, __le32 header_crc,
			   const u8 *uuid)
{
	struct torpor_swap_tail *t = torpor_sig_tail(page);

	memset(t, 0, sizeof(*t));
	t->version = cpu_to_le32(TORPOR_FORMAT_VERSION);
	t->header_page = cpu_to_le64(header_page);
	t->header_crc = cpu_to_le64(le32_to_cpu(header_crc));
	memcpy(t->image_uuid, uuid, sizeof(t->image_uuid));
	memcpy(t->orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN);
	memcpy(t->sig, TORPOR_SIG, TORPOR_SIG_LEN);
	torpor_sig_tail_crc(t);
}

/**
 * torpor_sig_seal - put a changed tail into its signature page
 * @page: the signature page's contents; changed
 * @tail: the tail, its crc updated here
 */
void torpor_sig_seal(void *page, struct torpor_swap_tail *tail)
{
	torpor_sig_tail_crc(tail);
	memcpy(torpor_sig_tail(page), tail, sizeof(*tail));
}

/**
 * torpor_sig_make_swap - make a signature page a plain swap header again
 * @page: the signature page's contents; changed
 *
 * mkswap leaves the tail's bytes zero, so clearing them and putting the
 * swap signature back restores the header exactly.
 */
void torpor_sig_make_swap(void *page)
{
	memset(torpor_sig_tail(page), 0, TORPOR_TAIL_SIZE);
	memcpy(page + TORPOR_SIG_OFFSET, TORPOR_SWAP_SIG, TORPOR_SIG_LEN);
}

/**
 * torpor_sig_write_swap - turn an image's area back into swap
 * @bdev: the resume device
 * @dev_page: its signature page
 * @page: that page's contents, read just now; changed
 *
 * Forced to the medium: the image must not come back after a power cut.
 */
int torpor_sig_write_swap(struct block_device *bdev, u64 dev_page,
			  void *page)
{
	torpor_sig_make_swap(page);
	return torpor_bdev_page_io(bdev, REQ_OP_WRITE | REQ_SYNC | REQ_FUA,
				   dev_page, page);
}
