// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: help, version, usage errors, missing devices, and
 * status against a stand-in for /sys/power/torpor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
	EXPECT_NE(NULL, strstr(self->r.out, "(image format 1)\n"));
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
	static const char *const cmds[][4] = {
		{ "inspect" }, { "inspect", "a", "b" }, { "inspect", "--xml", "a" },
		{ "verify" }, { "verify", "a", "b" },
		{ "extract", "a" }, { "extract", "-o", "x" }, { "extract", "a", "-o" },
		{ "discard" }, { "status", "x" },
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
	static const char *const cmds[] = { "inspect", "verify", "discard" };

	for (size_t i = 0; i < 3; i++) {
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

TEST_HARNESS_MAIN
