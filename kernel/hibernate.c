// SPDX-License-Identifier: GPL-2.0
/*
 * The hibernation sequence, in the order kernel/power/hibernate.c takes
 * it, with torpor's snapshot and image writer in place of the kernel's.
 * Every step has its undo, and a failure unwinds in reverse order back to
 * a running system.
 *
 * The snapshot returns twice: right after the copy, to write the image and
 * power off, and again in the restored image.  There the same unwinding
 * brings the machine back, with PMSG_RESTORE for the devices since they
 * were last set up by another kernel.
 */

#include <linux/console.h>
#include <linux/cpu.h>
#include <linux/cpuidle.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/pm.h>
#include <linux/reboot.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>

#include "arch/x86/arch.h"
#include "entry.h"
#include "hibernate.h"
#include "image.h"
#include "ksyms.h"
#include "snapshot.h"
#include "stats.h"

/*
 * /sys/power/pm_test levels, kernel/power/power.h's private enum (the same
 * in 6.1 and 6.12).  "core" goes one step further than the kernel: the
 * snapshot is taken, then dropped.
 */
enum torpor_test_level {
	TORPOR_TEST_NONE,
	TORPOR_TEST_CORE,
	TORPOR_TEST_CPUS,
	TORPOR_TEST_PLATFORM,
	TORPOR_TEST_DEVICES,
	TORPOR_TEST_FREEZER,
};

#define TORPOR_TEST_DELAY_MS	1000

struct torpor_hib {
	enum torpor_mode mode;
	/* The platform's S4 methods; NULL unless /sys/power/disk says so. */
	const struct platform_hibernation_ops *platform;
	int test;
	bool restored;			/* running in the restored image */
	struct torpor_image_meta meta;
};

/* Stops the sequence at @level, the way the kernel's pm_test does. */
static bool torpor_test(const struct torpor_hib *hib, int level)
{
	if (hib->test != level)
		return false;
	mdelay(TORPOR_TEST_DELAY_MS);
	return true;
}

static int torpor_platform_begin(const struct torpor_hib *hib)
{
	return hib->platform ? hib->platform->begin(PMSG_FREEZE) : 0;
}

static void torpor_platform_end(const struct torpor_hib *hib)
{
	if (hib->platform)
		hib->platform->end();
}

static int torpor_platform_pre_snapshot(const struct torpor_hib *hib)
{
	return hib->platform ? hib->platform->pre_snapshot() : 0;
}

static void torpor_platform_leave(const struct torpor_hib *hib)
{
	if (hib->platform)
		hib->platform->leave();
}

static void torpor_platform_finish(const struct torpor_hib *hib)
{
	if (hib->platform)
		hib->platform->finish();
}

static void torpor_platform_recover(const struct torpor_hib *hib)
{
	if (hib->platform && hib->platform->recover)
		hib->platform->recover();
}

/* How devices come back once the snapshot is taken, failed or restored. */
static pm_message_t torpor_resume_msg(const struct torpor_hib *hib, int err)
{
	if (hib->restored)
		return PMSG_RESTORE;
	return err ? PMSG_RECOVER : PMSG_THAW;
}

/*
 * Saves the context and copies memory.  In the restored image execution
 * comes back out of torpor_arch_save_context() with 1, and nothing may use
 * per-CPU data until restore_processor_state() has reloaded the GS base.
 */
static int torpor_save_and_copy(struct torpor_hib *hib)
{
	int err;

	torpor_arch_prepare(&hib->meta.arch);
	torpor_ksym.save_processor_state();
	if (torpor_arch_save_context()) {
		hib->restored = true;
		err = 0;
	} else {
		err = torpor_snapshot_copy();
	}
	torpor_ksym.restore_processor_state();
	return err;
}

/* One CPU, interrupts off, system devices suspended. */
static int torpor_snapshot_atomic(struct torpor_hib *hib)
{
	int err;

	local_irq_disable();
	system_state = SYSTEM_SUSPEND;
	err = syscore_suspend();
	if (err) {
		torpor_stats_fail(err, "system devices failed to suspend");
		goto out_irqs;
	}
	if (pm_wakeup_pending()) {
		err = torpor_stats_fail(-EBUSY, "wakeup event pending");
		goto out_syscore;
	}
	err = torpor_save_and_copy(hib);
	if (hib->restored)
		/* A wakeup count written before hibernation means nothing now. */
		*torpor_ksym.events_check_enabled = false;
	torpor_platform_leave(hib);
	if (!err)
		torpor_test(hib, TORPOR_TEST_CORE);
out_syscore:
	syscore_resume();
out_irqs:
	system_state = SYSTEM_RUNNING;
	local_irq_enable();
	return err;
}

