/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bitmaps indexed by page frame or by data page.  The kernel's bitmap
 * helpers count bits in unsigned int (__bitmap_set() its length in int),
 * while frames and counts here go up to TORPOR_MAX_PFN (2^40): these take
 * unsigned long and call the helpers in word-aligned steps small enough
 * for them.  Every frame or page bitmap goes through them.
 */
#ifndef _TORPOR_BITS_H
#define _TORPOR_BITS_H

#include <linux/bitmap.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

/* A multiple of BITS_PER_LONG; start % BITS_PER_LONG + step fits an int. */
#define TORPOR_BITS_STEP	(1UL << 30)

/* Not bitmap_zalloc(): kmalloc cannot give the 4 MiB of 2^25 bits and more. */
static inline unsigned long *torpor_bits_alloc(unsigned long nbits)
{
	return kvcalloc(BITS_TO_LONGS(nbits), sizeof(long), GFP_KERNEL);
}

static inline void torpor_bits_free(unsigned long *map)
{
	kvfree(map);
}

static inline void torpor_bits_zero(unsigned long *map, unsigned long nbits)
{
	memset(map, 0, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline void torpor_bits_set(unsigned long *map, unsigned long start,
				   unsigned long n)
{
	while (n) {
		unsigned long step = min(n, TORPOR_BITS_STEP);

		bitmap_set(map + BIT_WORD(start), start % BITS_PER_LONG, step);
		start += step;
		n -= step;
	}
}

static inline unsigned long torpor_bits_weight(const unsigned long *map,
					       unsigned long nbits)
{
	unsigned long at, weight = 0;

	for (at = 0; at < nbits; at += TORPOR_BITS_STEP)
		weight += bitmap_weight(map + BIT_WORD(at),
					min(nbits - at, TORPOR_BITS_STEP));
	return weight;
}

#endif /* _TORPOR_BITS_H */
