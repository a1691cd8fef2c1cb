// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev.h"

/*
 * The kernel writes images and signatures with bios that go around the
 * device's page cache, and discard writes a swap file's signature through
 * the file: cached pages of the device may be stale, so drop them (clean
 * pages only; needs no privilege).
 */
static int dev_drop_cache(struct dev *dev)
{
	errno = posix_fadvise(dev->fd, 0, 0, POSIX_FADV_DONTNEED);
	return errno ? -1 : 0;
}

static int dev_size(struct dev *dev)
{
	struct stat st;

	if (fstat(dev->fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		dev->size = st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(dev->fd, BLKGETSIZE64, &dev->size) ?:
		       dev_drop_cache(dev);
	errno = ENOTBLK;
	return -1;
}

/*
 * A block device is opened O_EXCL for writing so that an active swap area
 * (which the kernel holds exclusively) is refused rather than overwritten.
 */
int dev_open(struct dev *dev, const char *path, bool writable)
{
	int flags = O_CLOEXEC | (writable ? O_RDWR : O_RDONLY);
	struct stat st;

	memset(dev, 0, sizeof(*dev));
	dev->name = path;
	if (writable && !stat(path, &st) && S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	dev->fd = open(path, flags);
	if (dev->fd < 0)
		return -1;
	if (dev_size(dev) < 0) {
		int saved = errno;

		close(dev->fd);
		dev->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

void dev_from_mem(struct dev *dev, void *buf, size_t len)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	dev->mem = buf;
	dev->size = len;
	dev->name = "memory";
}

static bool dev_range_ok(struct dev *dev, size_t len, uint64_t off)
{
	if (off > dev->size || len > dev->size - off) {
		errno = ENXIO;
		return false;
	}
	return true;
}

static int dev_rw(struct dev *dev, uint8_t *buf, size_t len, uint64_t off,
		  bool write)
{
	if (!dev_range_ok(dev, len, off))
		return -1;
	if (dev->fd < 0) {
		memcpy(write ? dev->mem + off : buf,
		       write ? buf : dev->mem + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = write ? pwrite(dev->fd, buf, len, off) :
				    pread(dev->fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;	/* the device shrank under us */
			return -1;
		}
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int dev_read(struct dev *dev, void *buf, size_t len, uint64_t off)
{
	return dev_rw(dev, buf, len, off, false);
}

int dev_write(struct dev *dev, const void *buf, size_t len, uint64_t off)
{
	return dev_rw(dev, (uint8_t *)buf, len, off, true);
}

int dev_sync(struct dev *dev)
{
	return dev->fd < 0 ? 0 : fsync(dev->fd);
}

void dev_close(struct dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}
