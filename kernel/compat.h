/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels torpor supports.  Kbuild forces this
 * header into every file, so this is the only place that may test the
 * kernel version.
 */
#ifndef _TORPOR_COMPAT_H
#define _TORPOR_COMPAT_H

#include <linux/version.h>

/*
 * torpor reaches into kernel internals (private enums, unexported
 * functions) that were checked against 6.1 and 6.12 only.
 */
#if LINUX_VERSION_MAJOR != 6 || LINUX_VERSION_PATCHLEVEL < 1
#error "torpor needs Linux 6.1 or later"
#elif LINUX_VERSION_PATCHLEVEL > 12
#error "torpor has not been checked against Linux newer than 6.12"
#endif

/*
 * Values of kernel/power/hibernate.c's private enum behind /sys/power/disk,
 * the same in 6.1 and 6.12, and checked against the target kernel's BTF.
 * HIBERNATION_SHUTDOWN needs no copy: every other value means shutdown
 * (torpor_entry_mode()).
 */
#include "kabi.h"

#define TORPOR_KERNEL_HIB_PLATFORM	1
#define TORPOR_KERNEL_HIB_REBOOT	3
#ifdef CONFIG_SUSPEND
#define TORPOR_KERNEL_HIB_SUSPEND	4
#define TORPOR_KERNEL_HIB_TEST_RESUME	5
#else
#define TORPOR_KERNEL_HIB_TEST_RESUME	4
#endif

TORPOR_KABI_ENUM(hibernation_mode, HIBERNATION_PLATFORM, TORPOR_KERNEL_HIB_PLATFORM);
TORPOR_KABI_ENUM(hibernation_mode, HIBERNATION_REBOOT, TORPOR_KERNEL_HIB_REBOOT);
#ifdef TORPOR_KERNEL_HIB_SUSPEND
TORPOR_KABI_ENUM(hibernation_mode, HIBERNATION_SUSPEND, TORPOR_KERNEL_HIB_SUSPEND);
#endif
TORPOR_KABI_ENUM(hibernation_mode, HIBERNATION_TEST_RESUME, TORPOR_KERNEL_HIB_TEST_RESUME);

/*
 * The resume device is opened next to swap's exclusive claim on it.  6.9
 * moved block device handles to struct file.
 */
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/file.h>

struct torpor_bdev {
	struct block_device *bdev;
#if LINUX_VERSION_PATCHLEVEL >= 9
	struct file *file;
#endif
};

#if LINUX_VERSION_PATCHLEVEL >= 9
static inline int torpor_bdev_open(struct torpor_bdev *b, dev_t dev)
{
	b->file = bdev_file_open_by_dev(dev, BLK_OPEN_READ | BLK_OPEN_WRITE,
					NULL, NULL);
	if (IS_ERR(b->file))
		return PTR_ERR(b->file);
	b->bdev = file_bdev(b->file);
	return 0;
}

static inline void torpor_bdev_close(struct torpor_bdev *b)
{
	fput(b->file);
}
#else
static inline int torpor_bdev_open(struct torpor_bdev *b, dev_t dev)
{
	b->bdev = blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE, NULL);
	return PTR_ERR_OR_ZERO(b->bdev);
}

static inline void torpor_bdev_close(struct torpor_bdev *b)
{
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE);
}
#endif

/*
 * 6.10 turned swap_free() into an inline wrapper of swap_free_nr(): the
 * symbol torpor's calls reach (ksyms_list.h).
 */
#if LINUX_VERSION_PATCHLEVEL >= 10
#define TORPOR_HAVE_SWAP_FREE_NR
#endif

#endif /* _TORPOR_COMPAT_H */
