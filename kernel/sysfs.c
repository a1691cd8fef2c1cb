// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/power/torpor/: version, status, progress and the statistics of the
 * current or last run, one value per file, the image_size setting, and
 * where each active swap area starts on its device (swap_areas),
 * whether an image would fit in the resume area now (room), and snapshot
 * boot: the switch for the next hibernation (snapshot) and the resumes of
 * the snapshot this system runs from (snapshot_resumes, announced with a
 * change uevent).
 */

#include <linux/kobject.h>
#include <linux/math64.h>
#include <linux/sysfs.h>

#include "ksyms.h"
#include "reuse.h"
#include "snapshot.h"
#include "stats.h"
#include "swaparea.h"
#include "sysfs.h"

static struct kobject *torpor_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", TORPOR_VERSION);
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	enum torpor_phase phase = READ_ONCE(torpor_stats.phase);
	char msg[TORPOR_ERROR_MSG_LEN];

	if (phase != TORPOR_PHASE_IDLE)
		return sysfs_emit(buf, "%s\n", torpor_stats_phase_name(phase));
	if (torpor_stats_error(msg, sizeof(msg)))
		return sysfs_emit(buf, "error: %s\n", msg);
	return sysfs_emit(buf, "idle\n");
}

static ssize_t last_error_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(torpor_stats.last_error));
}

#define TORPOR_COUNTER_ATTR(name)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lld\n",				\
			  atomic64_read(&torpor_stats.name));		\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

TORPOR_COUNTER_ATTR(pages_total);
TORPOR_COUNTER_ATTR(pages_done);
TORPOR_COUNTER_ATTR(zero_pages);
TORPOR_COUNTER_ATTR(bytes_written);
TORPOR_COUNTER_ATTR(bytes_read);
TORPOR_COUNTER_ATTR(image_bytes);

static u64 torpor_phase_ns(enum torpor_phase phase)
{
	return READ_ONCE(torpor_stats.phase_ns[phase]);
}

#define TORPOR_DURATION_ATTR(name, phase)				\
static ssize_t name##_ms_show(struct kobject *kobj,			\
			      struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n",				\
			  div_u64(torpor_phase_ns(phase), NSEC_PER_MSEC)); \
}									\
static struct kobj_attribute name##_ms_attr = __ATTR_RO(name##_ms)

TORPOR_DURATION_ATTR(freeze, TORPOR_PHASE_FREEZE);
TORPOR_DURATION_ATTR(prepare, TORPOR_PHASE_PREPARE);
TORPOR_DURATION_ATTR(snapshot, TORPOR_PHASE_SNAPSHOT);
TORPOR_DURATION_ATTR(write, TORPOR_PHASE_WRITE);
TORPOR_DURATION_ATTR(load, TORPOR_PHASE_LOAD);
TORPOR_DURATION_ATTR(restore, TORPOR_PHASE_RESTORE);

/* Memory saved per byte of image (1.47), "-" until an image exists. */
static ssize_t ratio_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	u64 ratio = torpor_stats_ratio_x100(atomic64_read(&torpor_stats.pages_total),
				      atomic64_read(&torpor_stats.image_bytes));

	if (!ratio)
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "%llu.%02llu\n", ratio / 100, ratio % 100);
}

/* Write speed in MB/s (10^6 bytes), "-" before anything was written. */
static ssize_t throughput_mbps_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	u64 us = div_u64(torpor_phase_ns(TORPOR_PHASE_WRITE), NSEC_PER_USEC);
	u64 bytes = atomic64_read(&torpor_stats.bytes_written);

	if (!us || !bytes)
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "%llu\n", div64_u64(bytes, us));
}

/* One line: phase, pages done of total, percent, speed so far. */
static ssize_t progress_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	u64 total = atomic64_read(&torpor_stats.pages_total);
	u64 done = atomic64_read(&torpor_stats.pages_done);

	return sysfs_emit(buf, "%s %llu/%llu pages %llu%% %llu MB/s\n",
			  torpor_stats_phase_name(READ_ONCE(torpor_stats.phase)),
			  done, total, total ? div64_u64(done * 100, total) : 0,
			  torpor_stats_progress_mbps());
}

