// SPDX-License-Identifier: GPL-2.0
/*
 * The image commands' common arguments.  An image in a swap file is read
 * from the device under the file system, at the file's resume_offset:
 * every address in it is a device page.  discard only rewrites the
 * signature page, which is the file's first page, so it writes through
 * the file: the page cache that a later swapon reads stays coherent, and
 * the kernel refuses the write (ETXTBSY) while the file is active swap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "source.h"
#include "subcommands.h"
#include "swapfile.h"

static int parse_pages(const char *s, uint64_t *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int source_arg(struct source *src, int argc, char *argv[], int *i)
{
	const char *arg = argv[*i];

	if (!strcmp(arg, "--offset")) {
		if (src->have_offset || *i + 1 >= argc ||
		    parse_pages(argv[*i + 1], &src->sig_page))
			return -1;
		src->have_offset = true;
	} else if (!strcmp(arg, "--swap-file")) {
		if (src->swap_file || *i + 1 >= argc)
			return -1;
		src->swap_file = argv[*i + 1];
	} else if (!src->path && arg[0] != '-') {
		src->path = arg;
		return 1;
	} else {
		return 0;
	}
	(*i)++;
	return 1;
}

bool source_complete(const struct source *src)
{
	if (src->swap_file)
		return !src->path && !src->have_offset;
	return src->path;
}

int source_args_only(const char *sub, struct source *src, int argc,
		     char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		if (source_arg(src, argc, argv, &i) <= 0)
			break;
	if (i < argc || !source_complete(src))
		return fail(sub, "usage: %s %s " SOURCE_USAGE, prog_name, sub);
	return 0;
}

const char *source_name(const struct source *src)
{
	return src->swap_file ?: src->path;
}

int source_open(const char *sub, struct source *src, struct dev *dev,
		bool writable)
{
	struct swapfile_loc loc;
	char err[512];

	if (!src->swap_file)
		return open_dev(sub, dev, src->path, writable);
	if (swapfile_locate(src->swap_file, &loc, err, sizeof(err)))
		return fail(sub, "%s", err);
	if (writable) {
		src->sig_page = 0;
		return open_dev(sub, dev, src->swap_file, true);
	}
	if (swapfile_dev_path(loc.dev, src->dev_path, sizeof(src->dev_path)))
		return fail(sub, "%s: no /dev node for its device %u:%u: %s",
			    src->swap_file, major(loc.dev), minor(loc.dev),
			    strerror(errno));
	src->sig_page = loc.offset;
	return open_dev(sub, dev, src->dev_path, false);
}
