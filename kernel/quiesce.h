/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stopping the machine around the atomic part of a hibernation (the
 * snapshot) or of a resume (the jump into the image), and bringing it
 * back.
 */
#ifndef _TORPOR_QUIESCE_H
#define _TORPOR_QUIESCE_H

#include <linux/cpu.h>
#include <linux/pm.h>
#include <linux/suspend.h>
#include <linux/types.h>

#include "kabi.h"

/*
 * /sys/power/pm_test levels, kernel/power/power.h's private enum (the same
 * in 6.1 and 6.12, and checked against the target kernel's BTF).  "core"
 * goes one step further than the kernel: the snapshot is taken, then
 * dropped.
 */
enum torpor_test_level {
	TORPOR_TEST_NONE,
	TORPOR_TEST_CORE,
	TORPOR_TEST_CPUS,
	TORPOR_TEST_PLATFORM,
	TORPOR_TEST_DEVICES,
	TORPOR_TEST_FREEZER,
};

TORPOR_KABI_ENUM(pm_test, TEST_NONE, TORPOR_TEST_NONE);
TORPOR_KABI_ENUM(pm_test, TEST_CORE, TORPOR_TEST_CORE);
TORPOR_KABI_ENUM(pm_test, TEST_CPUS, TORPOR_TEST_CPUS);
TORPOR_KABI_ENUM(pm_test, TEST_PLATFORM, TORPOR_TEST_PLATFORM);
TORPOR_KABI_ENUM(pm_test, TEST_DEVICES, TORPOR_TEST_DEVICES);
TORPOR_KABI_ENUM(pm_test, TEST_FREEZER, TORPOR_TEST_FREEZER);

struct torpor_quiesce {
	/* PMSG_FREEZE to take a snapshot, PMSG_QUIESCE to restore one. */
	pm_message_t msg;
	/* The platform's S4 methods: hibernation in platform mode only. */
	const struct platform_hibernation_ops *platform;
	int test;			/* pm_test level to stop at, or 0 */
	const char *what;		/* "hibernation" or "resume", for the log */
	/* Runs on the only online CPU, interrupts off, syscore suspended. */
	int (*atomic)(struct torpor_quiesce *q);
	bool restored;			/* ->atomic returned in a restored image */
	/* A restore's SMT control before it woke parked siblings. */
	enum cpuhp_smt_control smt;
};

const struct platform_hibernation_ops *torpor_quiesce_platform_ops(void);
int torpor_quiesce(struct torpor_quiesce *q);
bool torpor_quiesce_test(const struct torpor_quiesce *q, int level);
void torpor_quiesce_allow_io(void);

#endif /* _TORPOR_QUIESCE_H */
