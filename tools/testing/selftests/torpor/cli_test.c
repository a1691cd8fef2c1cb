// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: help, version, usage errors, missing devices, status
 * against a stand-in for /sys/power/torpor, offset on files of the file
 * system the tests run on, hibernate's checks against a stand-in for
 * /sys and /proc (TORPOR_ROOT), and snapshot's in a stand-in root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "run.h"

FIXTURE(cli) {
	char dir[256];
	struct result r;
};

FIXTURE_SETUP(cli)
{
	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
}

FIXTURE_TEARDOWN(cli)
{
	scratch_remove(self->dir);
}

static int exited(const struct result *r, int code)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

TEST_F(cli, help)
{
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "help", NULL }));
	EXPECT_TRUE(exited(&self->r, 0));
	EXPECT_NE(NULL, strstr(self->r.out, "Usage: torpor <command>"));
	EXPECT_NE(NULL, strstr(self->r.out, "  verify DEV|FILE"));
}

TEST_F(cli, no_arguments)
{
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ NULL }));
	EXPECT_TRUE(exited(&self->r, 1));
	EXPECT_NE(NULL, strstr(self->r.err, "Usage: torpor <command>"));
}

TEST_F(cli, version)
{
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "--version", NULL }));
	EXPECT_TRUE(exited(&self->r, 0));
	EXPECT_EQ(0, strncmp(self->r.out, "torpor ", 7));
	EXPECT_NE(NULL, strstr(self->r.out, "(image format 3)\n"));
}

TEST_F(cli, unknown_command)
{
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "hibernat", NULL }));
	EXPECT_TRUE(exited(&self->r, 1));
	EXPECT_STREQ("torpor: unknown command 'hibernat' (try 'torpor help')\n",
		     self->r.err);
}

TEST_F(cli, usage_errors)
{
	static const char *const cmds[][6] = {
		{ "inspect" }, { "inspect", "a", "b" }, { "inspect", "--xml", "a" },
		{ "verify" }, { "verify", "a", "b" },
		{ "extract", "a" }, { "extract", "-o", "x" }, { "extract", "a", "-o" },
		{ "discard" }, { "discard", "--offset", "1" },
		{ "verify", "--offset", "x", "a" }, { "verify", "--offset", "-1", "a" },
		{ "inspect", "--swap-file", "a", "b" },
		{ "inspect", "--swap-file", "a", "--offset", "1" },
		{ "status", "x" }, { "offset" }, { "offset", "a", "b" },
		{ "offset", "--json", "a" }, { "hibernate", "now" },
		{ "snapshot", "now" }, { "snapshot", "--reboot", "--force" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char want[64];

		snprintf(want, sizeof(want), "torpor: %s: usage: torpor %s",
			 cmds[i][0], cmds[i][0]);
		ASSERT_EQ(0, torpor_run(&self->r, self->dir, cmds[i]));
		EXPECT_TRUE(exited(&self->r, 1)) TH_LOG("%s", cmds[i][0]);
		EXPECT_EQ(0, strncmp(self->r.err, want, strlen(want)))
			TH_LOG("%s", self->r.err);
	}
}

TEST_F(cli, missing_device)
{
	static const char *const cmds[] = { "inspect", "verify", "discard", "offset" };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char want[128];

		snprintf(want, sizeof(want),
			 "torpor: %s: /nonexistent/dev: No such file or directory\n",
			 cmds[i]);
		ASSERT_EQ(0, torpor_run(&self->r, self->dir,
					(const char *[]){ cmds[i], "/nonexistent/dev", NULL }));
		EXPECT_TRUE(exited(&self->r, 1));
		EXPECT_STREQ(want, self->r.err);
	}
}

TEST_F(cli, not_a_device)
{
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "verify", self->dir, NULL }));
	EXPECT_TRUE(exited(&self->r, 1));
	EXPECT_NE(NULL, strstr(self->r.err, "Block device required"));
}

TEST_F(cli, status_not_loaded)
{
	char missing[300];

	snprintf(missing, sizeof(missing), "%s/none", self->dir);
	setenv("TORPOR_SYSFS", missing, 1);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "status", NULL }));
	EXPECT_TRUE(exited(&self->r, 1));
	EXPECT_NE(NULL, strstr(self->r.err, "torpor: status: torpor module not loaded"));
}

TEST_F(cli, status)
{
	char sysfs[300], path[400];

	snprintf(sysfs, sizeof(sysfs), "%s/sysfs", self->dir);
	ASSERT_EQ(0, mkdir(sysfs, 0755));
	snprintf(path, sizeof(path), "%s/state", sysfs);
	ASSERT_EQ(0, write_file(path, "idle\n", 5));
	snprintf(path, sizeof(path), "%s/compress_threads", sysfs);
	ASSERT_EQ(0, write_file(path, "2\n", 2));
	snprintf(path, sizeof(path), "%s/last_result", sysfs);
	ASSERT_EQ(0, write_file(path, "ok\nwritten 12 MiB\n", 18));
	snprintf(path, sizeof(path), "%s/subdir", sysfs);
	ASSERT_EQ(0, mkdir(path, 0755));
	setenv("TORPOR_SYSFS", sysfs, 1);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "status", NULL }));
	EXPECT_TRUE(exited(&self->r, 0));
	EXPECT_STREQ("compress_threads: 2\n"
		     "last_result:\n  ok\n  written 12 MiB\n"
		     "state: idle\n", self->r.out);
}

