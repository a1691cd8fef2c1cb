// SPDX-License-Identifier: GPL-2.0
/*
 * Takeover of the kernel's hibernation entry points.
 *
 * A livepatch replaces two vmlinux functions so that every path into
 * hibernation or resume leads to torpor and the kernel's own image code is
 * never run:
 *  - hibernate(), behind "echo disk > /sys/power/state" (and autosleep);
 *  - resume_store(), behind "echo MAJ:MIN > /sys/power/resume", which is
 *    how initramfs-tools and dracut ask for a resume.
 * Livepatching is the kernel's supported way for a module to redirect a
 * function.  It pins the module while enabled: unloading takes
 * "echo 0 > /sys/kernel/livepatch/torpor/enabled" first, then rmmod.
 *
 * Enabling a livepatch switches tasks over one by one, and a task not yet
 * switched still runs the kernel's hibernate().  torpor holds the kernel's
 * hibernation token (hibernate_acquire(), which hibernate() and
 * /dev/snapshot take too) until every task is switched, so such a call
 * fails with -EBUSY instead of running the kernel's image code, and module
 * init waits for that moment.
 */

#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/kdev_t.h>
#include <linux/kobject.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/workqueue.h>

#include "entry.h"
#include "hibernate.h"
#include "ksyms.h"
#include "resume.h"

static int torpor_entry_hibernate(void)
{
	return torpor_hibernate();
}

/**
 * torpor_entry_parse_resume - parse a resume device as resume_store() does
 * @str: "MAJ:MIN", "MAJ:MIN:OFFSET" (offset in pages) or a device path
 * @dev: receives the device
 * @offset: receives OFFSET if @str has one, else is left alone
 */
int torpor_entry_parse_resume(const char *str, dev_t *dev, sector_t *offset)
{
	unsigned int maj, min;
	unsigned long long off;
	char dummy;

	if (sscanf(str, "%u:%u:%llu%c", &maj, &min, &off, &dummy) == 3)
		*offset = off;
	else if (sscanf(str, "%u:%u%c", &maj, &min, &dummy) != 2)
		return lookup_bdev(str, dev);
	*dev = MKDEV(maj, min);
	if (MAJOR(*dev) != maj || MINOR(*dev) != min)
		return -EINVAL;
	return 0;
}

/*
 * The kernel's own variables, referred to here only: 6.1's livepatch looks
 * up a kernel symbol once per place that refers to it, by a walk of the
 * symbol table up to it, and data comes last (Documentation/module.rst).
 */
static noinline void torpor_entry_target_vars(dev_t **dev, sector_t **offset)
{
	*dev = &swsusp_resume_device;
	*offset = &swsusp_resume_block;
}

/**
 * torpor_entry_resume - set the resume device and resume from it
 * @dev: the device holding the swap area
 * @offset: where the swap area starts, in pages (swap files)
 *
 * Like the kernel, the resume device is also where the next hibernation
 * writes its image.
 *
 * Return: 0 if there was no image or hibernation is not allowed (as the
 * kernel's resume, it then does nothing), -errno if the image was refused
 * (and logged); never returns when an image is restored.
 */
int torpor_entry_resume(dev_t dev, sector_t offset)
{
	unsigned int sleep_flags;
	sector_t *block;
	dev_t *device;

	if (!hibernation_available())
		return 0;
	torpor_entry_target_vars(&device, &block);
	sleep_flags = lock_system_sleep();
	*device = dev;
	*block = offset;
	unlock_system_sleep(sleep_flags);

	return torpor_resume(dev, offset);
}

/**
 * torpor_entry_resume_target - the resume device and offset, as set
 * @dev: /sys/power/resume's device
 * @offset: /sys/power/resume_offset
 */
void torpor_entry_resume_target(dev_t *dev, sector_t *offset)
{
	sector_t *block;
	dev_t *device;

	torpor_entry_target_vars(&device, &block);
	*dev = READ_ONCE(*device);
	*offset = READ_ONCE(*block);
}

static ssize_t torpor_entry_resume_store(struct kobject *kobj,
					 struct kobj_attribute *attr,
					 const char *buf, size_t n)
{
	sector_t offset;
	char *device;
	dev_t dev;
	int err;

	torpor_entry_resume_target(&dev, &offset);
	device = kstrndup(buf, n, GFP_KERNEL);
	if (!device)
		return -ENOMEM;
	err = torpor_entry_parse_resume(strim(device), &dev, &offset);
	kfree(device);
	if (err)
		return err;
	return torpor_entry_resume(dev, offset) ?: n;
}

