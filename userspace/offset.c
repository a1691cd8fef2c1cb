// SPDX-License-Identifier: GPL-2.0
/*
 * offset: the resume_offset of a swap file, so nobody computes it by hand
 * from filefrag's output.
 */
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "subcommands.h"
#include "swapfile.h"

static int usage(void)
{
	return fail("offset", "usage: %s offset [-v] FILE", prog_name);
}

int offset_main(int argc, char *argv[])
{
	const char *path = NULL;
	struct swapfile_loc loc;
	bool verbose = false;
	char err[512], dev[280];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = true;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return usage();
	}
	if (!path)
		return usage();
	if (swapfile_locate(path, &loc, err, sizeof(err)))
		return fail("offset", "%s", err);
	if (!verbose) {
		printf("%llu\n", (unsigned long long)loc.offset);
		return 0;
	}
	if (swapfile_dev_path(loc.dev, dev, sizeof(dev)))
		snprintf(dev, sizeof(dev), "no /dev node found");
	printf("%s: device %u:%u (%s), resume_offset=%llu\n", path,
	       major(loc.dev), minor(loc.dev), dev,
	       (unsigned long long)loc.offset);
	return 0;
}