/*
 * The resume_offset of path, found without the torpor command: FIBMAP
 * (root only) or else FIEMAP's first extent.  -1 if the file system
 * offers neither.
 */
static int first_page(const char *path, unsigned long long *page)
{
	char buf[sizeof(struct fiemap) + sizeof(struct fiemap_extent)] = { 0 };
	struct fiemap *fm = (struct fiemap *)buf;
	int fd = open(path, O_RDONLY), blk = 0, bsz, ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, FIGETBSZ, &bsz) && !ioctl(fd, FIBMAP, &blk) && blk) {
		*page = (unsigned long long)blk * bsz / 4096;
		ret = 0;
	} else {
		fm->fm_length = FIEMAP_MAX_OFFSET;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = 1;
		if (!ioctl(fd, FS_IOC_FIEMAP, fm) && fm->fm_mapped_extents &&
		    !fm->fm_extents[0].fe_logical) {
			*page = fm->fm_extents[0].fe_physical / 4096;
			ret = 0;
		}
	}
	close(fd);
	return ret;
}

/* A file of @len bytes of data, on the disk. */
static int data_file(const char *path, size_t len)
{
	char page[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), ret = 0;

	if (fd < 0)
		return -1;
	memset(page, 0x5a, sizeof(page));
	for (size_t done = 0; !ret && done < len; done += sizeof(page))
		if (write(fd, page, sizeof(page)) != sizeof(page))
			ret = -1;
	if (fsync(fd))
		ret = -1;
	close(fd);
	return ret;
}

/* Whether the scratch directory is somewhere swap files can be. */
static int on_block_fs(const char *dir)
{
	struct stat st;

	return !stat(dir, &st) && major(st.st_dev);
}

TEST_F(cli, offset)
{
	unsigned long long want;
	char path[300], line[400];
	int fd;

	if (!on_block_fs(self->dir))
		SKIP(return, "%s is not on a block device", self->dir);
	snprintf(path, sizeof(path), "%s/swapfile", self->dir);
	ASSERT_EQ(0, data_file(path, 1 << 20));
	if (first_page(path, &want))
		SKIP(return, "no FIBMAP or FIEMAP here to check against");
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", path, NULL }));
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
	snprintf(line, sizeof(line), "%llu\n", want);
	EXPECT_STREQ(line, self->r.out);

	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", "-v", path, NULL }));
	EXPECT_TRUE(exited(&self->r, 0));
	snprintf(line, sizeof(line), "resume_offset=%llu\n", want);
	EXPECT_NE(NULL, strstr(self->r.out, line)) TH_LOG("%s", self->r.out);

	/* Blocks preallocated past the end are not part of the swap area. */
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20)) {
		close(fd);
		SKIP(return, "no fallocate here: %s", strerror(errno));
	}
	close(fd);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", path, NULL }));
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
}

/*
 * An active swap file: the kernel's swap_areas says where it starts, and
 * that wins over FIEMAP (on btrfs FIEMAP is wrong).  A file it does not
 * list is located as before.
 */
TEST_F(cli, offset_kernel)
{
	char path[300], root[300], areas[400], line[400];
	unsigned long long want;
	struct stat st;

	if (!on_block_fs(self->dir))
		SKIP(return, "%s is not on a block device", self->dir);
	snprintf(path, sizeof(path), "%s/swapfile", self->dir);
	ASSERT_EQ(0, data_file(path, 1 << 20));
	ASSERT_EQ(0, stat(path, &st));
	snprintf(root, sizeof(root), "%s/root", self->dir);
	snprintf(areas, sizeof(areas), "%s/sys", root);
	ASSERT_EQ(0, mkdir(root, 0755));
	ASSERT_EQ(0, mkdir(areas, 0755));
	strcat(areas, "/power");
	ASSERT_EQ(0, mkdir(areas, 0755));
	strcat(areas, "/torpor");
	ASSERT_EQ(0, mkdir(areas, 0755));
	strcat(areas, "/swap_areas");
	snprintf(line, sizeof(line), "8:16 0 0:5 3\n254:3 777 %u:%u %llu\n",
		 major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino);
	ASSERT_EQ(0, write_file(areas, line, strlen(line)));
	setenv("TORPOR_ROOT", root, 1);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", path, NULL }));
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("777\n", self->r.out);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", "-v", path, NULL }));
	EXPECT_NE(NULL, strstr(self->r.out, ": device 254:3 (")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "resume_offset=777\n")) TH_LOG("%s", self->r.out);

	ASSERT_EQ(0, write_file(areas, "8:16 0 0:5 3\n", 13));
	if (!first_page(path, &want)) {
		ASSERT_EQ(0, torpor_run(&self->r, self->dir,
					(const char *[]){ "offset", path, NULL }));
		snprintf(line, sizeof(line), "%llu\n", want);
		EXPECT_STREQ(line, self->r.out) TH_LOG("%s", self->r.err);
	}
	unsetenv("TORPOR_ROOT");
}

