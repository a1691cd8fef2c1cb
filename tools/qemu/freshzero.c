// SPDX-License-Identifier: GPL-2.0
/*
 * freshzero MIB: take MIB MiB of fresh anonymous memory and check that it
 * reads as zeros, the way every new anonymous page must.
 *
 * The pages are faulted in for writing (MADV_POPULATE_WRITE) without
 * writing a byte, and transparent huge pages are refused, since the kernel
 * clears those itself: each page comes straight from the page allocator,
 * as it was when it was free.  A kernel that trusts free pages to be clear
 * (init_on_free=1) hands out whatever a previous owner of the frame left,
 * such as the boot kernel of a resume.
 *
 * Prints "<pages> pages, <nonzero> not zero" and, for the first bad page,
 * its offset and first bytes; exits 1 if any page is not zero.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

static int page_is_zero(const uint64_t *p, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len, off, bad = 0;
	const unsigned char *first = NULL;
	unsigned long mib;
	uint64_t *mem;
	int i;

	if (argc != 2 || !(mib = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: freshzero MIB\n");
		return 2;
	}
	len = (size_t)mib << 20;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("freshzero: mmap");
		return 2;
	}
	if (madvise(mem, len, MADV_NOHUGEPAGE) ||
	    madvise(mem, len, MADV_POPULATE_WRITE)) {
		perror("freshzero: madvise");
		return 2;
	}
	for (off = 0; off < len; off += page) {
		const uint64_t *p = (const uint64_t *)((char *)mem + off);

		if (page_is_zero(p, page / sizeof(*p)))
			continue;
		if (!bad++)
			first = (const unsigned char *)p;
	}
	printf("%zu pages, %zu not zero", len / page, bad);
	if (first) {
		printf("; first at offset %zu:", (size_t)(first - (unsigned char *)mem));
		for (i = 0; i < 16; i++)
			printf(" %02x", first[i]);
	}
	printf("\n");
	return bad ? 1 : 0;
}
