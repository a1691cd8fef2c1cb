// SPDX-License-Identifier: GPL-2.0
/*
 * torpor: hibernation (suspend to disk) as a loadable module.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "entry.h"
#include "ksyms.h"
#include "sysfs.h"

static char *resume;
module_param(resume, charp, 0444);
MODULE_PARM_DESC(resume,
		 "Resume from this device at load: MAJ:MIN or a device path (same as writing it to /sys/power/resume)");

static ulong resume_offset;
module_param(resume_offset, ulong, 0444);
MODULE_PARM_DESC(resume_offset,
		 "Offset of the image in pages, for a swap file (as /sys/power/resume_offset)");

/* A refused image was logged by resume; the boot goes on without it. */
static int torpor_resume_at_load(void)
{
	sector_t offset = resume_offset;
	dev_t dev;
	int err;

	if (!resume)
		return 0;
	err = torpor_entry_parse_resume(resume, &dev, &offset);
	if (err) {
		pr_err("resume=%s: not a block device (%d)\n", resume, err);
		return err;
	}
	torpor_entry_resume(dev, offset);
	return 0;
}

static int __init torpor_init(void)
{
	int err;

	/* First: nothing may reach a kernel symbol before it is proven. */
	err = torpor_ksyms_check();
	if (err)
		return err;
	err = torpor_sysfs_init();
	if (err)
		return err;
	err = torpor_resume_at_load();
	if (err)
		goto err_sysfs;
	/* Last: once the entry is patched, hibernation requests arrive. */
	err = torpor_entry_init();
	if (err)
		goto err_sysfs;
	return 0;

err_sysfs:
	torpor_sysfs_uninit();
	return err;
}

/*
 * Only reached once the livepatch is disabled: while it is enabled it holds
 * a reference on this module.
 */
static void __exit torpor_exit(void)
{
	torpor_sysfs_uninit();
}

module_init(torpor_init);
module_exit(torpor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hibernation (suspend to disk) to a swap area, with LZ4");
MODULE_VERSION(TORPOR_VERSION);
MODULE_INFO(livepatch, "Y");
