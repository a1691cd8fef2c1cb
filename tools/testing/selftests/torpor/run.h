/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_TEST_RUN_H
#define TORPOR_TEST_RUN_H

#include <stddef.h>

/* What one run of the torpor command did. */
struct result {
	int status;		/* as from waitpid() */
	char out[16384];
	char err[4096];
};

/*
 * Runs $TORPOR (default: the build's binary) with args (NULL-terminated),
 * capturing stdout and stderr through files in dir.
 */
int torpor_run(struct result *r, const char *dir, const char *const args[]);
/* The same with root (NULL: none) as the command's root directory. */
int torpor_run_in(struct result *r, const char *dir, const char *root,
		  const char *const args[]);

/* Makes a private scratch directory; returns its path in buf. */
int scratch_dir(char *buf, size_t len);
void scratch_remove(const char *dir);

int write_file(const char *path, const void *buf, size_t len);
/* Reads a whole file; returns its length or -1.  *buf is malloc'ed. */
long read_file(const char *path, unsigned char **buf);

#endif