static void expect_offset_refused(struct __test_metadata *_metadata,
				  FIXTURE_DATA(cli) *self, const char *path,
				  const char *why)
{
	char want[512];

	snprintf(want, sizeof(want), "torpor: offset: %s: %s", path, why);
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "offset", path, NULL }));
	EXPECT_TRUE(exited(&self->r, 1)) TH_LOG("%s", path);
	EXPECT_EQ(0, strncmp(self->r.err, want, strlen(want))) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("", self->r.out);
}

TEST_F(cli, offset_refusals)
{
	unsigned long long want;
	char path[300], line[400];
	struct statfs sfs;
	int fd;

	if (!on_block_fs(self->dir))
		SKIP(return, "%s is not on a block device", self->dir);
	expect_offset_refused(_metadata, self, self->dir, "not a regular file");
	snprintf(path, sizeof(path), "%s/empty", self->dir);
	ASSERT_EQ(0, write_file(path, "", 0));
	expect_offset_refused(_metadata, self, path, "empty file");
	snprintf(path, sizeof(path), "%s/sparse", self->dir);
	ASSERT_EQ(0, write_file(path, "", 0));
	ASSERT_EQ(0, truncate(path, 1 << 20));
	expect_offset_refused(_metadata, self, path, "has a hole at byte 0");
	/* A hole further in: swapon refuses it, and so does torpor. */
	snprintf(path, sizeof(path), "%s/gap", self->dir);
	ASSERT_EQ(0, data_file(path, 8192));
	ASSERT_EQ(0, truncate(path, 1 << 20));
	expect_offset_refused(_metadata, self, path, "has a hole at byte 8192");

	snprintf(path, sizeof(path), "%s/fallocated", self->dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	if (!fallocate(fd, 0, 0, 1 << 20) && !first_page(path, &want)) {
		/* Unwritten extents: swapon takes them, and so does torpor. */
		close(fd);
		ASSERT_EQ(0, torpor_run(&self->r, self->dir,
					(const char *[]){ "offset", path, NULL }));
		EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
		snprintf(line, sizeof(line), "%llu\n", want);
		EXPECT_STREQ(line, self->r.out);
	} else {
		close(fd);
		TH_LOG("no fallocate here (%s): unwritten extents not tested", strerror(errno));
	}
	if (!statfs("/dev/shm", &sfs) && sfs.f_type == TMPFS_MAGIC) {
		snprintf(path, sizeof(path), "/dev/shm/torpor-test.%d", getpid());
		ASSERT_EQ(0, write_file(path, "x", 1));
		expect_offset_refused(_metadata, self, path,
				      "on a file system without a block device");
		unlink(path);
	}
}

/*
 * hibernate against a stand-in for /sys and /proc: a set-up where all is
 * well, one thing broken per variant, and the one line that must say so.
 */
FIXTURE(hib) {
	char dir[256];
	char swapfile[300];
	unsigned long long offset;
	struct result r;
};

FIXTURE_VARIANT(hib) {
	const char *file;	/* under the root, replaced with ... */
	const char *content;	/* ... this (NULL: removed) */
	const char *problem;	/* the one line expected, NULL: none */
	const char *lockdown;	/* sys/kernel/security/lockdown, NULL: none */
	bool areas;		/* the kernel lists the file one page further */
	bool param;		/* torpor loaded with resume_offset one further */
};

FIXTURE_VARIANT_ADD(hib, ready) {
};

/* Another swap file on the same device, listed first, is no problem. */
FIXTURE_VARIANT_ADD(hib, two_files) {
	.file = "proc/swaps",
	.content = "%1$s.other file 1020 0 -3\n%1$s file 262140 0 -2\n",
};

FIXTURE_VARIANT_ADD(hib, not_loaded) {
	.file = "sys/power/torpor/room",
	.problem = "torpor module not loaded (no /sys/power/torpor): modprobe torpor",
};

FIXTURE_VARIANT_ADD(hib, livepatch_disabled) {
	.file = "sys/kernel/livepatch/torpor/enabled", .content = "0\n",
	.problem = "torpor's livepatch is not enabled",
};

FIXTURE_VARIANT_ADD(hib, livepatch_switching) {
	.file = "sys/kernel/livepatch/torpor/transition", .content = "1\n",
	.problem = "torpor's livepatch is still being applied",
};

FIXTURE_VARIANT_ADD(hib, no_hibernation) {
	.file = "sys/power/state", .content = "freeze mem\n",
	.problem = "the kernel offers no hibernation (no \"disk\" in /sys/power/state): kernel lockdown (Secure Boot), nohibernate",
};

/* Lockdown, the one reason user space can read, named... */
FIXTURE_VARIANT_ADD(hib, lockdown) {
	.file = "sys/power/state", .content = "freeze mem\n",
	.lockdown = "none [integrity] confidentiality\n",
	.problem = "hibernation is restricted by kernel lockdown (integrity in /sys/kernel/security/lockdown",
};

/* ... or ruled out. */
FIXTURE_VARIANT_ADD(hib, no_hibernation_unlocked) {
	.file = "sys/power/state", .content = "freeze mem\n",
	.lockdown = "[none] integrity confidentiality\n",
	.problem = "the kernel offers no hibernation (no \"disk\" in /sys/power/state), and no kernel lockdown: nohibernate",
};

FIXTURE_VARIANT_ADD(hib, mode_suspend) {
	.file = "sys/power/disk", .content = "platform shutdown reboot [suspend] test_resume\n",
	.problem = "/sys/power/disk is suspend",
};

FIXTURE_VARIANT_ADD(hib, no_resume_device) {
	.file = "sys/power/resume", .content = "0:0\n",
	.problem = "no resume device (/sys/power/resume is 0:0): boot with resume=DEVICE",
};

FIXTURE_VARIANT_ADD(hib, wrong_offset) {
	.file = "sys/power/resume_offset", .content = "%llu\n",
	.problem = "resume_offset is %llu but swap file %s starts at page %llu: echo %llu > /sys/power/resume_offset",
};

/* An active swap file: the kernel's swap_areas has the last word. */
FIXTURE_VARIANT_ADD(hib, kernel_offset) {
	.areas = true,
	.problem = "resume_offset is %llu but swap file %s starts at page %llu: echo %llu > /sys/power/resume_offset",
};

FIXTURE_VARIANT_ADD(hib, param_offset) {
	.param = true,
	.problem = "torpor was loaded with resume_offset=%llu but swap file %s starts at page %llu: set resume_offset=%llu where torpor's options are",
};

FIXTURE_VARIANT_ADD(hib, not_active) {
	.file = "proc/swaps", .content = "Filename\tType\tSize\tUsed\tPriority\n",
	.problem = "resume device %u:%u offset %llu is not an active swap area (not in /proc/swaps)",
};

/* The module's own figures decide, whatever /proc/swaps says. */
FIXTURE_VARIANT_ADD(hib, too_small) {
	.file = "sys/power/torpor/room", .content = "50000 50797 40000 40001\n",
	.problem = "swap too small for the image: 50000 pages to save need up to 50797 slots, 40000 free in the resume area %s, at least 40001 even after reclaim",
};

/* A module that cannot say: no guess in its place. */
FIXTURE_VARIANT_ADD(hib, room_unreadable) {
	.file = "sys/power/torpor/room", .content = "-\n",
	.problem = "cannot read /sys/power/torpor/room",
};

/* Writes text to base/rel, making base and the directories under it. */
static int put_file(const char *base, const char *rel, const char *text)
{
	char path[600];

	if (mkdir(base, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (char *p = strchr(path + strlen(base) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return write_file(path, text, strlen(text));
}

/* Writes root/rel; fmt takes the swap file's details. */
static int put(FIXTURE_DATA(hib) *self, const char *rel, const char *fmt,
	       unsigned long long off)
{
	char root[300], text[1024];
	struct stat st;

	if (stat(self->swapfile, &st))
		return -1;
	snprintf(root, sizeof(root), "%s/root", self->dir);
	if (strstr(fmt, "%s") || strstr(fmt, "%1$s"))
		snprintf(text, sizeof(text), fmt, self->swapfile);
	else if (strstr(fmt, "%u:%u"))
		snprintf(text, sizeof(text), fmt, major(st.st_dev), minor(st.st_dev));
	else
		snprintf(text, sizeof(text), fmt, off);
	return put_file(root, rel, text);
}

/* The kernel's swap_areas, listing the swap file at page @page. */
static int put_areas(FIXTURE_DATA(hib) *self, unsigned long long page)
{
	char line[200];
	struct stat st;

	if (stat(self->swapfile, &st))
		return -1;
	snprintf(line, sizeof(line), "%u:%u %llu %u:%u %llu\n",
		 major(st.st_dev), minor(st.st_dev), page, major(st.st_dev),
		 minor(st.st_dev), (unsigned long long)st.st_ino);
	return put(self, "sys/power/torpor/swap_areas", line, 0);
}

FIXTURE_SETUP(hib)
{
	char path[600];
	int fail = 0;

	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
	if (!on_block_fs(self->dir))
		SKIP(return, "%s is not on a block device", self->dir);
	snprintf(self->swapfile, sizeof(self->swapfile), "%s/swapfile", self->dir);
	ASSERT_EQ(0, data_file(self->swapfile, 1 << 20));
	snprintf(path, sizeof(path), "%s.other", self->swapfile);
	ASSERT_EQ(0, data_file(path, 1 << 20));
	if (first_page(self->swapfile, &self->offset))
		SKIP(return, "no FIBMAP or FIEMAP here");
	fail |= put(self, "sys/power/torpor/room", "50000 50797 65535 20000\n", 0);
	fail |= put(self, "sys/kernel/livepatch/torpor/enabled", "1\n", 0);
	fail |= put(self, "sys/kernel/livepatch/torpor/transition", "0\n", 0);
	fail |= put(self, "sys/power/state", "freeze mem disk\n", 0);
	fail |= put(self, "sys/power/disk", "platform [shutdown] reboot suspend test_resume\n", 0);
	fail |= put(self, "sys/power/resume", "%u:%u\n", 0);
	fail |= put(self, "sys/power/resume_offset", "%llu\n", self->offset);
	fail |= put(self, "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n%s file 262140 0 -2\n", 0);
	fail |= put(self, "sys/module/torpor/parameters/resume", "(null)\n", 0);
	fail |= put(self, "sys/module/torpor/parameters/resume_offset", "0\n", 0);
	if (variant->param) {
		fail |= put(self, "sys/module/torpor/parameters/resume", "%u:%u\n", 0);
		fail |= put(self, "sys/module/torpor/parameters/resume_offset", "%llu\n",
			    self->offset + 1);
	}
	if (variant->areas)
		fail |= put_areas(self, self->offset + 1);
	ASSERT_EQ(0, fail);
	if (variant->file && variant->content) {
		ASSERT_EQ(0, put(self, variant->file, variant->content, self->offset + 1));
	} else if (variant->file) {
		snprintf(path, sizeof(path), "%s/root/%s", self->dir, variant->file);
		ASSERT_EQ(0, unlink(path));
		*strrchr(path, '/') = 0;
		ASSERT_EQ(0, rmdir(path));
	}
	if (variant->lockdown)
		ASSERT_EQ(0, put(self, "sys/kernel/security/lockdown", variant->lockdown, 0));
	snprintf(path, sizeof(path), "%s/root", self->dir);
	setenv("TORPOR_ROOT", path, 1);
}

FIXTURE_TEARDOWN(hib)
{
	unsetenv("TORPOR_ROOT");
	scratch_remove(self->dir);
}

static long state_written(FIXTURE_DATA(hib) *self, unsigned char **buf)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/root/sys/power/state", self->dir);
	return read_file(path, buf);
}

TEST_F(hib, check)
{
	char want[1024], text[900];
	struct stat st;
	unsigned char *state;

	ASSERT_EQ(0, stat(self->swapfile, &st));
	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "hibernate", "--check", NULL }));
	if (!variant->problem) {
		EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
		snprintf(want, sizeof(want),
			 "ready to hibernate: %s (%u:%u offset %llu), 65535 slots free, image of 50000 pages needs up to 50797; mode shutdown\n",
			 self->swapfile, major(st.st_dev), minor(st.st_dev), self->offset);
		EXPECT_STREQ(want, self->r.out);
		EXPECT_STREQ("", self->r.err);
		/* Enough once reclaim has made room: ready, saying so. */
		ASSERT_EQ(0, put(self, "sys/power/torpor/room", "50000 50797 40000 40000\n", 0));
		ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "hibernate", "-n", NULL }));
		EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
		EXPECT_NE(NULL, strstr(self->r.out, "needs up to 50797, after reclaiming at least 10797 pages; mode"))
			TH_LOG("%s", self->r.out);
		return;
	}
	if (variant->areas)
		snprintf(text, sizeof(text), variant->problem, self->offset,
			 self->swapfile, self->offset + 1, self->offset + 1);
	else if (strstr(variant->problem, "%llu but"))
		snprintf(text, sizeof(text), variant->problem, self->offset + 1,
			 self->swapfile, self->offset, self->offset);
	else if (strstr(variant->problem, "%s"))
		snprintf(text, sizeof(text), variant->problem, self->swapfile);
	else
		snprintf(text, sizeof(text), variant->problem, major(st.st_dev),
			 minor(st.st_dev), self->offset);
	snprintf(want, sizeof(want), "torpor: hibernate: %s", text);
	EXPECT_TRUE(exited(&self->r, 1));
	EXPECT_EQ(0, strncmp(self->r.err, want, strlen(want))) TH_LOG("%s", self->r.err);
	/* One problem, one line. */
	EXPECT_EQ(strchr(self->r.err, '\n'), self->r.err + strlen(self->r.err) - 1)
		TH_LOG("%s", self->r.err);
	EXPECT_STREQ("", self->r.out);
	if (variant->file && !strcmp(variant->file, "sys/power/state"))
		return;
	ASSERT_EQ(16, state_written(self, &state));
	EXPECT_EQ(0, memcmp(state, "freeze mem disk\n", 16));
	free(state);
}

