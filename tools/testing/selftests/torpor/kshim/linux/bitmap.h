/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's bitmap helpers as kernel/bits.h sees them, for a userspace
 * test: the same parameter widths (bit numbers in unsigned int,
 * __bitmap_set()'s length in int), so a caller that passes them a frame
 * number or count past 32 bits loses its upper bits here as it would
 * there.
 */
#ifndef TORPOR_KSHIM_BITMAP_H
#define TORPOR_KSHIM_BITMAP_H

#include <string.h>

#define BITS_PER_LONG		64
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static inline void kshim_bits(unsigned long *map, unsigned int start,
			      unsigned int n, int set)
{
	unsigned long *p = map + BIT_WORD(start);

	for (; n && start % BITS_PER_LONG; start++, n--, p += !(start % BITS_PER_LONG))
		*p = set ? *p | 1ul << start % BITS_PER_LONG :
			   *p & ~(1ul << start % BITS_PER_LONG);
	memset(p, set ? 0xff : 0, n / BITS_PER_LONG * sizeof(long));
	p += n / BITS_PER_LONG;
	for (start = 0; start < n % BITS_PER_LONG; start++)
		*p = set ? *p | 1ul << start : *p & ~(1ul << start);
}

static inline void __bitmap_set(unsigned long *map, unsigned int start, int len)
{
	if (len > 0)
		kshim_bits(map, start, len, 1);
}

static inline void __bitmap_clear(unsigned long *map, unsigned int start, int len)
{
	if (len > 0)
		kshim_bits(map, start, len, 0);
}

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int nbits)
{
	__bitmap_set(map, start, nbits);
}

static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int nbits)
{
	__bitmap_clear(map, start, nbits);
}

static inline unsigned int bitmap_weight(const unsigned long *map,
					 unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < nbits / BITS_PER_LONG; i++)
		w += __builtin_popcountl(map[i]);
	if (nbits % BITS_PER_LONG)
		w += __builtin_popcountl(map[i] & ((1ul << nbits % BITS_PER_LONG) - 1));
	return w;
}

#endif
