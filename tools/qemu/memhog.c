// SPDX-License-Identifier: GPL-2.0
/*
 * memhog MIB STATUS: the live process of the guest workload (workload.sh).
 *
 * It fills MIB MiB of anonymous memory with a pattern only it can
 * recompute, then runs forever: each round checks the next 4 MiB of the
 * pattern, counts the round, and publishes
 *
 *	<rounds> <full passes> ok|CORRUPT <first bad byte offset>
 *
 * in STATUS (written to STATUS.new and renamed over it, so a reader never
 * sees half a line).  A hibernation that loses or scrambles a page of it,
 * or a process that does not come back, shows in that line.
 *
 * SIGUSR1 asks for one full pass without the pauses: a check of all its
 * memory then takes as long as touching it does, which is what the
 * bench's time to usable measures (workload_wait_pass).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE_BYTES	4096
#define PAGE_WORDS	(PAGE_BYTES / sizeof(uint64_t))
#define CHUNK_PAGES	((4u << 20) / PAGE_BYTES)
#define STEP		0x9e3779b97f4a7c15ull

static volatile sig_atomic_t rush_asked;

static void ask_rush(int sig)
{
	(void)sig;
	rush_asked = 1;
}

/* splitmix64: no two pages of the pattern, or of two runs, share a key. */
static uint64_t page_key(uint64_t seed, size_t page)
{
	uint64_t z = seed + (page + 1) * STEP;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Within a page the words step by an odd constant from the page's key:
 * no byte string repeats within a page and the keys differ, so LZ4 finds
 * nothing to compress (lz4 -1 on 64 MiB of it: 100.0 %), yet a word costs
 * one add to recompute.  The check then costs about what reading the
 * memory does, and the bench's pass measures getting the memory back, not
 * splitmix64 under TCG.
 */
static uint64_t page_word(uint64_t key, size_t j)
{
	return key + j * STEP;
}

static void page_fill(uint64_t *w, uint64_t key)
{
	size_t j;

	for (j = 0; j < PAGE_WORDS; j++)
		w[j] = page_word(key, j);
}

/* The offset in the page of its first wrong word, or -1. */
static long page_check(const uint64_t *w, uint64_t key)
{
	uint64_t diff = 0;
	size_t j;

	/* One test a page, not one a word: finding the word can wait. */
	for (j = 0; j < PAGE_WORDS; j++)
		diff |= w[j] ^ page_word(key, j);
	if (!diff)
		return -1;
	for (j = 0; w[j] == page_word(key, j); j++)
		;
	return (long)(j * sizeof(*w));
}

static int publish(const char *path, unsigned long rounds,
		   unsigned long passes, long bad)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%lu %lu %s %ld\n", rounds, passes, bad < 0 ? "ok" : "CORRUPT",
		bad);
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	const struct timespec pause = { 0, 100 * 1000 * 1000 };
	struct sigaction sa = { .sa_handler = ask_rush, .sa_flags = SA_RESTART };
	unsigned long rounds = 0, passes = 0, mib;
	size_t pages, chunks, rush = 0, p, next = 0, end;
	uint64_t seed, *mem;
	long bad = -1;

	if (argc != 3 || !(mib = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: memhog MIB STATUS\n");
		return 2;
	}
	pages = ((size_t)mib << 20) / PAGE_BYTES;
	chunks = (pages + CHUNK_PAGES - 1) / CHUNK_PAGES;
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("memhog: sigaction");
		return 1;
	}
	mem = mmap(NULL, pages * PAGE_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memhog: mmap");
		return 1;
	}
	seed = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	for (p = 0; p < pages; p++)
		page_fill(mem + p * PAGE_WORDS, page_key(seed, p));
	for (;;) {
		end = next + CHUNK_PAGES < pages ? next + CHUNK_PAGES : pages;
		for (p = next; p < end && bad < 0; p++) {
			bad = page_check(mem + p * PAGE_WORDS, page_key(seed, p));
			if (bad >= 0)
				bad += (long)(p * PAGE_BYTES);
		}
		next = end == pages ? 0 : end;
		passes += !next;
		if (publish(argv[2], ++rounds, passes, bad)) {
			perror("memhog: status");
			return 1;
		}
		/* The round in progress may have begun before the signal. */
		if (rush_asked) {
			rush_asked = 0;
			rush = chunks + 1;
		}
		if (rush)
			rush--;
		else
			nanosleep(&pause, NULL);
	}
}