/* Without --check: "disk" into /sys/power/state, only if all is well. */
TEST_F(hib, trigger)
{
	unsigned char *state;
	long n;

	ASSERT_EQ(0, torpor_run(&self->r, self->dir, (const char *[]){ "hibernate", NULL }));
	n = state_written(self, &state);
	ASSERT_LT(0, n);
	if (variant->problem) {
		EXPECT_TRUE(exited(&self->r, 1));
		EXPECT_FALSE(n == 4 && !memcmp(state, "disk", 4));
	} else {
		EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
		EXPECT_EQ(4, n);
		EXPECT_EQ(0, memcmp(state, "disk", 4));
		EXPECT_NE(NULL, strstr(self->r.out, "hibernating: "));
		EXPECT_NE(NULL, strstr(self->r.out, "\nresumed\n"));
	}
	free(state);
}

/*
 * snapshot in a stand-in root: a private mount namespace and, as the
 * command's root directory, a tmpfs holding /proc, a read-only /usr (for
 * the hooks' shell and a dynamic build's libraries), hooks and plain
 * files in place of /sys/power.  Its mount table is known and its writes
 * land in those files.  Root only.
 */
FIXTURE(snap) {
	char dir[256];
	char root[300];		/* "" until it is set up */
	struct result r;
};