static int torpor_snapshot_cpus(struct torpor_hib *hib)
{
	int err;

	torpor_ksym.cpuidle_pause();
	err = torpor_ksym.freeze_secondary_cpus(0);
	if (err)
		torpor_stats_fail(err, "non-boot CPUs failed to go offline");
	else if (!torpor_test(hib, TORPOR_TEST_CPUS))
		err = torpor_snapshot_atomic(hib);
	torpor_ksym.thaw_secondary_cpus();
	torpor_ksym.cpuidle_resume();
	if (hib->restored)
		torpor_ksym.arch_resume_nosmt();
	return err;
}

/* Late and noirq device callbacks, the platform, then the CPUs. */
static int torpor_snapshot_late(struct torpor_hib *hib)
{
	int err;

	err = dpm_suspend_end(PMSG_FREEZE);
	if (err)
		return torpor_stats_fail(err, "some devices failed to power down");
	err = torpor_platform_pre_snapshot(hib);
	if (err)
		torpor_stats_fail(err, "platform failed to prepare for the snapshot");
	else if (!torpor_test(hib, TORPOR_TEST_PLATFORM))
		err = torpor_snapshot_cpus(hib);
	torpor_platform_finish(hib);
	dpm_resume_start(torpor_resume_msg(hib, err));
	return err;
}

/*
 * Devices are frozen around the snapshot and thawed after it, not powered
 * down: the image is written through them.  Allocations stay restricted
 * to no I/O until the write is over.
 */
static int torpor_snapshot_devices(struct torpor_hib *hib)
{
	pm_message_t msg;
	int err;

	pm_suspend_clear_flags();
	err = torpor_platform_begin(hib);
	if (err)
		return torpor_stats_fail(err, "platform refused to begin hibernation");
	err = torpor_ksym.dpm_prepare(PMSG_FREEZE);
	if (err) {
		torpor_stats_fail(err, "some devices failed to prepare");
		torpor_ksym.dpm_complete(PMSG_RECOVER);
		goto out_platform;
	}
	torpor_ksym.suspend_console();
	torpor_ksym.pm_restrict_gfp_mask();
	err = torpor_ksym.dpm_suspend(PMSG_FREEZE);
	if (err)
		torpor_stats_fail(err, "some devices failed to freeze");
	if (err || torpor_test(hib, TORPOR_TEST_DEVICES))
		torpor_platform_recover(hib);
	else
		err = torpor_snapshot_late(hib);
	msg = torpor_resume_msg(hib, err);
	torpor_ksym.dpm_resume(msg);
	if (err || hib->restored || hib->test)
		torpor_ksym.pm_restore_gfp_mask();
	torpor_ksym.resume_console();
	torpor_ksym.dpm_complete(msg);
out_platform:
	torpor_platform_end(hib);
	return err;
}

static void torpor_log_snapshot(void)
{
	struct torpor_snapshot_counts c;

	torpor_snapshot_counts(&c);
	pr_info("snapshot: %lu pages saved (%lu free, %lu own, %lu not saveable, %lu copies set aside) in %llu ms\n",
		c.saved, c.free, c.own, c.skipped, c.copies,
		div_u64(c.copy_ns, NSEC_PER_MSEC));
}

/* Never returns: a valid image is on disk and must not go stale. */
static void __noreturn torpor_power_down(const struct torpor_hib *hib)
{
	switch (hib->mode) {
	case TORPOR_MODE_REBOOT:
		kernel_restart(NULL);
		break;
	case TORPOR_MODE_PLATFORM:
		if (hib->platform)
			torpor_ksym.hibernation_platform_enter();
		fallthrough;
	default:
		/* Suspend-to-RAM first ("suspend") is not offered yet. */
		if (kernel_can_power_off())
			kernel_power_off();
		break;
	}
	kernel_halt();
	pr_crit("image written, power the machine off now\n");
	for (;;)
		cpu_relax();
}

static void torpor_fill_meta(struct torpor_hib *hib)
{
	struct torpor_image_meta *meta = &hib->meta;

	meta->flags = 0;
	if (hib->platform)
		meta->flags |= TORPOR_FLAG_PLATFORM;
	if (hib->mode == TORPOR_MODE_TEST_RESUME)
		meta->flags |= TORPOR_FLAG_TEST;
	meta->freeze_ns = torpor_stats.phase_ns[TORPOR_PHASE_FREEZE];
	meta->prepare_ns = torpor_stats.phase_ns[TORPOR_PHASE_PREPARE];
	meta->snapshot_ns = torpor_stats.phase_ns[TORPOR_PHASE_SNAPSHOT];
}

