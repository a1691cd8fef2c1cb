// SPDX-License-Identifier: GPL-2.0
/*
 * discard: turn an image back into plain swap.  The signature page keeps
 * everything mkswap wrote; only the tail changes: the saved swap signature
 * goes back into place and the rest of the tail is zeroed, as mkswap left
 * it.  The stream is not touched: swap does not care what its slots hold.
 * A broken image can be discarded too, as long as the tail says what the
 * swap signature was.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "source.h"
#include "subcommands.h"

static int restore_swap(struct image *img)
{
	uint8_t tail[TORPOR_TAIL_SIZE] = { 0 };
	uint32_t badpages;

	memcpy(&badpages, img->sig_page + SWAP_NR_BADPAGES_OFFSET, 4);
	if (le32toh(badpages) > TORPOR_MAX_BADPAGES)
		return image_fail(img, "swap header lists %u bad pages, more than fit before the tail",
				  le32toh(badpages));
	if (memcmp(img->tail.orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN))
		return image_fail(img, "tail does not hold the swap signature " TORPOR_SWAP_SIG "; refusing to guess");
	memcpy(tail + TORPOR_TAIL_SIZE - TORPOR_SIG_LEN, TORPOR_SWAP_SIG,
	       TORPOR_SIG_LEN);
	if (dev_write(img->dev, tail, sizeof(tail),
		      img->sig_at * TORPOR_PAGE_SIZE + TORPOR_TAIL_OFFSET) < 0 ||
	    dev_sync(img->dev) < 0)
		return image_fail(img, "writing the swap signature: %s",
				  strerror(errno));
	return 0;
}

int discard_main(int argc, char *argv[])
{
	struct source src = {};
	const char *name;
	struct image img;
	struct dev dev;
	int kind, ret = 0;

	if (source_args_only("discard", &src, argc, argv) ||
	    source_open("discard", &src, &dev, true))
		return 1;
	name = source_name(&src);
	image_init(&img, &dev, src.sig_page);
	kind = image_probe(&img);
	if (kind < 0)
		ret = fail("discard", "%s", img.err);
	else if (kind == IMAGE_OTHER)
		ret = fail("discard", "%s: neither a torpor image nor swap; not touching it",
			   name);
	else if (kind == IMAGE_SWAP)
		printf("%s: no torpor image, swap signature already in place\n",
		       name);
	else if (restore_swap(&img))
		ret = fail("discard", "%s", img.err);
	else
		printf("%s: torpor image discarded, swap signature restored\n",
		       name);
	image_release(&img);
	dev_close(&dev);
	return ret;
}
