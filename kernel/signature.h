/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The swap signature page: page 0 of the swap area, whose last bytes hold
 * either mkswap's signature or torpor's tail while an image is valid.
 * Every reader and writer of those bytes goes through here.
 */
#ifndef _TORPOR_SIGNATURE_H
#define _TORPOR_SIGNATURE_H

#include <linux/types.h>

struct block_device;
struct torpor_swap_tail;

bool torpor_sig_holds_image(const void *page);
struct torpor_swap_tail *torpor_sig_tail(void *page);
int torpor_sig_check_target(dev_t dev, const void *page, bool *stale);
void torpor_sig_make_image(void *page, u64 header_page, __le32 header_crc,
			   const u8 *uuid);
void torpor_sig_seal(void *page, struct torpor_swap_tail *tail);
void torpor_sig_make_swap(void *page);
int torpor_sig_write_swap(struct block_device *bdev, u64 dev_page,
			  void *page);

#endif /* _TORPOR_SIGNATURE_H */
