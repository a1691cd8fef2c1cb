/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the kernel's hibernation entry reaches torpor.
 */
#ifndef _TORPOR_ENTRY_H
#define _TORPOR_ENTRY_H

#include <linux/types.h>

/* What to do once the image is written: the choice in /sys/power/disk. */
enum torpor_mode {
	TORPOR_MODE_SHUTDOWN,		/* power off */
	TORPOR_MODE_REBOOT,		/* reboot */
	TORPOR_MODE_PLATFORM,		/* ACPI S4 through the platform */
	TORPOR_MODE_SUSPEND,		/* suspend to RAM, image as fallback */
	TORPOR_MODE_TEST_RESUME,	/* restore from the image right away */
};

enum torpor_mode torpor_entry_mode(void);
int torpor_entry_parse_resume(const char *str, dev_t *dev, sector_t *offset);
int torpor_entry_resume(dev_t dev, sector_t offset);
void torpor_entry_resume_target(dev_t *dev, sector_t *offset);

int torpor_entry_init(void);

#endif /* _TORPOR_ENTRY_H */
