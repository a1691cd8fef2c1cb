/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_DEV_H
#define TORPOR_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What an image is read from: a block device or regular file, or (for the
 * fuzzer) a memory buffer.  Reads and writes are all-or-nothing.
 */
struct dev {
	int fd;			/* -1 for a memory device */
	uint8_t *mem;
	uint64_t size;		/* bytes */
	const char *name;
};

int dev_open(struct dev *dev, const char *path, bool writable);
void dev_from_mem(struct dev *dev, void *buf, size_t len);
int dev_read(struct dev *dev, void *buf, size_t len, uint64_t off);
int dev_write(struct dev *dev, const void *buf, size_t len, uint64_t off);
int dev_sync(struct dev *dev);
void dev_close(struct dev *dev);

#endif
