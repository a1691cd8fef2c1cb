// SPDX-License-Identifier: GPL-2.0
/*
 * inspect: show the header of an image.  Only the tail and the header are
 * checked; verify checks the rest.  Anything that is not a torpor image
 * (plain swap included) is an error, so scripts can test the exit status.
 */
#include <string.h>

#include "image.h"
#include "print.h"
#include "source.h"
#include "subcommands.h"

static int usage(void)
{
	return fail("inspect", "usage: %s inspect " SOURCE_USAGE " [--json]",
		    prog_name);
}

int inspect_main(int argc, char *argv[])
{
	struct source src = {};
	struct image img;
	struct dev dev;
	bool json = false;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (source_arg(&src, argc, argv, &i) <= 0)
			return usage();
	}
	if (!source_complete(&src))
		return usage();
	if (source_open("inspect", &src, &dev, false))
		return 1;
	image_init(&img, &dev, src.sig_page);
	if (image_open(&img))
		ret = fail("inspect", "%s", img.err);
	else
		image_print(stdout, &img, json);
	image_release(&img);
	dev_close(&dev);
	return ret;
}
