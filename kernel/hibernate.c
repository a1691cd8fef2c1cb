// SPDX-License-Identifier: GPL-2.0
/*
 * The hibernation sequence, in the order kernel/power/hibernate.c takes
 * it, with torpor's snapshot and image writer in place of the kernel's.
 * Every step has its undo, and a failure unwinds in reverse order back to
 * a running system.  Devices, CPUs and interrupts are stopped by
 * quiesce.c, which resume uses too.
 *
 * The snapshot returns twice: right after the copy, to write the image and
 * power off, and again in the restored image.  There the same unwinding
 * brings the machine back, with PMSG_RESTORE for the devices since they
 * were last set up by another kernel.
 */

#include <linux/container_of.h>
#include <linux/freezer.h>
#include <linux/kernel.h>
#include <linux/pm.h>
#include <linux/reboot.h>
#include <linux/suspend.h>

#include "arch.h"
#include "entry.h"
#include "hibernate.h"
#include "ksyms.h"
#include "quiesce.h"
#include "resume.h"
#include "retire.h"
#include "reuse.h"
#include "scrub.h"
#include "snapshot.h"
#include "stats.h"
#include "swap.h"
#include "verify.h"
#include "writer.h"

struct torpor_hib {
	enum torpor_mode mode;
	bool reusable;			/* a snapshot (reuse.c) */
	struct torpor_quiesce q;
	struct torpor_writer_meta meta;
};

/*
 * A wakeup count written before hibernation means nothing once it is
 * over.  The kernel's variable is referred to here only (see
 * torpor_entry_target_vars()).
 */
static noinline void torpor_forget_wakeup_count(void)
{
	events_check_enabled = false;
}

/*
 * Saves the context and copies memory.  In the restored image execution
 * comes back out of torpor_arch_save_context() with 1, and nothing may use
 * per-CPU data until restore_processor_state() has reloaded the GS base.
 */
static int torpor_save_and_copy(struct torpor_quiesce *q)
{
	struct torpor_hib *hib = container_of(q, struct torpor_hib, q);
	int err;

	if (pm_wakeup_pending())
		return torpor_stats_fail(-EBUSY, "hibernation aborted: wakeup event pending");
	torpor_arch_prepare(&hib->meta.arch);
	save_processor_state();
	if (torpor_arch_save_context()) {
		q->restored = true;
		err = 0;
	} else {
		err = torpor_snapshot_copy();
	}
	restore_processor_state();
	if (q->restored) {
		torpor_arch_restored();
		torpor_verify_restored(torpor_arch_ctx.boot_verify);
		torpor_snapshot_check_copies();
		torpor_forget_wakeup_count();
		torpor_scrub_free();
	}
	return err;
}

static void torpor_log_snapshot(void)
{
	struct torpor_snapshot_counts c;

	torpor_snapshot_report_memmap();
	torpor_snapshot_counts(&c);
	pr_info("snapshot: %lu pages saved, %lu of them live (%lu free, %lu own, %lu not saveable, %lu copies set aside) in %llu ms\n",
		c.saved, c.live, c.free, c.own, c.skipped, c.copies,
		div_u64(c.copy_ns, NSEC_PER_MSEC));
}

/*
 * The boot kernel's statistics went with it; its load and hand-over times
 * came along through the landing.
 */
static void torpor_log_resumed(void)
{
	u64 load = torpor_arch_ctx.boot_load_ns;
	u64 restore = torpor_arch_ctx.boot_restore_ns;

	WRITE_ONCE(torpor_stats.phase_ns[TORPOR_PHASE_LOAD], load);
	WRITE_ONCE(torpor_stats.phase_ns[TORPOR_PHASE_RESTORE], restore);
	pr_info("resumed: image loaded in %llu ms, handed over in %llu ms\n",
		div_u64(load, NSEC_PER_MSEC), div_u64(restore, NSEC_PER_MSEC));
	torpor_verify_report();
	torpor_snapshot_report_copies();
}

/*
 * A wakeup event stopped the platform on its way into S4: as the kernel
 * does, the machine goes back to running and the image is discarded.
 */
static int torpor_platform_rollback(int err)
{
	torpor_forget_wakeup_count();
	if (torpor_writer_discard())
		pr_err("the image just written is still on the resume device: run torpor discard before its next boot\n");
	return torpor_stats_fail(err, "hibernation aborted: wakeup event while entering the platform's sleep state, image discarded");
}

