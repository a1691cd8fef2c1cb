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

/*
 * Every structure's crc32c is computed with its own crc field set to zero:
 * whether @field, inside @buf, matches the rest.  @buf is left as it was.
 */
static inline bool torpor_crc32c_self_ok(void *buf, size_t len, __le32 *field)
{
	__le32 stored = *field;
	bool ok;

	*field = 0;
	ok = torpor_crc32c(buf, len) == le32_to_cpu(stored);
	*field = stored;
	return ok;
}

#endif /* _TORPOR_CRC_H */
