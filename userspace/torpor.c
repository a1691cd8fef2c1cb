// SPDX-License-Identifier: GPL-2.0
/*
 * torpor: inspect, verify, extract and discard torpor hibernation images,
 * show the module's state, find a swap file's offset and hibernate.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "subcommands.h"
#include "torpor_image.h"

#ifndef TORPOR_VERSION
#define TORPOR_VERSION "unknown"
#endif

const char *prog_name = "torpor";

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *usage;
} subcommands[] = {
	{ "inspect", inspect_main, "DEV|FILE [--json]  show the image header" },
	{ "verify", verify_main, "DEV|FILE           check every structure, checksum and block" },
	{ "extract", extract_main, "DEV|FILE -o OUT   write the saved memory as a sparse file" },
	{ "discard", discard_main, "DEV|FILE          turn an image back into plain swap" },
	{ "status", status_main, "                   show /sys/power/torpor" },
	{ "offset", offset_main, "[-v] FILE          print the resume_offset of swap file FILE" },
	{ "hibernate", hibernate_main, "[-n|--check]    check the set-up, then hibernate" },
	{ "snapshot", snapshot_main, "[--reboot] [-n]  write an image every boot resumes" },
};

int fail(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog_name, sub);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int open_dev(const char *sub, struct dev *dev, const char *path, bool writable)
{
	if (dev_open(dev, path, writable) < 0) {
		if (errno == EBUSY)
			return fail(sub, "%s: busy (an active swap area? swapoff it first)",
				    path);
		return fail(sub, "%s: %s", path, strerror(errno));
	}
	return 0;
}

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s <command> [arguments]\n\nCommands:\n", prog_name);
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %s %s\n", subcommands[i].name, subcommands[i].usage);
	fprintf(f, "\nDEV|FILE: a device or a copy of one; --offset N: its swap area starts\n"
		   "at page N (a swap file's resume_offset); --swap-file SWAPFILE instead\n"
		   "of DEV|FILE finds the device and offset of a swap file.\n\n"
		   "  help                       show this text\n"
		   "  --version                  show the version\n");
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("%s %s (image format %d)\n", prog_name, TORPOR_VERSION,
		       TORPOR_FORMAT_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (try '%s help')\n",
		prog_name, argv[1], prog_name);
	return 1;
}