static ssize_t image_size_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", torpor_snapshot_image_size());
}

static ssize_t image_size_store(struct kobject *kobj,
				struct kobj_attribute *attr,
				const char *buf, size_t n)
{
	unsigned long bytes;
	int err;

	err = kstrtoul(buf, 0, &bytes);
	if (err)
		return err;
	torpor_snapshot_set_image_size(bytes);
	return n;
}

/*
 * "PAGES SLOTS FREE LEAST": pages an image would save now, the swap slots
 * the module reserves for them, the free slots of the resume area, and
 * the slots needed after the most reclaim could do.
 */
static ssize_t room_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct torpor_snapshot_room r;

	torpor_snapshot_room(&r);
	return sysfs_emit(buf, "%lu %lu %lu %lu\n", r.pages, r.slots, r.free,
			  r.least);
}

static ssize_t swap_areas_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return torpor_swaparea_show(buf);
}

static ssize_t snapshot_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", torpor_reuse_armed());
}

static ssize_t snapshot_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t n)
{
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (err)
		return err;
	torpor_reuse_arm(on);
	return n;
}

static ssize_t snapshot_resumes_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", torpor_reuse_resumes());
}

/**
 * torpor_sysfs_snapshot_resumed - tell user space a snapshot session began
 * @resumes: the snapshot's resumes, this one included
 */
void torpor_sysfs_snapshot_resumed(u32 resumes)
{
	char event[] = "TORPOR_EVENT=snapshot-resumed";
	char count[32];
	char *envp[3];

	snprintf(count, sizeof(count), "TORPOR_RESUMES=%u", resumes);
	envp[0] = event;
	envp[1] = count;
	envp[2] = NULL;
	sysfs_notify(torpor_kobj, NULL, "snapshot_resumes");
	kobject_uevent_env(torpor_kobj, KOBJ_CHANGE, envp);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute status_attr = __ATTR_RO(status);
static struct kobj_attribute last_error_attr = __ATTR_RO(last_error);
static struct kobj_attribute ratio_attr = __ATTR_RO(ratio);
static struct kobj_attribute throughput_mbps_attr = __ATTR_RO(throughput_mbps);
static struct kobj_attribute progress_attr = __ATTR_RO(progress);
static struct kobj_attribute image_size_attr = __ATTR_RW(image_size);
static struct kobj_attribute swap_areas_attr = __ATTR_RO(swap_areas);
/* Root only: it decides what the next hibernation writes. */
static struct kobj_attribute snapshot_attr = __ATTR(snapshot, 0600,
						   snapshot_show, snapshot_store);
static struct kobj_attribute snapshot_resumes_attr = __ATTR_RO(snapshot_resumes);
/* Root only: each read walks all of RAM. */
static struct kobj_attribute room_attr = __ATTR(room, 0400, room_show, NULL);

static struct attribute *torpor_attrs[] = {
	&version_attr.attr,
	&status_attr.attr,
	&last_error_attr.attr,
	&pages_total_attr.attr,
	&pages_done_attr.attr,
	&zero_pages_attr.attr,
	&bytes_written_attr.attr,
	&bytes_read_attr.attr,
	&image_bytes_attr.attr,
	&freeze_ms_attr.attr,
	&prepare_ms_attr.attr,
	&snapshot_ms_attr.attr,
	&write_ms_attr.attr,
	&load_ms_attr.attr,
	&restore_ms_attr.attr,
	&ratio_attr.attr,
	&throughput_mbps_attr.attr,
	&progress_attr.attr,
	&image_size_attr.attr,
	&swap_areas_attr.attr,
	&room_attr.attr,
	&snapshot_attr.attr,
	&snapshot_resumes_attr.attr,
	NULL
};

static const struct attribute_group torpor_attr_group = {
	.attrs = torpor_attrs,
};

int torpor_sysfs_init(void)
{
	int err;

	torpor_kobj = kobject_create_and_add("torpor", power_kobj);
	if (!torpor_kobj)
		return -ENOMEM;
	err = sysfs_create_group(torpor_kobj, &torpor_attr_group);
	if (err)
		kobject_put(torpor_kobj);
	return err;
}

void torpor_sysfs_uninit(void)
{
	kobject_put(torpor_kobj);
}
