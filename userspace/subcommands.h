/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_SUBCOMMANDS_H
#define TORPOR_SUBCOMMANDS_H

#include <stdbool.h>

#include "compiler.h"
#include "dev.h"

extern const char *prog_name;

int inspect_main(int argc, char *argv[]);
int verify_main(int argc, char *argv[]);
int extract_main(int argc, char *argv[]);
int discard_main(int argc, char *argv[]);
int status_main(int argc, char *argv[]);
int offset_main(int argc, char *argv[]);
int hibernate_main(int argc, char *argv[]);
int snapshot_main(int argc, char *argv[]);

/* "torpor: <sub>: <what>" on stderr; returns the exit status 1. */
int fail(const char *sub, const char *fmt, ...)
	__printf(2, 3);
int open_dev(const char *sub, struct dev *dev, const char *path,
	     bool writable);

#endif