FIXTURE_VARIANT(snap) {
	const char *file;	/* under the root, replaced with ... */
	const char *content;	/* ... this (NULL: removed) */
	const char *problem;	/* stderr, NULL: none */
	bool in_check;		/* --check says it too */
	int rw_mounts;		/* block-backed mounts read-write: /mnt0... */
	bool ro_mount;		/* one read-only, /mnt0 */
	bool state_dir;		/* /sys/power/state cannot be written */
};

FIXTURE_VARIANT_ADD(snap, ready) {
};

FIXTURE_VARIANT_ADD(snap, ro_mount) {
	.ro_mount = true,
};

/* One line each, named by the mount table (snap_mount_lines). */
FIXTURE_VARIANT_ADD(snap, rw_mounts) {
	.rw_mounts = 2, .in_check = true,
};

FIXTURE_VARIANT_ADD(snap, not_loaded) {
	.file = "sys/power/torpor/snapshot", .in_check = true,
	.problem = "torpor: snapshot: torpor module not loaded, or without snapshot boot (no /sys/power/torpor/snapshot)\n",
};

FIXTURE_VARIANT_ADD(snap, no_resume_device) {
	.file = "sys/power/resume", .content = "0:0\n",
	.problem = "torpor: snapshot: no resume device: boot with resume=DEVICE (a swap partition), or echo MAJ:MIN > /sys/power/resume\n",
};

