/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_SWAPFILE_H
#define TORPOR_SWAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where a swap file's area starts on the block device under it. */
struct swapfile_loc {
	dev_t dev;		/* the file system's block device */
	uint64_t offset;	/* resume_offset: first page, in 4 KiB pages */
};

/*
 * Locates swap file path; 0, or -1 with one line saying why the file
 * cannot hold an image in err.
 */
int swapfile_locate(const char *path, struct swapfile_loc *loc, char *err,
		    size_t len);

/* The /dev node of block device dev, from sysfs; 0 or -1 with errno. */
int swapfile_dev_path(dev_t dev, char *buf, size_t len);

#endif