static struct klp_func torpor_entry_funcs[] = {
	{
		.old_name = "hibernate",
		.new_func = torpor_entry_hibernate,
	},
	{
		.old_name = "resume_store",
		.new_func = torpor_entry_resume_store,
	},
	{ }
};

/* Set while torpor holds the hibernation token for the transition. */
static bool torpor_entry_token;
static DECLARE_COMPLETION(torpor_entry_patched);

static int torpor_entry_pre_patch(struct klp_object *obj)
{
	if (!hibernate_acquire()) {
		pr_err("hibernation in progress or /dev/snapshot open, not loading\n");
		return -EBUSY;
	}
	torpor_entry_token = true;
	return 0;
}

static void torpor_entry_release_token(void)
{
	if (torpor_entry_token) {
		torpor_entry_token = false;
		hibernate_release();
	}
}

static void torpor_entry_post_patch(struct klp_object *obj)
{
	torpor_entry_release_token();
	complete_all(&torpor_entry_patched);
}

/* Also reached when enabling is cancelled before the transition ends. */
static void torpor_entry_post_unpatch(struct klp_object *obj)
{
	torpor_entry_release_token();
}

static struct klp_object torpor_entry_objs[] = {
	{
		/* name == NULL: vmlinux */
		.funcs = torpor_entry_funcs,
		.callbacks = {
			.pre_patch = torpor_entry_pre_patch,
			.post_patch = torpor_entry_post_patch,
			.post_unpatch = torpor_entry_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch torpor_entry_patch = {
	.mod = THIS_MODULE,
	.objs = torpor_entry_objs,
};

/**
 * torpor_entry_mode - what /sys/power/disk asks for after hibernation
 */
enum torpor_mode torpor_entry_mode(void)
{
	switch (READ_ONCE(hibernation_mode)) {
	case TORPOR_KERNEL_HIB_PLATFORM:
		return TORPOR_MODE_PLATFORM;
	case TORPOR_KERNEL_HIB_REBOOT:
		return TORPOR_MODE_REBOOT;
#ifdef TORPOR_KERNEL_HIB_SUSPEND
	case TORPOR_KERNEL_HIB_SUSPEND:
		return TORPOR_MODE_SUSPEND;
#endif
	case TORPOR_KERNEL_HIB_TEST_RESUME:
		return TORPOR_MODE_TEST_RESUME;
	default:
		return TORPOR_MODE_SHUTDOWN;
	}
}

/*
 * Tasks busy in user space switch at their next return from the kernel;
 * one that never enters it can hold the transition up to the livepatch
 * core's 15 s before it signals them.  Hibernation waits (-EBUSY) until then.
 */
#define TORPOR_ENTRY_SWITCH_WAIT	(20 * HZ)

/*
 * The first try to switch every task, inside klp_enable_patch(), misses
 * those running on another CPU, idle included.  They soon switch by
 * themselves (idle CPUs in their idle loop, user tasks at their next
 * return from the kernel), but only the livepatch core's next try, a
 * second later, notices: the boot's resume request would wait for it.
 * Asking for that try sooner, at doubling intervals (10 ms to 1.28 s),
 * ends the transition soon after the last task has switched, also when
 * vCPUs of a loaded host take hundreds of milliseconds to get there.
 * The core counts its tries and signals the tasks still left after 15;
 * these 8 kicks leave most of them to its own schedule.
 */
#define TORPOR_ENTRY_KICKS		8
#define TORPOR_ENTRY_FIRST_KICK_MS	10

static bool torpor_entry_wait_patched(void)
{
	unsigned int wait_ms = TORPOR_ENTRY_FIRST_KICK_MS;
	int kick;

	for (kick = 0; kick < TORPOR_ENTRY_KICKS; kick++, wait_ms *= 2) {
		if (wait_for_completion_timeout(&torpor_entry_patched,
						msecs_to_jiffies(wait_ms)))
			return true;
		mod_delayed_work(system_wq, &klp_transition_work, 0);
	}
	return wait_for_completion_timeout(&torpor_entry_patched,
					   TORPOR_ENTRY_SWITCH_WAIT);
}

int torpor_entry_init(void)
{
	int err;

	err = klp_enable_patch(&torpor_entry_patch);
	if (err)
		return err;
	if (!torpor_entry_wait_patched())
		pr_warn("livepatch transition still running; hibernation returns EBUSY until it ends\n");
	return 0;
}