FIXTURE_VARIANT_ADD(snap, swap_file) {
	.file = "sys/power/resume_offset", .content = "8\n",
	.problem = "torpor: snapshot: resume_offset is 8: a snapshot needs a swap partition, not a swap file\n",
};

/* The snapshot is disarmed again (snap_untouched). */
FIXTURE_VARIANT_ADD(snap, state_unwritable) {
	.state_dir = true,
	.problem = "torpor: snapshot: no snapshot written: Is a directory (torpor: idle)\n",
};

static const struct {
	const char *rel, *text;
	mode_t mode;
} snap_files[] = {
	{ "sys/power/torpor/snapshot", "0\n", 0644 },
	{ "sys/power/torpor/snapshot_resumes", "3\n", 0444 },
	{ "sys/power/torpor/status", "idle\n", 0444 },
	{ "sys/power/resume", "254:0\n", 0644 },
	{ "sys/power/resume_offset", "0\n", 0644 },
	{ "sys/power/disk", "[platform] shutdown reboot suspend test_resume\n", 0644 },
	{ "sys/power/state", "freeze mem disk\n", 0644 },
	/*
	 * Out of order whether a directory lists them as made (tmpfs in
	 * newer kernels) or the other way round; one not executable, one
	 * failing.
	 */
	{ "etc/torpor/snapshot.d/20-b", "#!/bin/sh\necho \"b $TORPOR_RESUMES\" >>/hooks.log\n", 0755 },
	{ "etc/torpor/snapshot.d/10-a", "#!/bin/sh\necho \"a $TORPOR_RESUMES\" >>/hooks.log\n", 0755 },
	{ "etc/torpor/snapshot.d/15-off", "#!/bin/sh\necho off >>/hooks.log\n", 0644 },
	{ "etc/torpor/snapshot.d/30-fails", "#!/bin/sh\nexit 3\n", 0755 },
	{ "etc/torpor/snapshot.d/40-c", "#!/bin/sh\necho \"c $TORPOR_RESUMES\" >>/hooks.log\n", 0755 },
	{ "hooks/10-other", "#!/bin/sh\necho \"other $TORPOR_RESUMES\" >>/hooks.log\n", 0755 },
};

