// SPDX-License-Identifier: GPL-2.0
/*
 * The one sequence that stops the machine for a snapshot or a restore, in
 * the order kernel/power/hibernate.c takes for both: devices prepared and
 * frozen (or quiesced), their late and noirq phases, the platform, the
 * other CPUs down, interrupts off, system devices suspended.  Every step
 * has its undo, and a failure unwinds in reverse order back to a running
 * system.
 *
 * The way back tells the devices what happened: PMSG_THAW after a
 * snapshot, PMSG_RECOVER after a failure, and PMSG_RESTORE when ->atomic
 * returns in a restored image, where devices were last set up by another
 * kernel.
 */

#include <linux/cpu.h>
#include <linux/cpuidle.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/pm.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>
#include <asm/smp.h>
#include <asm/special_insns.h>

#include "ksyms.h"
#include "quiesce.h"
#include "stats.h"

#define TORPOR_TEST_DELAY_MS	1000

/**
 * torpor_quiesce_test - stop at a pm_test level, the way the kernel does
 * @q: the sequence
 * @level: where the caller is
 *
 * Return: true, after a delay, if /sys/power/pm_test asked to stop here.
 */
bool torpor_quiesce_test(const struct torpor_quiesce *q, int level)
{
	if (q->test != level)
		return false;
	mdelay(TORPOR_TEST_DELAY_MS);
	return true;
}

/*
 * The platform's S4 methods, in platform mode only.  A restore uses the
 * kernel's subset (hibernation_restore()): pre_restore, then
 * restore_cleanup if the hand-over fails; a snapshot the full set.
 */
static bool torpor_restoring(const struct torpor_quiesce *q)
{
	return q->msg.event == PM_EVENT_QUIESCE;
}

static int torpor_platform_begin(const struct torpor_quiesce *q)
{
	if (!q->platform || torpor_restoring(q))
		return 0;
	return q->platform->begin(PMSG_FREEZE);
}

static void torpor_platform_end(const struct torpor_quiesce *q)
{
	if (q->platform && !torpor_restoring(q))
		q->platform->end();
}

static int torpor_platform_prepare(const struct torpor_quiesce *q)
{
	if (!q->platform)
		return 0;
	if (torpor_restoring(q))
		return q->platform->pre_restore();
	return q->platform->pre_snapshot();
}

/* Only after a snapshot: a failed hand-over never left the boot kernel. */
static void torpor_platform_leave(const struct torpor_quiesce *q)
{
	if (q->platform && !torpor_restoring(q))
		q->platform->leave();
}

static void torpor_platform_finish(const struct torpor_quiesce *q)
{
	if (!q->platform)
		return;
	if (torpor_restoring(q))
		q->platform->restore_cleanup();
	else
		q->platform->finish();
}

static void torpor_platform_recover(const struct torpor_quiesce *q)
{
	if (q->platform && !torpor_restoring(q) && q->platform->recover)
		q->platform->recover();
}

static pm_message_t torpor_quiesce_back(const struct torpor_quiesce *q, int err)
{
	if (q->restored)
		return PMSG_RESTORE;
	return err ? PMSG_RECOVER : PMSG_THAW;
}

/* One CPU, interrupts off, system devices suspended. */
static int torpor_quiesce_atomic(struct torpor_quiesce *q)
{
	int err;

	local_irq_disable();
	system_state = SYSTEM_SUSPEND;
	err = syscore_suspend();
	if (err) {
		torpor_stats_fail(err, "%s aborted: system devices failed to suspend",
				  q->what);
		goto out_irqs;
	}
	err = q->atomic(q);
	torpor_platform_leave(q);
	if (!err)
		torpor_quiesce_test(q, TORPOR_TEST_CORE);
	syscore_resume();
out_irqs:
	system_state = SYSTEM_RUNNING;
	local_irq_enable();
	return err;
}

/*
 * While a restore copies pages home, offlined CPUs must not wait in
 * MONITOR/MWAIT: the monitored line is likely to be overwritten and they
 * would wake up in code that no longer exists.  HLT with interrupts off
 * keeps them still until the image kernel sends INIT.
 */
static void __noreturn torpor_play_dead(void)
{
	play_dead_common();
	wbinvd();
	for (;;)
		native_halt();
}

/*
 * SMT siblings parked by nosmt (or "smt off") wait in MONITOR/MWAIT on
 * this kernel's memory, which the restore overwrites: a write to the line
 * they monitor wakes them in code that is gone.  As the kernel does, they
 * are brought up first, to go down with the others into torpor_play_dead.
 * The image parks them again its own way (arch_resume_nosmt()).
 */
static int torpor_smt_wake(struct torpor_quiesce *q)
{
	q->smt = cpu_smt_control;
	return cpuhp_smt_enable();
}

/* The hand-over did not happen: park the siblings again. */
static void torpor_smt_park(const struct torpor_quiesce *q)
{
	int err;

	if (q->smt != CPU_SMT_DISABLED && q->smt != CPU_SMT_FORCE_DISABLED)
		return;
	err = cpuhp_smt_disable(q->smt);
	if (err)
		pr_warn("%s failed and SMT siblings stay online (error %d): write off to /sys/devices/system/cpu/smt/control\n",
			q->what, err);
}