/*
 * "suspend" in /sys/power/disk (hybrid sleep): with the image written,
 * sleep in RAM rather than power off.  A wakeup brings this very system
 * back, and the image is discarded: it would roll the disks back.  If the
 * power fails meanwhile, the next boot resumes the image.  Tasks stay
 * frozen and allocations restricted to no I/O, as for the kernel's own.
 *
 * Return: 0 after a wakeup, or the error that kept the machine from
 * suspending (it is to power off as the image wants then).
 */
static int torpor_suspend_to_ram(void)
{
	int err;

	pr_info("image written, suspending to RAM: the image resumes if power is lost\n");
	err = suspend_devices_and_enter(mem_sleep_current);
	if (err) {
		pr_err("suspend to RAM failed (error %d), powering off: the image resumes at the next boot\n",
		       err);
		return err;
	}
	if (torpor_writer_discard())
		pr_err("woke from RAM, but the image is still on the resume device: run torpor discard before the next boot\n");
	else
		pr_info("woke from RAM: image discarded\n");
	return 0;
}

/*
 * Returns only after a platform rollback or a wakeup from suspend mode.
 * Otherwise a valid image is on disk and the system must not run on.
 */
static int torpor_power_down(const struct torpor_hib *hib)
{
	int err = 0;

	switch (hib->mode) {
	case TORPOR_MODE_REBOOT:
		kernel_restart(NULL);
		break;
	case TORPOR_MODE_SUSPEND:
		if (!torpor_suspend_to_ram())
			return 0;
		/* As the kernel does: through the platform's S4 if it has one. */
		err = torpor_quiesce_platform_ops() ? hibernation_platform_enter() : 0;
		break;
	case TORPOR_MODE_PLATFORM:
		err = hib->q.platform ? hibernation_platform_enter() : 0;
		break;
	default:
		break;
	}
	if (err == -EAGAIN || err == -EBUSY)
		return torpor_platform_rollback(err);
	if (kernel_can_power_off())
		kernel_power_off();
	kernel_halt();
	pr_crit("image written, power the machine off now\n");
	for (;;)
		cpu_relax();
}

static void torpor_fill_meta(struct torpor_hib *hib)
{
	struct torpor_writer_meta *meta = &hib->meta;

	meta->flags = 0;
	if (hib->q.platform)
		meta->flags |= TORPOR_FLAG_PLATFORM;
	if (hib->mode == TORPOR_MODE_TEST_RESUME)
		meta->flags |= TORPOR_FLAG_TEST;
	if (hib->reusable)
		meta->flags |= TORPOR_FLAG_REUSABLE;
	meta->freeze_ns = torpor_stats.phase_ns[TORPOR_PHASE_FREEZE];
	meta->prepare_ns = torpor_stats.phase_ns[TORPOR_PHASE_PREPARE];
	meta->snapshot_ns = torpor_stats.phase_ns[TORPOR_PHASE_SNAPSHOT];
}

/*
 * test_resume: read the image just written back and restore it the way a
 * boot would, minus the power cycle.  The copies are in the image now, and
 * the load needs their memory.  Returns only if the restore did not
 * happen; in the restored image, torpor_save_and_copy() returns instead.
 */
static int torpor_test_resume(void)
{
	torpor_snapshot_release();
	return torpor_resume_test();
}

/* User space and freezable kernel threads stay frozen while writing. */
static int torpor_write(struct torpor_hib *hib)
{
	int err;

	torpor_stats_phase(TORPOR_PHASE_WRITE);
	torpor_fill_meta(hib);
	err = torpor_writer_write(&hib->meta);
	if (!err && hib->mode == TORPOR_MODE_TEST_RESUME)
		err = torpor_test_resume();
	else if (!err)
		err = torpor_power_down(hib);
	torpor_quiesce_allow_io();
	return err;
}

/*
 * The resume device stays open in the snapshot, for the restored image to
 * retire itself before anything thaws (retire.c).
 */
static int torpor_hibernate_quiesce(struct torpor_hib *hib)
{
	struct torpor_retire r;
	int err;

	err = torpor_retire_open(&r, hib->reusable);
	if (err)
		return err;
	torpor_stats_phase(TORPOR_PHASE_SNAPSHOT);
	pm_suspend_clear_flags();
	err = torpor_quiesce(&hib->q);
	if (hib->q.restored)
		torpor_log_resumed();
	torpor_retire_close(&r, hib->q.restored);
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
	err = freeze_kernel_threads();
	if (err) {
		torpor_stats_fail(err, "freezing kernel threads failed");
		goto out_release;
	}
	if (hib->reusable) {
		err = torpor_reuse_check_swap();
		if (err)
			goto out_release;
	}
	if (torpor_quiesce_test(&hib->q, TORPOR_TEST_FREEZER))
		goto out_release;
	err = torpor_hibernate_quiesce(hib);
	if (err || hib->q.restored)
		goto out_release;
	if (hib->q.test && hib->q.test != TORPOR_TEST_CORE)
		goto out_release;
	torpor_log_snapshot();
	if (!hib->q.test)
		err = torpor_write(hib);
out_release:
	torpor_snapshot_release();
	return err;
}