/* A bind mount of the scratch directory's data/ at root/at, read-only or not. */
static int snap_bind(FIXTURE_DATA(snap) *self, const char *at, bool ro)
{
	char src[300], dst[400];

	snprintf(src, sizeof(src), "%s/data", self->dir);
	snprintf(dst, sizeof(dst), "%s/root/%s", self->dir, at);
	if ((mkdir(src, 0755) && errno != EEXIST) || mkdir(dst, 0755) ||
	    mount(src, dst, NULL, MS_BIND, NULL))
		return -1;
	return ro ? mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) : 0;
}

FIXTURE_SETUP(snap)
{
	static const char *const links[][2] = {
		{ "usr/bin", "bin" }, { "usr/lib", "lib" }, { "usr/lib64", "lib64" },
	};
	char root[300], path[400];

	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
	if (geteuid())
		SKIP(return, "not root: no mount namespace");
	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace: %s", strerror(errno));
	if ((variant->rw_mounts || variant->ro_mount) && !on_block_fs(self->dir))
		SKIP(return, "%s is not on a block device", self->dir);
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	snprintf(root, sizeof(root), "%s/root", self->dir);
	ASSERT_EQ(0, mkdir(root, 0755));
	ASSERT_EQ(0, mount("tmpfs", root, "tmpfs", 0, "mode=0755"));
	for (size_t i = 0; i < ARRAY_SIZE(snap_files); i++) {
		ASSERT_EQ(0, put_file(root, snap_files[i].rel, snap_files[i].text));
		snprintf(path, sizeof(path), "%s/%s", root, snap_files[i].rel);
		ASSERT_EQ(0, chmod(path, snap_files[i].mode));
	}
	snprintf(path, sizeof(path), "%s/proc", root);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, mount("proc", path, "proc", 0, NULL));
	snprintf(path, sizeof(path), "%s/usr", root);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, mount("/usr", path, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, links[i][1]);
		ASSERT_EQ(0, symlink(links[i][0], path));
	}
	for (int i = 0; i < variant->rw_mounts; i++) {
		snprintf(path, sizeof(path), "mnt%d", i);
		ASSERT_EQ(0, snap_bind(self, path, false));
	}
	if (variant->ro_mount)
		ASSERT_EQ(0, snap_bind(self, "mnt0", true));
	snprintf(path, sizeof(path), "%s/%s", root, variant->file ?: "");
	if (variant->content) {
		ASSERT_EQ(0, write_file(path, variant->content, strlen(variant->content)));
	} else if (variant->file) {
		ASSERT_EQ(0, unlink(path));
	}
	if (variant->state_dir) {
		snprintf(path, sizeof(path), "%s/sys/power/state", root);
		ASSERT_EQ(0, unlink(path));
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	strcpy(self->root, root);
}

FIXTURE_TEARDOWN(snap)
{
	if (self->root[0])
		umount2(self->root, MNT_DETACH);
	scratch_remove(self->dir);
}

/* The file under the root, "" if there is none. */
static const char *snap_read(FIXTURE_DATA(snap) *self, const char *rel, char *buf,
			     size_t len)
{
	unsigned char *text;
	char path[400];
	long n;

	snprintf(path, sizeof(path), "%s/%s", self->root, rel);
	n = read_file(path, &text);
	snprintf(buf, len, "%.*s", n < 0 ? 0 : (int)n, n < 0 ? "" : (char *)text);
	free(text);
	return buf;
}

/* The refusal of each read-write mount of the variant, as the mount table names it. */
static void snap_mount_lines(FIXTURE_DATA(snap) *self, int mounts, char *buf, size_t len)
{
	char line[1024], src[256], mnt[400], type[64], want[400];
	FILE *f = fopen("/proc/self/mounts", "re");
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; f && i < mounts; i++) {
		snprintf(want, sizeof(want), "%s/mnt%d", self->root, i);
		strcpy(src, "?");
		strcpy(type, "?");
		rewind(f);
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%255s %399s %63s", src, mnt, type) == 3 &&
			    !strcmp(mnt, want))
				break;
		used += snprintf(buf + used, len - used,
				 "torpor: snapshot: /mnt%d (%s, %s) is mounted read-write: every boot from the snapshot would roll memory back over it; mount -o remount,ro /mnt%d, or unmount it\n",
				 i, src, type, i);
	}
	if (f)
		fclose(f);
}

/* What stderr must be for a refusal; NULL if the variant has none. */
static const char *snap_problem(FIXTURE_DATA(snap) *self,
				const FIXTURE_VARIANT(snap) *variant, char *buf, size_t len)
{
	if (!variant->rw_mounts)
		return variant->problem;
	snap_mount_lines(self, variant->rw_mounts, buf, len);
	return buf;
}

/*
 * Nothing selected or triggered, the snapshot not armed: as set up, or
 * @armed, armed and disarmed again.
 */
