// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot: write a snapshot image, which every boot resumes (snapshot
 * boot, Documentation/admin-guide.rst).  Refuses, naming the mount, while
 * a file system on a block device is mounted read-write: every boot from
 * the snapshot would roll memory back over the changed disk.  Takes the
 * resume device off swap (the snapshot keeps it for itself), arms
 * /sys/power/torpor/snapshot and writes "disk" to /sys/power/state.
 *
 * That write returns in every session resumed from the snapshot: then the
 * executable files of the hook directory (/etc/torpor/snapshot.d, or
 * $TORPOR_SNAPSHOT_HOOKS) run in name order, with TORPOR_RESUMES set, to
 * renew what must differ from boot to boot (machine-id, DHCP leases...).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subcommands.h"

#define SUB "snapshot"
#define SYSFS "/sys/power/torpor/"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, s, strlen(s));
	int err = errno;

	if (fd >= 0)
		close(fd);
	errno = err;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The first line, without its newline; "" if unreadable. */
static char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (f && !fgets(buf, len, f))
		buf[0] = 0;
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* Anonymous devices (tmpfs, overlay, proc...) have major 0. */
static bool block_backed(const char *src, const char *mnt)
{
	struct stat st;

	if (!stat(mnt, &st) && major(st.st_dev))
		return true;
	return src[0] == '/' && !stat(src, &st) && S_ISBLK(st.st_mode);
}

/* Each read-write mount of a block device is one line; their count. */
static int check_mounts(void)
{
	char line[4096], src[1024], mnt[1024], type[64], opts[1024];
	int problems = 0;
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f)
		return fail(SUB, "cannot read /proc/self/mounts: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%1023s %1023s %63s %1023s", src, mnt, type, opts) != 4 ||
		    strncmp(opts, "rw", 2) || (opts[2] && opts[2] != ',') ||
		    !block_backed(src, mnt))
			continue;
		fprintf(stderr, "%s: %s: %s (%s, %s) is mounted read-write: every boot from the snapshot would roll memory back over it; mount -o remount,ro %s, or unmount it\n",
			prog_name, SUB, mnt, src, type, mnt);
		problems++;
	}
	fclose(f);
	return problems;
}

/* The resume device, taken off swap if it is active; -1 after failing. */
static int take_resume_device(void)
{
	char buf[1024], name[512];
	unsigned int maj, min;
	struct stat st;
	dev_t dev;
	FILE *f;

	if (sscanf(first_line("/sys/power/resume", buf, sizeof(buf)), "%u:%u",
		   &maj, &min) != 2 || !(dev = makedev(maj, min)))
		return fail(SUB, "no resume device: boot with resume=DEVICE (a swap partition), or echo MAJ:MIN > /sys/power/resume"), -1;
	if (strcmp(first_line("/sys/power/resume_offset", buf, sizeof(buf)), "0") &&
	    buf[0])
		return fail(SUB, "resume_offset is %s: a snapshot needs a swap partition, not a swap file", buf), -1;
	f = fopen("/proc/swaps", "re");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%511s", name) != 1 || stat(name, &st) ||
		    !S_ISBLK(st.st_mode) || st.st_rdev != dev)
			continue;
		printf("swapping off %s: the snapshot keeps it for itself\n", name);
		if (swapoff(name)) {
			fclose(f);
			return fail(SUB, "swapoff %s: %s", name, strerror(errno)), -1;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Runs every executable file of the hook directory; failures are said. */
static void run_hooks(const char *resumes)
{
	const char *dir = getenv("TORPOR_SNAPSHOT_HOOKS") ?: "/etc/torpor/snapshot.d";
	struct dirent **names;
	char path[4096];
	struct stat st;
	int n, status;
	pid_t pid;

	setenv("TORPOR_RESUMES", resumes, 1);
	n = scandir(dir, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || access(path, X_OK))
			continue;
		fflush(stdout);
		pid = fork();
		if (!pid) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			fprintf(stderr, "%s: %s: hook %s failed\n", prog_name, SUB, path);
	}
	if (n >= 0)
		free(names);
}

/* The selected mode of /sys/power/disk, the one in brackets; "" if none. */
static char *disk_mode(char *buf, size_t len)
{
	char line[256], *start, *end;

	buf[0] = 0;
	start = strchr(first_line("/sys/power/disk", line, sizeof(line)), '[');
	end = start ? strchr(start, ']') : NULL;
	if (end && (size_t)(end - start) <= len) {
		memcpy(buf, start + 1, end - start - 1);
		buf[end - start - 1] = 0;
	}
	return buf;
}

/* Arms the snapshot and hibernates: 0 in each resumed session, or errno. */
static int snapshot_now(void)
{
	int err;

	if (write_str(SYSFS "snapshot", "1"))
		return errno;
	fflush(stdout);
	sync();
	if (!write_str("/sys/power/state", "disk"))
		return 0;
	err = errno;
	write_str(SYSFS "snapshot", "0");
	return err;
}

/* A failed snapshot leaves no --reboot behind: the next hibernation powers off. */
static int trigger(bool reboot)
{
	char buf[256], mode[32];
	int err;

	disk_mode(mode, sizeof(mode));
	if (reboot && write_str("/sys/power/disk", "reboot"))
		return fail(SUB, "cannot select reboot in /sys/power/disk: %s", strerror(errno));
	err = snapshot_now();
	if (err) {
		if (reboot && mode[0])
			write_str("/sys/power/disk", mode);
		return fail(SUB, "no snapshot written: %s (torpor: %s)", strerror(err),
			    first_line(SYSFS "status", buf, sizeof(buf)));
	}
	first_line(SYSFS "snapshot_resumes", buf, sizeof(buf));
	printf("resumed from the snapshot, resume %s\n", buf);
	run_hooks(buf);
	return 0;
}

int snapshot_main(int argc, char *argv[])
{
	bool reboot = false, check_only = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reboot"))
			reboot = true;
		else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--check"))
			check_only = true;
		else
			return fail(SUB, "usage: %s snapshot [--reboot] [-n|--check]", prog_name);
	}
	if (access(SYSFS "snapshot", F_OK))
		return fail(SUB, "torpor module not loaded, or without snapshot boot (no " SYSFS "snapshot)");
	if (check_mounts())
		return 1;
	if (check_only) {
		printf("ready to snapshot: no block device mounted read-write\n");
		return 0;
	}
	if (take_resume_device())
		return 1;
	return trigger(reboot);
}
