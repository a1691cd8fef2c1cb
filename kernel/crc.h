/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image format's checksums.  Structures carry standard crc32c
 * (Castagnoli), inverted in and out, so crc32c("123456789") is 0xe3069283.
 *
 * The structures are small, so vmlinux's table-driven __crc32c_le() is
 * fast enough, and it spares every initramfs libcrc32c, the crypto API's
 * crc32c and a driver for it.
 */
#ifndef _TORPOR_CRC_H
#define _TORPOR_CRC_H

#include <linux/crc32.h>
#include <linux/types.h>
#include <linux/xxhash.h>

/* Raw crc32c of @buf continuing @crc: no inversion in or out. */
static inline u32 torpor_crc32c_update(u32 crc, const void *buf, size_t len)
{
	return __crc32c_le(crc, buf, len);
}

/* crc32c of @buf after what @seed, a raw state, already covers. */
static inline u32 torpor_crc32c_from(u32 seed, const void *buf, size_t len)
{
	return ~torpor_crc32c_update(seed, buf, len);
}

static inline u32 torpor_crc32c(const void *buf, size_t len)
{
	return torpor_crc32c_from(~0u, buf, len);
}

/*
 * The state after an image's uuid: map pages, index and block heads are
 * checked from there (crc32c of uuid || structure), which ties them to
 * their image.
 */
static inline u32 torpor_crc32c_image_seed(const u8 *uuid)
{
	return torpor_crc32c_update(~0u, uuid, 16);
}

/*
 * Every structure's crc32c is computed with its own crc field set to zero:
 * whether @field, inside @buf, matches the rest.  @buf is left as it was.
 */
static inline bool torpor_crc32c_self_ok_from(u32 seed, void *buf, size_t len,
					      __le32 *field)
{
	__le32 stored = *field;
	bool ok;

	*field = 0;
	ok = torpor_crc32c_from(seed, buf, len) == le32_to_cpu(stored);
	*field = stored;
	return ok;
}

static inline bool torpor_crc32c_self_ok(void *buf, size_t len, __le32 *field)
{
	return torpor_crc32c_self_ok_from(~0u, buf, len, field);
}

/*
 * Block payloads, the bulk of the image, are checked with the low 32 bits
 * of xxh64 instead: as fast as crc32c instructions on hardware, and far
 * faster where those are emulated (QEMU's TCG computes crc32 bit by bit).
 */
static inline u32 torpor_payload_hash(const void *buf, size_t len)
{
	return (u32)xxh64(buf, len, 0);
}

#endif /* _TORPOR_CRC_H */