/*
 * A CPU going down reads play_dead before it reports itself dead, which
 * freeze_secondary_cpus() waits for, so the old one can go back after.
 */
static int torpor_cpus_down(struct torpor_quiesce *q)
{
	void (*play_dead)(void) = smp_ops.play_dead;
	int err;

	if (torpor_restoring(q)) {
		err = torpor_smt_wake(q);
		if (err)
			return err;
		smp_ops.play_dead = torpor_play_dead;
	}
	err = freeze_secondary_cpus(0);
	smp_ops.play_dead = play_dead;
	return err;
}

static int torpor_quiesce_cpus(struct torpor_quiesce *q)
{
	int err;

	cpuidle_pause();
	err = torpor_cpus_down(q);
	if (err)
		torpor_stats_fail(err, "%s aborted: non-boot CPUs failed to go offline",
				  q->what);
	else if (!torpor_quiesce_test(q, TORPOR_TEST_CPUS))
		err = torpor_quiesce_atomic(q);
	thaw_secondary_cpus();
	cpuidle_resume();
	if (q->restored)
		arch_resume_nosmt();
	else if (torpor_restoring(q))
		torpor_smt_park(q);
	return err;
}

/* Late and noirq device callbacks, the platform, then the CPUs. */
static int torpor_quiesce_late(struct torpor_quiesce *q)
{
	int err;

	/* It undoes its own steps when it fails. */
	err = dpm_suspend_end(q->msg);
	if (err)
		return torpor_stats_fail(err, "%s aborted: some devices failed to power down",
					 q->what);
	err = torpor_platform_prepare(q);
	if (err)
		torpor_stats_fail(err, "%s aborted: the platform failed to prepare",
				  q->what);
	else if (!torpor_quiesce_test(q, TORPOR_TEST_PLATFORM))
		err = torpor_quiesce_cpus(q);
	torpor_platform_finish(q);
	dpm_resume_start(torpor_quiesce_back(q, err));
	return err;
}

/*
 * Allocations are restricted to no I/O once devices are prepared (their
 * ->prepare() may still allocate freely).  After a snapshot that is to be
 * written they stay restricted: the image goes out through the thawed
 * devices, and nothing may swap into the area meanwhile.
 */
static int torpor_quiesce_devices(struct torpor_quiesce *q)
{
	pm_message_t back;
	int err;

	err = torpor_platform_begin(q);
	if (err)
		return torpor_stats_fail(err, "%s aborted: the platform refused to begin",
					 q->what);
	err = dpm_prepare(q->msg);
	if (err) {
		torpor_stats_fail(err, "%s aborted: some devices failed to prepare",
				  q->what);
		dpm_complete(PMSG_RECOVER);
		goto out_platform;
	}
	suspend_console();
	pm_restrict_gfp_mask();
	err = dpm_suspend(q->msg);
	if (err)
		torpor_stats_fail(err, "%s aborted: some devices failed to suspend",
				  q->what);
	if (err || torpor_quiesce_test(q, TORPOR_TEST_DEVICES))
		torpor_platform_recover(q);
	else
		err = torpor_quiesce_late(q);
	back = torpor_quiesce_back(q, err);
	dpm_resume(back);
	if (err || q->restored || q->test)
		pm_restore_gfp_mask();
	resume_console();
	dpm_complete(back);
out_platform:
	torpor_platform_end(q);
	return err;
}

/*
 * The platform's S4 methods, or NULL if it has none.  The kernel's
 * variable is referred to here only (see torpor_entry_target_vars()).
 */
const struct platform_hibernation_ops *torpor_quiesce_platform_ops(void)
{
	return hibernation_ops;
}

/**
 * torpor_quiesce - stop the machine, run @q->atomic, bring it back
 * @q: the sequence; ->atomic sets ->restored when it returns in a
 *	restored image
 *
 * Called with tasks frozen and system sleep locked.  When a snapshot
 * succeeds (0, not restored, no pm_test) allocations are left restricted
 * to no I/O: the caller lifts that with torpor_quiesce_allow_io() once
 * the image is written.
 *
 * Return: 0, or a negative errno with the reason recorded.
 */
int torpor_quiesce(struct torpor_quiesce *q)
{
	q->restored = false;
	return torpor_quiesce_devices(q);
}

/**
 * torpor_quiesce_allow_io - let allocations start I/O again
 *
 * torpor_quiesce() leaves allocations restricted to no I/O after a
 * snapshot, so that reclaim cannot write to the resume device while the
 * image goes there.  hibernate.c lifts it once the image is written and
 * the machine did not power down; restore.c lifts it before a test_resume
 * quiesces again, because that sequence restricts allocations anew once
 * devices are prepared.  The restriction is set here, so it is lifted
 * here too.
 */
void torpor_quiesce_allow_io(void)
{
	pm_restore_gfp_mask();
}
