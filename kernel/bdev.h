/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synchronous single-page I/O on the resume device, shared by the
 * signature page, the writer's target and the reader (header, maps).
 */
#ifndef _TORPOR_BDEV_H
#define _TORPOR_BDEV_H

#include <linux/blk_types.h>
#include <linux/types.h>

struct block_device;
struct page;

struct page *torpor_bdev_buf_page(void *buf);
int torpor_bdev_page_io(struct block_device *bdev, blk_opf_t opf,
			u64 dev_page, void *buf);

#endif /* _TORPOR_BDEV_H */
