/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synchronous single-page I/O on the resume device, shared by the writer
 * (signature page) and the reader (signature page, header, maps).
 */
#ifndef _TORPOR_BDEV_H
#define _TORPOR_BDEV_H

#include <linux/blk_types.h>
#include <linux/types.h>

struct block_device;
struct page;

struct page *torpor_buf_page(void *buf);
int torpor_bdev_page_io(struct block_device *bdev, blk_opf_t opf,
			u64 dev_page, void *buf);
void torpor_sig_page_restore(void *page);
int torpor_sig_page_write_swap(struct block_device *bdev, u64 dev_page,
			       void *page);

#endif /* _TORPOR_BDEV_H */
