// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping the boot kernel before the image takes over, the way a
 * hibernation stops for its snapshot (quiesce.c, with PMSG_QUIESCE), so
 * no device is doing DMA and no other CPU runs while pages are copied
 * home.  If the hand-over cannot happen, everything is undone in reverse
 * and the boot goes on.
 */
#include <linux/freezer.h>
#include <linux/pm.h>
#include <linux/suspend.h>

#include "arch.h"
#include "ksyms.h"
#include "quiesce.h"
#include "restore.h"
#include "stats.h"

/* The point of no return: it returns only if the jump was not made. */
static int torpor_restore_jump(struct torpor_quiesce *q)
{
	return torpor_arch_restore_jump();
}

/**
 * torpor_restore_frozen - hand over to the image, tasks already frozen
 * @platform: the image was written in platform mode: the platform's
 *	pre_restore and restore_cleanup methods run, as for the kernel
 *
 * Also test_resume's way in, where allocations are still restricted from
 * its snapshot: the quiesce sequence restricts them again itself, once
 * devices are prepared.
 *
 * Return: only on failure, -errno after recording why.
 */
int torpor_restore_frozen(bool platform)
{
	struct torpor_quiesce q = {
		.msg = PMSG_QUIESCE,
		.platform = platform ? torpor_quiesce_platform_ops() : NULL,
		.what = "resume",
		.atomic = torpor_restore_jump,
	};

	torpor_quiesce_allow_io();
	return torpor_quiesce(&q);
}

/**
 * torpor_restore - stop the boot kernel and hand over to the image
 * @platform: as for torpor_restore_frozen()
 *
 * torpor_arch_restore_prepare() has set up the hand-over; the caller
 * holds system sleep and the hibernation token.
 *
 * Return: only on failure, -errno after logging why; the boot kernel runs
 * on as before.
 */
int torpor_restore(bool platform)
{
	int ret;

	ret = freeze_processes();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: cannot freeze processes");
		goto out_thaw;
	}
	ret = freeze_kernel_threads();
	if (ret) {
		torpor_stats_fail(ret, "resume aborted: cannot freeze kernel threads");
		goto out_thaw;
	}
	/* As for the kernel's resume; waking SMT siblings needs it held. */
	lock_device_hotplug();
	ret = torpor_restore_frozen(platform);
	unlock_device_hotplug();
out_thaw:
	thaw_processes();
	return ret;
}