/* User space and freezable kernel threads stay frozen while writing. */
static int torpor_write(struct torpor_hib *hib)
{
	int err;

	torpor_stats_phase(TORPOR_PHASE_WRITE);
	torpor_fill_meta(hib);
	err = torpor_image_write(&hib->meta);
	if (!err && hib->mode != TORPOR_MODE_TEST_RESUME)
		torpor_power_down(hib);
	torpor_ksym.pm_restore_gfp_mask();
	return err;
}

/* With user space frozen: memory, kernel threads, snapshot, image. */
static int torpor_hibernate_frozen(struct torpor_hib *hib)
{
	int err;

	torpor_stats_phase(TORPOR_PHASE_PREPARE);
	err = torpor_snapshot_prepare();
	if (err)
		return err;
	torpor_stats_phase(TORPOR_PHASE_FREEZE);
	err = torpor_ksym.freeze_kernel_threads();
	if (err) {
		torpor_stats_fail(err, "freezing kernel threads failed");
		goto out_release;
	}
	if (torpor_test(hib, TORPOR_TEST_FREEZER))
		goto out_release;
	torpor_stats_phase(TORPOR_PHASE_SNAPSHOT);
	err = torpor_snapshot_devices(hib);
	if (err || hib->restored)
		goto out_release;
	if (hib->test && hib->test != TORPOR_TEST_CORE)
		goto out_release;
	torpor_log_snapshot();
	if (!hib->test)
		err = torpor_write(hib);
out_release:
	torpor_snapshot_release();
	return err;
}

static int torpor_hibernate_locked(struct torpor_hib *hib)
{
	int err;

	torpor_stats_begin(TORPOR_PHASE_FREEZE);
	err = torpor_ksym.pm_notifier_call_chain_robust(PM_HIBERNATION_PREPARE,
							PM_POST_HIBERNATION);
	if (err)
		return torpor_stats_fail(err, "a PM notifier refused hibernation");
	err = torpor_image_check_target();
	if (err)
		goto out_notify;
	ksys_sync_helper();
	err = torpor_ksym.freeze_processes();
	if (err) {
		torpor_stats_fail(err, "freezing user space failed");
		goto out_notify;
	}
	/* No memory or CPU hotplug under the bitmaps and the CPU sequence. */
	torpor_ksym.lock_device_hotplug();
	err = torpor_hibernate_frozen(hib);
	torpor_ksym.unlock_device_hotplug();
	torpor_ksym.thaw_processes();
out_notify:
	torpor_ksym.pm_notifier_call_chain(PM_POST_HIBERNATION);
	return err;
}

/* Ends the run in the stats, unless the failing step already did. */
static void torpor_hibernate_done(int err)
{
	if (READ_ONCE(torpor_stats.phase) == TORPOR_PHASE_IDLE)
		return;
	if (err)
		torpor_stats_fail(err, "hibernation failed");
	else
		torpor_stats_phase(TORPOR_PHASE_IDLE);
}

/**
 * torpor_hibernate - hibernate the system (the kernel's hibernate())
 *
 * Return: 0 once the system runs again: after a pm_test stop, a test
 * image, or in the restored image.  Otherwise a negative errno, with one
 * line in the log saying why, and the system running as before.
 */
int torpor_hibernate(void)
{
	struct torpor_hib hib = {};
	unsigned int sleep_flags;
	int err;

	if (!torpor_ksym.hibernation_available())
		return torpor_stats_fail(-EPERM,
			"hibernation is disabled (nohibernate, lockdown or secretmem)");
	sleep_flags = lock_system_sleep();
	/* Keeps /dev/snapshot (uswsusp) out while torpor runs. */
	if (!torpor_ksym.hibernate_acquire()) {
		err = torpor_stats_fail(-EBUSY,
			"hibernation already in progress or /dev/snapshot open");
		goto out_unlock;
	}
	hib.mode = torpor_entry_mode();
	if (hib.mode == TORPOR_MODE_PLATFORM)
		hib.platform = *torpor_ksym.hibernation_ops;
	hib.test = *torpor_ksym.pm_test_level;
	torpor_ksym.pm_prepare_console();
	err = torpor_hibernate_locked(&hib);
	torpor_hibernate_done(err);
	torpor_ksym.pm_restore_console();
	torpor_ksym.hibernate_release();
out_unlock:
	unlock_system_sleep(sleep_flags);
	return err;
}
