// SPDX-License-Identifier: GPL-2.0
/*
 * cpuspeed: MB/s of LZ4 on one CPU, each 128 KiB block of a 4 MiB buffer
 * compressed and decompressed again, for one second: the work torpor's
 * writer and reader do per block (32 pages, kernel/compress.h).  The
 * bench runs the same static binary on the host and in the guest; the
 * quotient is how much slower the emulated CPU is, by which it divides a
 * real disk's bandwidth (BENCH_DISK=laptop).  The buffer is the text of
 * "seq", W1's text file.
 */
#include <lz4.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BLOCK		(128 << 10)
#define BUF_SIZE	(4 << 20)

static char buf[BUF_SIZE], out[LZ4_COMPRESSBOUND(BLOCK)], back[BLOCK];

static void fill_text(void)
{
	unsigned long n = 1;
	int at = 0;

	while (at < BUF_SIZE - 24)
		at += sprintf(buf + at, "%lu\n", n++);
}

/* Returns -1 if a block did not come back as it was. */
static int pass(void)
{
	int at, len;

	for (at = 0; at < BUF_SIZE; at += BLOCK) {
		len = LZ4_compress_default(buf + at, out, BLOCK, sizeof(out));
		if (len <= 0 || LZ4_decompress_safe(out, back, len, BLOCK) != BLOCK ||
		    memcmp(back, buf + at, BLOCK))
			return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	unsigned long passes = 0;
	double start, took;

	fill_text();
	start = now();
	do {
		if (pass()) {
			fprintf(stderr, "cpuspeed: LZ4 round trip failed\n");
			return 1;
		}
		passes++;
		took = now() - start;
	} while (took < 1.0);
	printf("%.1f\n", passes * (BUF_SIZE / 1e6) / took);
	return 0;
}
