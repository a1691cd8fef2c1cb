// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping the boot kernel before the image takes over, in the order a
 * hibernation uses (processes frozen, devices quiesced, other CPUs down,
 * interrupts off, syscore suspended), so no device is doing DMA and no
 * other CPU runs while pages are copied home.  If the hand-over cannot
 * happen, everything is undone in reverse and the boot goes on.
 */
#include <linux/cpu.h>
#include <linux/freezer.h>
#include <linux/irqflags.h>
#include <linux/pm.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>
#include <asm/smp.h>
#include <asm/special_insns.h>

#include "ksyms.h"
#include "restore.h"
#include "stats.h"

/*
 * Offlined CPUs must not wait in MONITOR/MWAIT: the monitored line is
 * likely to be overwritten by the copy and they would wake up in code
 * that no longer exists.  HLT with interrupts off keeps them still until
 * the image kernel sends INIT.
 */
static void __noreturn torpor_play_dead(void)
{
	torpor_ksym.play_dead_common();
	wbinvd();
	for (;;)
		native_halt();
}

static int torpor_cpus_down(void)
{
	void (*play_dead)(void) = smp_ops.play_dead;
	int ret;

	smp_ops.play_dead = torpor_play_dead;
	ret = torpor_ksym.freeze_secondary_cpus(0);
	smp_ops.play_dead = play_dead;
	return ret;
}

/* Interrupts off, one CPU: the point of no return is inside. */
static int torpor_restore_atomic(void)
{
	int ret;

	ret = torpor_cpus_down();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: cannot take the other CPUs down");
		goto out_cpus;
	}
	local_irq_disable();
	system_state = SYSTEM_SUSPEND;
	ret = syscore_suspend();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: a system core driver refused to suspend");
		goto out_irqs;
	}
	ret = torpor_arch_restore_jump();
	syscore_resume();
out_irqs:
	system_state = SYSTEM_RUNNING;
	local_irq_enable();
out_cpus:
	torpor_ksym.thaw_secondary_cpus();
	return ret;
}

static int torpor_restore_devices(void)
{
	int ret;

	ret = dpm_suspend_start(PMSG_QUIESCE);
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: a device refused to quiesce");
		goto out;
	}
	ret = dpm_suspend_end(PMSG_QUIESCE);
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: a device refused to power down");
		goto out;
	}
	ret = torpor_restore_atomic();
	dpm_resume_start(PMSG_RECOVER);
out:
	dpm_resume_end(PMSG_RECOVER);
	return ret;
}

/**
 * torpor_restore - stop the boot kernel and hand over to the image
 *
 * torpor_arch_restore_prepare() has set up the hand-over.
 *
 * Return: only on failure, -errno after logging why; the boot kernel runs
 * on as before.
 */
int torpor_restore(void)
{
	unsigned int sleep_flags;
	int ret;

	sleep_flags = lock_system_sleep();
	ret = torpor_ksym.freeze_processes();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: cannot freeze processes");
		goto out_thaw;
	}
	ret = torpor_ksym.freeze_kernel_threads();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: cannot freeze kernel threads");
		goto out_thaw;
	}
	torpor_ksym.pm_restrict_gfp_mask();
	ret = torpor_restore_devices();
	torpor_ksym.pm_restore_gfp_mask();
out_thaw:
	torpor_ksym.thaw_processes();
	unlock_system_sleep(sleep_flags);
	return ret;
}
