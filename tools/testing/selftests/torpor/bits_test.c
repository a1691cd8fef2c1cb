// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/bits.h, the module's frame and data-page bitmaps, built against
 * kshim/: the kernel's bitmap helpers with the kernel's parameter widths.
 * Frame numbers and counts go up to TORPOR_MAX_PFN (2^40); these cross
 * the 32-bit and the 31-bit (int length) lines, where calling the
 * helpers directly, as the module did, marks the wrong bits or none.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"

#include "bits.h"

#define BIT(map, nr)	(((map)[(nr) / 64] >> ((nr) % 64)) & 1)

/* 2^33 bits: 1 GiB of address space, touched only where bits are set. */
#define NBITS	((1ul << 33) + 128)

FIXTURE(bits) {
	unsigned long *map;
};

FIXTURE_SETUP(bits)
{
	self->map = torpor_bits_alloc(NBITS);
	ASSERT_NE(NULL, self->map);
}

FIXTURE_TEARDOWN(bits)
{
	torpor_bits_free(self->map);
}

/* A run of frames above 2^32: the helpers would set them 2^32 lower. */
TEST_F(bits, set_above_4g)
{
	unsigned long start = (1ul << 32) + 61;

	torpor_bits_set(self->map, start, 7);
	EXPECT_EQ(0, BIT(self->map, start - 1));
	EXPECT_EQ(1, BIT(self->map, start));
	EXPECT_EQ(1, BIT(self->map, start + 6));
	EXPECT_EQ(0, BIT(self->map, start + 7));
	EXPECT_EQ(0, BIT(self->map, 61));
	EXPECT_EQ(7ul, torpor_bits_weight(self->map, NBITS));
}

/*
 * An extent of 2^31 frames and more: __bitmap_set() takes an int.  On a
 * map of its own, a quarter of the fixture's: zeroing and counting touch
 * every page of the map, and the test should stay short on a loaded
 * machine (it failed once beside a CI run, reason not kept).
 */
TEST(set_2g_frames)
{
	unsigned long nbits = (1ul << 31) + 128, start = 3, n = (1ul << 31) + 70;
	unsigned long *map = torpor_bits_alloc(nbits);

	ASSERT_NE(NULL, map);
	torpor_bits_set(map, start, n);
	EXPECT_EQ(0, BIT(map, 2));
	EXPECT_EQ(1, BIT(map, 3));
	EXPECT_EQ(1, BIT(map, start + n - 1));
	EXPECT_EQ(0, BIT(map, start + n));
	EXPECT_EQ(n, torpor_bits_weight(map, nbits));
	torpor_bits_zero(map, nbits);
	EXPECT_EQ(0ul, torpor_bits_weight(map, nbits));
	torpor_bits_free(map);
}

TEST_HARNESS_MAIN
