/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copying image stream bytes, which are neither page-aligned nor whole
 * pages.  memcpy() is a single "rep movsb" on CPUs with ERMS or FSRM;
 * where the CPU is emulated (QEMU TCG) each byte of it is a step of the
 * emulator, several times the cost of a loop of word moves, and the whole
 * stream is copied once when it is written and once when it is loaded.
 */
#ifndef _TORPOR_COPY_H
#define _TORPOR_COPY_H

#include <linux/string.h>
#include <linux/types.h>

/*
 * Fixed-size memcpy() compiles to plain (unaligned) moves.  Eight words a
 * step: under TCG a loop of one word a step placed W3's pages on 6.12 up
 * to five times slower (performance.rst).
 */
static __always_inline void torpor_copy_word(u8 *d, const u8 *s)
{
	u64 w;

	memcpy(&w, s, sizeof(w));
	memcpy(d, &w, sizeof(w));
}

static __always_inline void torpor_copy_line(u8 *d, const u8 *s)
{
	torpor_copy_word(d, s);
	torpor_copy_word(d + 8, s + 8);
	torpor_copy_word(d + 16, s + 16);
	torpor_copy_word(d + 24, s + 24);
	torpor_copy_word(d + 32, s + 32);
	torpor_copy_word(d + 40, s + 40);
	torpor_copy_word(d + 48, s + 48);
	torpor_copy_word(d + 56, s + 56);
}

static inline void torpor_copy(void *dst, const void *src, size_t len)
{
	u8 *d = dst;
	const u8 *s = src;

	for (; len >= 64; len -= 64, d += 64, s += 64)
		torpor_copy_line(d, s);
	for (; len >= 8; len -= 8, d += 8, s += 8)
		torpor_copy_word(d, s);
	while (len--)
		*d++ = *s++;
}

#endif /* _TORPOR_COPY_H */