static int torpor_hibernate_locked(struct torpor_hib *hib)
{
	int err;

	torpor_stats_begin(TORPOR_PHASE_FREEZE);
	if (hib->reusable) {
		err = torpor_reuse_check_system(hib->mode);
		if (err)
			return err;
	}
	err = pm_notifier_call_chain_robust(PM_HIBERNATION_PREPARE,
							PM_POST_HIBERNATION);
	if (err)
		return torpor_stats_fail(err, "a PM notifier refused hibernation");
	err = torpor_writer_check_target(hib->reusable);
	if (!err)
		err = torpor_snapshot_check_room();
	if (err)
		goto out_notify;
	ksys_sync_helper();
	err = freeze_processes();
	if (err) {
		torpor_stats_fail(err, "freezing user space failed");
		goto out_notify;
	}
	/* No memory or CPU hotplug under the bitmaps and the CPU sequence. */
	lock_device_hotplug();
	err = torpor_hibernate_frozen(hib);
	unlock_device_hotplug();
	thaw_processes();
out_notify:
	pm_notifier_call_chain(PM_POST_HIBERNATION);
	return err;
}

/* Ends the run in the stats, unless the failing step already did. */
static void torpor_hibernate_done(int err)
{
	if (!torpor_stats_running())
		return;
	if (err)
		torpor_stats_fail(err, "hibernation failed");
	else
		torpor_stats_phase(TORPOR_PHASE_IDLE);
}

/*
 * hibernation_available() said no.  The kernel's hibernate() then logs
 * nothing but a pm_debug_messages line; what it tested is read again here,
 * in its order, to name the reason, but without asking the LSMs a second
 * time: lockdown has just logged "Lockdown: <comm>: hibernation is
 * restricted" for this refusal, which stays the one line that names it,
 * torpor's status file records it.  The other reasons go unsaid by the
 * kernel, so torpor logs them.
 */
static int torpor_hibernate_unavailable(void)
{
	enum lockdown_reason level = READ_ONCE(kernel_locked_down);
	const char *why;
	char msg[64];

	if (READ_ONCE(nohibernate)) {
		why = "nohibernate or hibernate=no on the kernel command line";
	} else if (level >= LOCKDOWN_HIBERNATION) {
		snprintf(msg, sizeof(msg), "hibernation is restricted by lockdown (%s)",
			 lockdown_reasons[level]);
		return torpor_stats_record(-EPERM, msg);
	} else if (secretmem_active()) {
		why = "secret memory in use (memfd_secret)";
	} else if (cxl_mem_active()) {
		why = "CXL memory active";
	} else {
		/* Another LSM's locked_down hook, SELinux's lockdown class. */
		why = "refused by a security module";
	}
	return torpor_stats_fail(-EPERM, "hibernation is disabled: %s", why);
}

/**
 * torpor_hibernate - hibernate the system (the kernel's hibernate())
 *
 * Return: 0 once the system runs again: after a pm_test stop, a test
 * image, or in the restored image.  Otherwise a negative errno, with one
 * line in the log saying why (for lockdown the kernel's own), and the
 * system running as before.
 */
int torpor_hibernate(void)
{
	struct torpor_hib hib = {};
	unsigned int sleep_flags;
	int err;

	if (!hibernation_available())
		return torpor_hibernate_unavailable();
	sleep_flags = lock_system_sleep();
	/* Keeps /dev/snapshot (uswsusp) out while torpor runs. */
	if (!hibernate_acquire()) {
		err = torpor_stats_fail(-EBUSY,
			"hibernation already in progress or /dev/snapshot open");
		goto out_unlock;
	}
	hib.mode = torpor_entry_mode();
	hib.reusable = torpor_reuse_take();
	hib.q = (struct torpor_quiesce){
		.msg = PMSG_FREEZE,
		.test = pm_test_level,
		.what = "hibernation",
		.atomic = torpor_save_and_copy,
	};
	if (hib.mode == TORPOR_MODE_PLATFORM)
		hib.q.platform = torpor_quiesce_platform_ops();
	pm_prepare_console();
	err = torpor_hibernate_locked(&hib);
	torpor_hibernate_done(err);
	if (hib.reusable)
		torpor_swap_raw_forget();
	pm_restore_console();
	hibernate_release();
out_unlock:
	unlock_system_sleep(sleep_flags);
	return err;
}
