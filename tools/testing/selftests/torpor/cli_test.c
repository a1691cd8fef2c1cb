// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: help, version, usage errors, missing devices, status
 * against a stand-in for /sys/power/torpor, offset on files of the file
 * system the tests run on, and hibernate's checks against a stand-in for
 * /sys and /proc (TORPOR_ROOT).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* Writes root/rel, making its directories; fmt takes the swap file's details. */
static int put(FIXTURE_DATA(hib) *self, const char *rel, const char *fmt,
	       unsigned long long off)
{
	char path[600], text[1024];
	struct stat st;

	if (stat(self->swapfile, &st))
		return -1;
	snprintf(path, sizeof(path), "%s/root/%s", self->dir, rel);
	for (char *p = strchr(path + strlen(self->dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (strstr(fmt, "%s") || strstr(fmt, "%1$s"))
		snprintf(text, sizeof(text), fmt, self->swapfile);
	else if (strstr(fmt, "%u:%u"))
		snprintf(text, sizeof(text), fmt, major(st.st_dev), minor(st.st_dev));
	else
		snprintf(text, sizeof(text), fmt, off);
	return write_file(path, text, strlen(text));
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

TEST_HARNESS_MAIN
