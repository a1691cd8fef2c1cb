/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image format's checksum: standard crc32c (Castagnoli), inverted in
 * and out, so crc32c("123456789") is 0xe3069283.
 */
#ifndef _TORPOR_CRC_H
#define _TORPOR_CRC_H

#include <linux/crc32c.h>
#include <linux/types.h>

static inline u32 torpor_crc32c(const void *buf, size_t len)
{
	return ~crc32c(~0u, buf, len);
}

#endif /* _TORPOR_CRC_H */
