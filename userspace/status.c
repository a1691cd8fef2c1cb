// SPDX-License-Identifier: GPL-2.0
/*
 * status: every attribute under /sys/power/torpor as "name: value".
 * TORPOR_SYSFS overrides the directory, so the output can be tested
 * without the module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "subcommands.h"

#define SYSFS_DIR "/sys/power/torpor"

static void print_attr(int dirfd, const char *name)
{
	char buf[4096];
	ssize_t n = -1;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n < 0) {
		printf("%s: (%s)\n", name,
		       errno == EACCES ? "write-only" : strerror(errno));
		return;
	}
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	/* Multi-line attributes: continuation lines indented under the name. */
	printf("%s:%s", name, strchr(buf, '\n') ? "\n  " : " ");
	for (char *p = buf; *p; p++) {
		if (*p == '\n')
			fputs("\n  ", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_attr(const struct dirent *d)
{
	return d->d_name[0] != '.' && d->d_type != DT_DIR;
}

int status_main(int argc, char *argv[] __maybe_unused)
{
	const char *dir = getenv("TORPOR_SYSFS") ?: SYSFS_DIR;
	struct dirent **names;
	int n, dirfd;

	if (argc != 1)
		return fail("status", "usage: %s status", prog_name);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT)
		return fail("status", "torpor module not loaded (no %s)", dir);
	n = dirfd < 0 ? -1 : scandir(dir, &names, is_attr, by_name);
	if (n < 0) {
		if (dirfd >= 0)
			close(dirfd);
		return fail("status", "%s: %s", dir, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		print_attr(dirfd, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	close(dirfd);
	return 0;
}
