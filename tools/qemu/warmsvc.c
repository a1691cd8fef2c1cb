// SPDX-License-Identifier: GPL-2.0
/*
 * warmsvc DIR ROUNDS: a service with a slow warm-up, for the snapshot
 * scenario.  It builds a table of 2^20 entries, each the result of ROUNDS
 * rounds of a mixing function (about 15 s under QEMU's TCG with the
 * scenario's ROUNDS), writes its PID to DIR/ready, then answers queries:
 * a key written to the FIFO DIR/q is answered with "KEY VALUE" on the FIFO
 * DIR/a.  A snapshot taken once it is ready resumes it ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENTRIES (1u << 20)

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ull;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dull;
	return x ^ (x >> 33);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char *argv[])
{
	char path[4096], line[64];
	unsigned long rounds;
	uint64_t *table;
	FILE *f;

	if (argc != 3)
		return fprintf(stderr, "usage: warmsvc DIR ROUNDS\n"), 2;
	rounds = strtoul(argv[2], NULL, 0);
	table = malloc(ENTRIES * sizeof(*table));
	if (!table)
		die("malloc");
	for (uint32_t i = 0; i < ENTRIES; i++) {
		uint64_t x = i;

		for (unsigned long r = 0; r < rounds; r++)
			x = mix(x + r);
		table[i] = x;
	}
	for (const char *fifo = "q"; fifo; fifo = *fifo == 'q' ? "a" : NULL) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], fifo);
		if (mkfifo(path, 0600) && errno != EEXIST)
			die(path);
	}
	snprintf(path, sizeof(path), "%s/ready", argv[1]);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
		die(path);
	for (;;) {
		unsigned long key;
		FILE *q, *a;

		snprintf(path, sizeof(path), "%s/q", argv[1]);
		q = fopen(path, "r");
		if (!q)
			die(path);
		while (fgets(line, sizeof(line), q)) {
			key = strtoul(line, NULL, 0) % ENTRIES;
			snprintf(path, sizeof(path), "%s/a", argv[1]);
			a = fopen(path, "w");
			if (!a)
				die(path);
			fprintf(a, "%lu %016llx\n", key,
				(unsigned long long)table[key]);
			fclose(a);
		}
		fclose(q);
	}
}
