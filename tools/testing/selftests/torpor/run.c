// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#ifndef TORPOR_DEFAULT
#define TORPOR_DEFAULT "torpor"
#endif

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* The command is opened before the chroot, which need not hold it. */
static void child(const char *bin, const char *root, const char *out,
		  const char *err, const char *const args[])
{
	const char *argv[32] = { bin };
	int fd = open(bin, O_RDONLY | O_CLOEXEC);
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	for (int i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	if (fd < 0 || o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(127);
	if (root && (chroot(root) || chdir("/")))
		_exit(127);
	fexecve(fd, (char *const *)argv, environ);
	_exit(127);
}

int torpor_run(struct result *r, const char *dir, const char *const args[])
{
	return torpor_run_in(r, dir, NULL, args);
}

int torpor_run_in(struct result *r, const char *dir, const char *root,
		  const char *const args[])
{
	const char *bin = getenv("TORPOR") ?: TORPOR_DEFAULT;
	char out[4096], err[4096];
	pid_t pid;

	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		child(bin, root, out, err, args);
	if (waitpid(pid, &r->status, 0) < 0)
		return -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	return 0;
}

int scratch_dir(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR") ?: "/tmp";

	snprintf(buf, len, "%s/torpor-test.XXXXXX", tmp);
	return mkdtemp(buf) ? 0 : -1;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void scratch_remove(const char *dir)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -1;
	if (fwrite(buf, 1, len, f) != len)
		ret = -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

long read_file(const char *path, unsigned char **buf)
{
	FILE *f = fopen(path, "r");
	long len = -1;

	*buf = NULL;
	if (!f)
		return -1;
	if (!fseek(f, 0, SEEK_END))
		len = ftell(f);
	if (len >= 0 && !fseek(f, 0, SEEK_SET))
		*buf = malloc(len + 1);
	if (!*buf || fread(*buf, 1, len, f) != (size_t)len)
		len = -1;
	fclose(f);
	return len;
}
