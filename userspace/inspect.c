// SPDX-License-Identifier: GPL-2.0
/*
 * inspect: show the header of an image.  Only the tail and the header are
 * checked; verify checks the rest.  Anything that is not a torpor image
 * (plain swap included) is an error, so scripts can test the exit status.
 */
#include <string.h>

#include "image.h"
#include "print.h"
#include "subcommands.h"

int inspect_main(int argc, char *argv[])
{
	const char *path = NULL;
	struct image img;
	struct dev dev;
	bool json = false;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return fail("inspect", "usage: %s inspect DEV|FILE [--json]",
				    prog_name);
	}
	if (!path)
		return fail("inspect", "usage: %s inspect DEV|FILE [--json]",
			    prog_name);
	if (open_dev("inspect", &dev, path, false))
		return 1;
	image_init(&img, &dev);
	if (image_open(&img))
		ret = fail("inspect", "%s", img.err);
	else
		image_print(stdout, &img, json);
	image_release(&img);
	dev_close(&dev);
	return ret;
}
