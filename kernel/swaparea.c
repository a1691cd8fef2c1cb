// SPDX-License-Identifier: GPL-2.0
/*
 * Where each active swap area starts on its device, as resume_offset must
 * name it: the kernel's own swap extents know, on every file system that
 * can hold swap.  File systems do not agree on what FIEMAP reports (btrfs
 * gives addresses in its own logical space), so userspace asks here.
 */
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/sysfs.h>

#include "entry.h"
#include "ksyms.h"
#include "swap.h"
#include "swaparea.h"

/* One line for @si: its device, its header's page there, its file. */
static int torpor_swap_area_emit(struct swap_info_struct *si, int type,
				 char *buf, int at)
{
	dev_t dev = si->bdev->bd_dev;
	struct kstat st;
	int err;

	/*
	 * The file as stat() names it: btrfs reports the subvolume's
	 * anonymous device there, not the block device.
	 */
	err = vfs_getattr(&si->swap_file->f_path, &st, STATX_INO,
			  AT_STATX_SYNC_AS_STAT);
	if (err)
		return at;
	return at + sysfs_emit_at(buf, at, "%u:%u %llu %u:%u %llu\n",
				  MAJOR(dev), MINOR(dev),
				  (u64)swapdev_block(type, 0),
				  MAJOR(st.dev), MINOR(st.dev), st.ino);
}

/*
 * get_swap_device() holds off swapoff while the area is read.  It wants a
 * slot that exists: slot 1, as every area has a header and one slot.
 * NULL past the last area and for one being switched off.
 */
static struct swap_info_struct *torpor_swap_area_get(int type)
{
	if (!swp_swap_info(swp_entry(type, 1)))
		return NULL;
	return get_swap_device(swp_entry(type, 1));
}

ssize_t torpor_swaparea_show(char *buf)
{
	struct swap_info_struct *si;
	int type, at = 0;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (!swp_swap_info(swp_entry(type, 1)))
			break;
		si = torpor_swap_area_get(type);
		if (!si)
			continue;
		if (si->flags & SWP_WRITEOK)
			at = torpor_swap_area_emit(si, type, buf, at);
		put_swap_device(si);
	}
	return at;
}

/*
 * The image goes to the resume area alone: the free slots of the other
 * areas (a zram swap, say) are no room for it.
 */
static unsigned long torpor_swap_area_free(int type)
{
	struct swap_info_struct *si = torpor_swap_area_get(type);
	unsigned long free = 0;

	if (!si)
		return 0;
	if (si->flags & SWP_WRITEOK)
		free = si->pages - READ_ONCE(si->inuse_pages);
	put_swap_device(si);
	return free;
}

/*
 * Free slots of the area /sys/power/resume names.  One that is not active
 * takes only a snapshot, which may fill it (swap.c measured it when the
 * hibernation checked its target; 0 otherwise).
 */
unsigned long torpor_swaparea_resume_free(void)
{
	sector_t offset;
	dev_t dev;
	int type;

	torpor_entry_resume_target(&dev, &offset);
	type = swap_type_of(dev, offset);

	return type < 0 ? torpor_swap_raw_free() : torpor_swap_area_free(type);
}
