/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TORPOR_SWAPAREA_H
#define _TORPOR_SWAPAREA_H

#include <linux/types.h>

/*
 * One line per active swap area into a sysfs page:
 * "MAJ:MIN PAGE FILE_MAJ:FILE_MIN INO", the area's block device, the
 * device page of its swap header (what resume_offset names), and the
 * device and inode number stat() gives for its file or device node.
 */
ssize_t torpor_swaparea_show(char *buf);

/* Free slots of the swap area /sys/power/resume names. */
unsigned long torpor_swaparea_resume_free(void);

#endif /* _TORPOR_SWAPAREA_H */