static void snap_untouched(struct __test_metadata *_metadata, FIXTURE_DATA(snap) *self,
			   const FIXTURE_VARIANT(snap) *variant, bool armed)
{
	char buf[256];
	const char *unarmed = "0\n";

	if (armed)
		unarmed = "0";
	else if (variant->file && !strcmp(variant->file, "sys/power/torpor/snapshot"))
		unarmed = "";
	EXPECT_STREQ(unarmed, snap_read(self, "sys/power/torpor/snapshot", buf, sizeof(buf)));
	EXPECT_STREQ("[platform] shutdown reboot suspend test_resume\n",
		     snap_read(self, "sys/power/disk", buf, sizeof(buf)));
	if (!variant->state_dir)
		EXPECT_STREQ("freeze mem disk\n", snap_read(self, "sys/power/state", buf, sizeof(buf)));
	EXPECT_STREQ("", snap_read(self, "hooks.log", buf, sizeof(buf)));
}

TEST_F(snap, check)
{
	static const char *const opts[] = { "--check", "-n" };
	char want[2048];
	const char *problem;

	if (!self->root[0])
		return;
	problem = variant->in_check ? snap_problem(self, variant, want, sizeof(want)) : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		ASSERT_EQ(0, torpor_run_in(&self->r, self->dir, self->root,
					   (const char *[]){ "snapshot", opts[i], NULL }));
		if (problem) {
			EXPECT_TRUE(exited(&self->r, 1));
			EXPECT_STREQ(problem, self->r.err);
			EXPECT_STREQ("", self->r.out);
		} else {
			EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
			EXPECT_STREQ("ready to snapshot: no block device mounted read-write\n",
				     self->r.out);
			EXPECT_STREQ("", self->r.err);
		}
		snap_untouched(_metadata, self, variant, false);
	}
}

/*
 * Without --check: armed and "disk" written, only if all is well; then,
 * as in a session resumed from the snapshot, the hooks in name order.
 */
TEST_F(snap, trigger)
{
	char want[2048], buf[256];
	const char *problem;

	if (!self->root[0])
		return;
	problem = snap_problem(self, variant, want, sizeof(want));
	ASSERT_EQ(0, torpor_run_in(&self->r, self->dir, self->root,
				   (const char *[]){ "snapshot", NULL }));
	if (problem) {
		EXPECT_TRUE(exited(&self->r, 1));
		EXPECT_STREQ(problem, self->r.err);
		snap_untouched(_metadata, self, variant, variant->state_dir);
		return;
	}
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("1", snap_read(self, "sys/power/torpor/snapshot", buf, sizeof(buf)));
	EXPECT_STREQ("disk", snap_read(self, "sys/power/state", buf, sizeof(buf)));
	EXPECT_STREQ("[platform] shutdown reboot suspend test_resume\n",
		     snap_read(self, "sys/power/disk", buf, sizeof(buf)));
	EXPECT_STREQ("resumed from the snapshot, resume 3\n", self->r.out);
	EXPECT_STREQ("a 3\nb 3\nc 3\n", snap_read(self, "hooks.log", buf, sizeof(buf)));
	EXPECT_STREQ("torpor: snapshot: hook /etc/torpor/snapshot.d/30-fails failed\n",
		     self->r.err);
}

TEST_F(snap, reboot)
{
	char want[2048], buf[256];
	const char *problem;

	if (!self->root[0])
		return;
	problem = snap_problem(self, variant, want, sizeof(want));
	ASSERT_EQ(0, torpor_run_in(&self->r, self->dir, self->root,
				   (const char *[]){ "snapshot", "--reboot", NULL }));
	if (problem) {
		EXPECT_TRUE(exited(&self->r, 1));
		EXPECT_STREQ(problem, self->r.err);
		/* Refused before reboot was selected, or the mode put back. */
		EXPECT_STREQ(variant->state_dir ? "platform" :
			     "[platform] shutdown reboot suspend test_resume\n",
			     snap_read(self, "sys/power/disk", buf, sizeof(buf)));
		return;
	}
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("reboot", snap_read(self, "sys/power/disk", buf, sizeof(buf)));
	EXPECT_STREQ("disk", snap_read(self, "sys/power/state", buf, sizeof(buf)));
}

/* TORPOR_SNAPSHOT_HOOKS names another directory. */
TEST_F(snap, hook_dir)
{
	char buf[256];

	if (!self->root[0])
		return;
	if (variant->problem || variant->rw_mounts)
		SKIP(return, "refused before the hooks");
	setenv("TORPOR_SNAPSHOT_HOOKS", "/hooks", 1);
	ASSERT_EQ(0, torpor_run_in(&self->r, self->dir, self->root,
				   (const char *[]){ "snapshot", NULL }));
	unsetenv("TORPOR_SNAPSHOT_HOOKS");
	EXPECT_TRUE(exited(&self->r, 0)) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("other 3\n", snap_read(self, "hooks.log", buf, sizeof(buf)));
	EXPECT_STREQ("", self->r.err);
}

TEST_HARNESS_MAIN
