// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot boot.  A hibernation armed through /sys/power/torpor/snapshot
 * writes a reusable image (TORPOR_FLAG_REUSABLE), to a swap partition that
 * is not active swap (swap.c), and every boot resumes it: the resumed
 * kernel does not retire it but renews it (retire.c), so the next boot
 * finds it again.  Each boot is a fresh session from the same state.
 *
 * Memory is rolled back at every boot; disks are not.  So a snapshot is
 * refused while a file system on a block device is mounted read-write, or
 * while any page is swapped out (a later boot would find its slot
 * changed), before anything is written.
 *
 * What a restored image cannot bring is renewed in the resumed kernel,
 * before any task thaws: the random pool, whose state is the image's at
 * every boot, gets the boot kernel's random bytes (carried through the
 * hand-over, kernel/arch/x86/trampoline.S) and the time, and is reseeded
 * the way the kernel reseeds after a resume (which also draws RDSEED or
 * RDRAND where the CPU has them); the clock was already set from the RTC
 * by the timekeeping resume.  User space hears of it through a change
 * uevent and /sys/power/torpor/snapshot_resumes.
 */
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "torpor_image.h"
#include "arch.h"
#include "ksyms.h"
#include "reuse.h"
#include "stats.h"
#include "sysfs.h"

static char snapshot[8];
module_param_string(snapshot, snapshot, sizeof(snapshot), 0644);
MODULE_PARM_DESC(snapshot,
		 "skip: do not resume a snapshot image this boot, keep it (torpor.snapshot=skip on the kernel command line, applied by modprobe)");

static bool torpor_reuse_on;
static u32 torpor_reuse_count;

/* /sys/power/torpor/snapshot: the next hibernation writes a snapshot. */
void torpor_reuse_arm(bool on)
{
	WRITE_ONCE(torpor_reuse_on, on);
}

bool torpor_reuse_armed(void)
{
	return READ_ONCE(torpor_reuse_on);
}

/* One hibernation per arming: a failed one leaves nothing armed. */
bool torpor_reuse_take(void)
{
	return xchg(&torpor_reuse_on, false);
}

/* Resumes of the snapshot this system runs from, 0 if it did not. */
u32 torpor_reuse_resumes(void)
{
	return READ_ONCE(torpor_reuse_count);
}

struct torpor_reuse_rw {
	char id[32];
	char type[32];
	bool found;
};

static void torpor_reuse_sb(struct super_block *sb, void *arg)
{
	struct torpor_reuse_rw *rw = arg;

	if (rw->found || sb_rdonly(sb) ||
	    !(sb->s_type->fs_flags & FS_REQUIRES_DEV))
		return;
	rw->found = true;
	strscpy(rw->id, sb->s_id, sizeof(rw->id));
	strscpy(rw->type, sb->s_type->name, sizeof(rw->type));
}

/**
 * torpor_reuse_check_system - may a snapshot be taken now?
 * @mode: what the hibernation does after writing
 *
 * Before anything is frozen.  Every superblock counts, in every mount
 * namespace, mounted or lazily unmounted: the block device must not change
 * under the snapshot.
 *
 * Return: 0, or a negative errno with the reason recorded.
 */
int torpor_reuse_check_system(enum torpor_mode mode)
{
	struct torpor_reuse_rw rw = { };

	if (mode == TORPOR_MODE_SUSPEND || mode == TORPOR_MODE_TEST_RESUME)
		return torpor_stats_fail(-EINVAL,
			"snapshot refused: /sys/power/disk must be shutdown, platform or reboot");
	iterate_supers(torpor_reuse_sb, &rw);
	if (rw.found)
		return torpor_stats_fail(-EBUSY,
			"snapshot refused: %s (%s) is mounted read-write, every boot from the snapshot would roll it back",
			rw.id, rw.type);
	return 0;
}

/**
 * torpor_reuse_check_swap - refuse a snapshot with pages in swap
 *
 * With kernel threads frozen, after reclaim: a boot from the snapshot
 * would free and reuse their slots, and the next boot read a stranger's
 * page back.
 *
 * Return: 0, or -EBUSY with the reason recorded.
 */
int torpor_reuse_check_swap(void)
{
	long used = total_swap_pages - get_nr_swap_pages();

	if (used <= 0)
		return 0;
	return torpor_stats_fail(-EBUSY,
		"snapshot refused: %ld pages are swapped out, later boots would find their slots changed",
		used);
}

/**
 * torpor_reuse_check_boot - resume this snapshot image now?
 * @h: its header, checked
 *
 * Only the kernel build that made it resumes it; torpor.snapshot=skip
 * boots without it once.  Either way the image is kept for later boots.
 *
 * Return: 0 to resume, 1 to boot without it, -EINVAL for another build.
 */
int torpor_reuse_check_boot(const struct torpor_image_header *h)
{
	const struct new_utsname *uts = init_utsname();

	if (strcmp(h->kernel_release, uts->release) ||
	    strcmp(h->kernel_version, uts->version))
		return torpor_stats_fail(-EINVAL,
			"snapshot image kept, not resumed: made by %s %s, booted %s %s",
			h->kernel_release, h->kernel_version, uts->release,
			uts->version);
	if (strcmp(snapshot, "skip"))
		return 0;
	pr_info("snapshot image kept, not resumed: torpor.snapshot=skip\n");
	torpor_stats_phase(TORPOR_PHASE_IDLE);
	return 1;
}

/**
 * torpor_reuse_resumed - a new session from the snapshot begins
 * @resumes: of the image, this one included
 *
 * In the resumed kernel, its image renewed on the device, devices back,
 * tasks still frozen.
 */
void torpor_reuse_resumed(u32 resumes)
{
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	add_device_randomness(torpor_arch_ctx.boot_seed,
			      sizeof(torpor_arch_ctx.boot_seed));
	add_device_randomness(&now, sizeof(now));
	/* The kernel's own reseed on resumption, which mixes in the CPU's. */
	random_pm_notification(NULL, PM_RESTORE_PREPARE, NULL);
	WRITE_ONCE(torpor_reuse_count, resumes);
	pr_info("snapshot resumed, resume %u: random pool reseeded, clock %ptT from the RTC\n",
		resumes, &now.tv_sec);
	torpor_sysfs_snapshot_resumed(resumes);
}
