// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous single-page I/O on the resume device and the swap signature
 * that torpor's tail temporarily replaces.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "torpor_image.h"
#include "bdev.h"

/* The page behind a kernel buffer, from the linear map or vmalloc. */
struct page *torpor_buf_page(void *buf)
{
	return is_vmalloc_addr(buf) ? vmalloc_to_page(buf) : virt_to_page(buf);
}

/**
 * torpor_bdev_page_io - read or write one device page and wait for it
 * @bdev: the device
 * @opf: REQ_OP_READ, or REQ_OP_WRITE with flags
 * @dev_page: which page
 * @buf: page-aligned buffer of one page, linear map or vmalloc
 *
 * GFP_NOIO: the writer runs after the snapshot, when reclaim must not
 * start I/O of its own.
 */
int torpor_bdev_page_io(struct block_device *bdev, blk_opf_t opf,
			u64 dev_page, void *buf)
{
	struct bio *bio = bio_alloc(bdev, 1, opf, GFP_NOIO);
	int ret;

	bio->bi_iter.bi_sector = dev_page << (PAGE_SHIFT - SECTOR_SHIFT);
	__bio_add_page(bio, torpor_buf_page(buf), PAGE_SIZE, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/**
 * torpor_sig_page_restore - make a signature page a plain swap header again
 * @page: the signature page's contents
 *
 * mkswap leaves the tail's bytes zero, so clearing them and putting the
 * swap signature back restores the header exactly.
 */
void torpor_sig_page_restore(void *page)
{
	memset(page + TORPOR_TAIL_OFFSET, 0, TORPOR_TAIL_SIZE);
	memcpy(page + TORPOR_SIG_OFFSET, TORPOR_SWAP_SIG, TORPOR_SIG_LEN);
}

/**
 * torpor_sig_page_write_swap - turn an image's area back into swap
 * @bdev: the resume device
 * @dev_page: its signature page
 * @page: that page's contents, read just now; changed
 *
 * Forced to the medium: the image must not come back after a power cut.
 */
int torpor_sig_page_write_swap(struct block_device *bdev, u64 dev_page,
			       void *page)
{
	torpor_sig_page_restore(page);
	return torpor_bdev_page_io(bdev, REQ_OP_WRITE | REQ_SYNC | REQ_FUA,
				   dev_page, page);
}
