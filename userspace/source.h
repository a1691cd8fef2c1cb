/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_SOURCE_H
#define TORPOR_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "dev.h"

/*
 * Where inspect, verify, extract and discard find an image: DEV (a device
 * or a copy of one) whose swap area starts at page 0, or at page N with
 * --offset N (a swap file in the file system on DEV: N is its
 * resume_offset), or --swap-file FILE, which finds both.
 */
struct source {
	const char *path;	/* DEV|FILE */
	const char *swap_file;	/* --swap-file */
	uint64_t sig_page;	/* --offset, or found for the swap file */
	bool have_offset;
	char dev_path[280];	/* the device found for swap_file */
};

#define SOURCE_USAGE	"[--offset N] DEV|FILE | --swap-file SWAPFILE"

/*
 * If argv[*i] is a source option or the DEV|FILE argument, takes it (and
 * its value, moving *i on) and returns 1; 0 if it is none of those, -1 if
 * it is malformed.
 */
int source_arg(struct source *src, int argc, char *argv[], int *i);
/* Whether the arguments name exactly one image. */
bool source_complete(const struct source *src);
/* For a command that takes nothing else: 0, or 1 after the usage line. */
int source_args_only(const char *sub, struct source *src, int argc,
		     char *argv[]);
/* Opens the device; 0, or 1 after saying why not. */
int source_open(const char *sub, struct source *src, struct dev *dev,
		bool writable);
/* What the user named. */
const char *source_name(const struct source *src);

#endif
