// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous single-page I/O on the resume device.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "bdev.h"

/* The page behind a kernel buffer, from the linear map or vmalloc. */
struct page *torpor_bdev_buf_page(void *buf)
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
	__bio_add_page(bio, torpor_bdev_buf_page(buf), PAGE_SIZE, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}
