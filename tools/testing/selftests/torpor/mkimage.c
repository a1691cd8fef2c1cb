// SPDX-License-Identifier: GPL-2.0
/*
 * mkimage: write the test fixture's image (and optionally the memory it
 * saves, as extract should reproduce it) to files.  Used for the fuzzer's
 * seed corpus and for poking at images by hand.
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "run.h"

static int print_usage(void)
{
	fprintf(stderr, "usage: mkimage [--small] [--no-compress] -o IMAGE [-m MEMORY]\n");
	return 1;
}

int main(int argc, char *argv[])
{
	struct fixture_opts opts = { .compress = true };
	const char *out = NULL, *ram = NULL;
	struct fixture fx;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--small"))
			opts.small = true;
		else if (!strcmp(argv[i], "--no-compress"))
			opts.compress = false;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			ram = argv[++i];
		else
			return print_usage();
	}
	if (!out)
		return print_usage();
	fixture_build(&fx, &opts);
	ret = write_file(out, fx.img, fx.dev_pages * TORPOR_PAGE_SIZE);
	if (!ret && ram)
		ret = write_file(ram, fx.ram, fx.max_pfn * TORPOR_PAGE_SIZE);
	if (ret)
		perror("mkimage: writing");
	fixture_free(&fx);
	return ret ? 1 : 0;
}
