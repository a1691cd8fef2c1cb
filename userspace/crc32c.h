/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_CRC32C_H
#define TORPOR_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Standard crc32c (Castagnoli): crc32c(0, "123456789", 9) == 0xe3069283.
 * Chainable: crc32c(crc32c(0, a, n), b, m) is the crc of a followed by b.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
