/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_XXH64_H
#define TORPOR_XXH64_H

#include <stddef.h>
#include <stdint.h>

/*
 * XXH64 (xxHash, 64-bit), as the kernel's xxh64(): xxh64("", 0, 0) ==
 * 0xef46db3751d8e999.  The block payload check is its low 32 bits.
 */
uint64_t xxh64(const void *buf, size_t len, uint64_t seed);

#endif
