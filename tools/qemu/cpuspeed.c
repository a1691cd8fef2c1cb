// SPDX-License-Identifier: GPL-2.0
/*
 * cpuspeed: MB/s of xxh64's inner loop over a 4 MiB buffer, run for one
 * second.  The bench runs the same static binary on the host and in the
 * guest; the quotient is how much slower the emulated CPU is, by which it
 * divides a real disk's bandwidth (BENCH_DISK=laptop).  xxh64 is what
 * torpor checks its block payloads with, and like LZ4 it is word loads,
 * multiplies and rotates, the work a hibernation's CPU does per byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BUF_WORDS	((4u << 20) / sizeof(uint64_t))

static const uint64_t P1 = 0x9e3779b185ebca87ull;
static const uint64_t P2 = 0xc2b2ae3d27d4eb4full;

static uint64_t xxh64_round(uint64_t acc, uint64_t v)
{
	acc += v * P2;
	acc = acc << 31 | acc >> 33;
	return acc * P1;
}

static uint64_t pass(const uint64_t *buf, uint64_t seed)
{
	uint64_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };
	size_t i;

	for (i = 0; i < BUF_WORDS; i += 4) {
		v[0] = xxh64_round(v[0], buf[i]);
		v[1] = xxh64_round(v[1], buf[i + 1]);
		v[2] = xxh64_round(v[2], buf[i + 2]);
		v[3] = xxh64_round(v[3], buf[i + 3]);
	}
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	uint64_t *buf = malloc(BUF_WORDS * sizeof(*buf)), sum = 0;
	unsigned long passes = 0;
	double start, took;
	size_t i;

	if (!buf) {
		perror("cpuspeed");
		return 1;
	}
	for (i = 0; i < BUF_WORDS; i++)
		buf[i] = i * P1;
	start = now();
	do {
		sum += pass(buf, sum);
		passes++;
		took = now() - start;
	} while (took < 1.0);
	/* The sum keeps the compiler from dropping the loop. */
	printf("%.1f %016llx\n", passes * 4.194304 / took, (unsigned long long)sum);
	return 0;
}
