// SPDX-License-Identifier: GPL-2.0
/*
 * Where a swap file sits on its block device, as resume_offset names it:
 * the physical byte offset of the file's first page divided by the page
 * size (the kernel's swap_type_of() compares it with the first swap
 * extent).
 *
 * An active swap file is looked up in /sys/power/torpor/swap_areas: the
 * kernel's own swap extents, right on every file system that holds swap.
 * Otherwise FIEMAP (or FIBMAP) says, where the file system's st_dev is
 * its block device and FIEMAP reports places on it: not on btrfs, whose
 * FIEMAP gives addresses in its own logical space.  Every extent is
 * checked, because the kernel writes the image into the file's blocks
 * behind the file system's back: they must be allocated, written, not
 * shared and at a known place on this device.
 *
 * TORPOR_ROOT (tests only) is put in front of the sysfs path.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compiler.h"
#include "swapfile.h"
#include "torpor_image.h"

#define FIEMAP_BATCH	64
#define SWAP_AREAS	"/sys/power/torpor/swap_areas"

/*
 * Flags that imply others come first, so the message names the cause.
 * Unwritten (fallocated) extents are fine, as for swapon: the image goes
 * to the device underneath, never through the file.
 */
static const struct {
	uint32_t flag;
	const char *what;
} bad_extents[] = {
	{ FIEMAP_EXTENT_DELALLOC, "is not allocated yet (delayed allocation)" },
	{ FIEMAP_EXTENT_DATA_ENCRYPTED, "is encrypted" },
	{ FIEMAP_EXTENT_DATA_INLINE, "is inline in the file system's metadata" },
	{ FIEMAP_EXTENT_DATA_TAIL, "is packed into a shared tail block" },
	{ FIEMAP_EXTENT_ENCODED, "is compressed or encoded" },
	{ FIEMAP_EXTENT_UNKNOWN, "is at no known place on the device" },
	{ FIEMAP_EXTENT_NOT_ALIGNED, "is not aligned to blocks" },
	{ FIEMAP_EXTENT_SHARED, "is shared with another file (reflink or snapshot)" },
};

struct locate {
	const char *path;
	uint64_t size;
	uint64_t next;		/* first byte no extent covered yet */
	uint64_t first_byte;	/* physical byte of logical byte 0 */
	char *err;
	size_t len;
};

static int locate_fail(struct locate *l, const char *fmt, ...) __printf(2, 3);

static int locate_fail(struct locate *l, const char *fmt, ...)
{
	int n = snprintf(l->err, l->len, "%s: ", l->path);
	va_list ap;

	if (n < 0 || (size_t)n >= l->len)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->len - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_extent(struct locate *l, const struct fiemap_extent *fe)
{
	/* Preallocated past the end: never swap, never part of the image. */
	if (fe->fe_logical >= l->size)
		return 0;
	if (fe->fe_logical > l->next)
		return locate_fail(l, "has a hole at byte %llu (swapon refuses it too)",
				   (unsigned long long)l->next);
	for (size_t i = 0; i < ARRAY_SIZE(bad_extents); i++)
		if (fe->fe_flags & bad_extents[i].flag)
			return locate_fail(l, "extent at byte %llu %s",
					   (unsigned long long)fe->fe_logical,
					   bad_extents[i].what);
	if (!fe->fe_logical)
		l->first_byte = fe->fe_physical;
	if (fe->fe_logical + fe->fe_length > l->next)
		l->next = fe->fe_logical + fe->fe_length;
	return 0;
}

/* 0, -1 on a refusal, 1 if the file system has no FIEMAP. */
static int locate_fiemap(struct locate *l, int fd)
{
	size_t size = sizeof(struct fiemap) +
		      FIEMAP_BATCH * sizeof(struct fiemap_extent);
	struct fiemap *fm = malloc(size);
	bool last = false;
	int ret = 0;

	if (!fm)
		return locate_fail(l, "out of memory");
	while (!ret && !last && l->next < l->size) {
		memset(fm, 0, size);
		fm->fm_start = l->next;
		fm->fm_length = FIEMAP_MAX_OFFSET - l->next;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0) {
			ret = errno == EOPNOTSUPP || errno == ENOTTY ? 1 :
			      locate_fail(l, "FIEMAP: %s", strerror(errno));
			break;
		}
		if (!fm->fm_mapped_extents)
			break;
		for (uint32_t i = 0; !ret && i < fm->fm_mapped_extents; i++) {
			ret = check_extent(l, &fm->fm_extents[i]);
			last = fm->fm_extents[i].fe_flags & FIEMAP_EXTENT_LAST;
		}
	}
	free(fm);
	if (!ret && l->next < l->size)
		ret = locate_fail(l, "has a hole at byte %llu (swapon refuses it too)",
				  (unsigned long long)l->next);
	return ret;
}

/* Without FIEMAP only the first page can be checked: it must be contiguous. */
static int locate_fibmap(struct locate *l, int fd)
{
	int bsz, blk, first = 0, n;

	if (ioctl(fd, FIGETBSZ, &bsz) < 0 || bsz <= 0)
		return locate_fail(l, "no FIEMAP, and FIGETBSZ failed: %s", strerror(errno));
	n = bsz < TORPOR_PAGE_SIZE ? TORPOR_PAGE_SIZE / bsz : 1;
	for (int i = 0; i < n; i++) {
		blk = i;
		if (ioctl(fd, FIBMAP, &blk) < 0)
			return locate_fail(l, "no FIEMAP, and FIBMAP failed: %s%s", strerror(errno),
					   errno == EPERM ? " (FIBMAP needs root)" : "");
		if (!blk)
			return locate_fail(l, "has a hole at byte %llu",
					   (unsigned long long)i * bsz);
		if (!i)
			first = blk;
		else if (blk != first + i)
			return locate_fail(l, "its first page is not contiguous on the device");
	}
	l->first_byte = (uint64_t)first * bsz;
	return 0;
}

/*
 * The kernel's answer for an active swap file: 0, 1 if the file is not
 * an active swap area (or torpor is not loaded: *loaded says which).
 */
static int locate_kernel(const struct stat *st, struct swapfile_loc *loc,
			 bool *loaded)
{
	unsigned int maj, min, fmaj, fmin;
	unsigned long long page, ino;
	char path[4096], line[256];
	int ret = 1;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", getenv("TORPOR_ROOT") ?: "", SWAP_AREAS);
	f = fopen(path, "re");
	*loaded = f != NULL;
	while (f && ret && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u:%u %llu %u:%u %llu", &maj, &min, &page,
			   &fmaj, &fmin, &ino) != 6 ||
		    makedev(fmaj, fmin) != st->st_dev || ino != st->st_ino)
			continue;
		loc->dev = makedev(maj, min);
		loc->offset = page;
		ret = 0;
	}
	if (f)
		fclose(f);
	return ret;
}

/* Whether btrfs stores data in more than one copy or stripe. */
static bool btrfs_data_striped(int fd)
{
	struct btrfs_ioctl_space_args head = { 0 }, *args;
	bool striped = false;

	if (ioctl(fd, BTRFS_IOC_SPACE_INFO, &head) || !head.total_spaces)
		return false;
	args = calloc(1, sizeof(*args) +
		      head.total_spaces * sizeof(args->spaces[0]));
	if (!args)
		return false;
	args->space_slots = head.total_spaces;
	if (!ioctl(fd, BTRFS_IOC_SPACE_INFO, args))
		for (uint64_t i = 0; i < args->total_spaces; i++)
			if (args->spaces[i].flags & BTRFS_BLOCK_GROUP_DATA &&
			    args->spaces[i].flags & BTRFS_BLOCK_GROUP_PROFILE_MASK)
				striped = true;
	free(args);
	return striped;
}

/*
 * A btrfs file the kernel has not taken as swap: why it cannot be swap,
 * as btrfs's swapon would say, or else that only the kernel knows.
 */
static int locate_btrfs(struct locate *l, int fd, bool loaded)
{
	int flags = 0;

	if (!ioctl(fd, FS_IOC_GETFLAGS, &flags) && flags & FS_COMPR_FL)
		return locate_fail(l, "is compressed on btrfs (swapon refuses it too): no fixed place on the device");
	if (!(flags & FS_NOCOW_FL))
		return locate_fail(l, "is copy-on-write on btrfs (swapon refuses it too): make it with \"btrfs filesystem mkswapfile\", or chattr +C while it is empty");
	if (btrfs_data_striped(fd))
		return locate_fail(l, "is on btrfs with a RAID or DUP data profile (swapon refuses it too): no single place on one device");
	if (locate_fiemap(l, fd) < 0)
		return -1;
	if (!loaded)
		return locate_fail(l, "on btrfs only the kernel knows where the file starts on the device: modprobe torpor, swapon the file, then ask again");
	return locate_fail(l, "on btrfs only the kernel knows where the file starts on the device, once it is active swap: swapon it, then ask again");
}

static int locate_fd(struct locate *l, int fd, struct swapfile_loc *loc)
{
	struct statfs sfs;
	struct stat st;
	bool loaded;
	int ret;

	if (fstat(fd, &st) < 0)
		return locate_fail(l, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return locate_fail(l, "not a regular file");
	if (!st.st_size)
		return locate_fail(l, "empty file");
	if (!locate_kernel(&st, loc, &loaded))
		return 0;
	l->size = st.st_size;
	if (!fstatfs(fd, &sfs) && sfs.f_type == BTRFS_SUPER_MAGIC)
		return locate_btrfs(l, fd, loaded);
	/* tmpfs and network file systems have anonymous devices. */
	if (!major(st.st_dev))
		return locate_fail(l, "on a file system without a block device of its own (tmpfs, network): no resume device to name");
	ret = locate_fiemap(l, fd);
	if (ret > 0)
		ret = locate_fibmap(l, fd);
	if (ret)
		return -1;
	if (l->first_byte % TORPOR_PAGE_SIZE)
		return locate_fail(l, "first block at byte %llu of the device is not page-aligned",
				   (unsigned long long)l->first_byte);
	loc->dev = st.st_dev;
	loc->offset = l->first_byte / TORPOR_PAGE_SIZE;
	return 0;
}

int swapfile_locate(const char *path, struct swapfile_loc *loc, char *err,
		    size_t len)
{
	struct locate l = { .path = path, .err = err, .len = len };
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return locate_fail(&l, "%s", strerror(errno));
	ret = locate_fd(&l, fd, loc);
	close(fd);
	return ret;
}

int swapfile_dev_path(dev_t dev, char *buf, size_t len)
{
	char uevent[64], line[256];
	struct stat st;
	bool found = false;
	FILE *f;

	snprintf(uevent, sizeof(uevent), "/sys/dev/block/%u:%u/uevent",
		 major(dev), minor(dev));
	f = fopen(uevent, "re");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "DEVNAME=", 8);
	fclose(f);
	if (!found) {
		errno = ENODEV;
		return -1;
	}
	line[strcspn(line, "\n")] = 0;
	snprintf(buf, len, "/dev/%s", line + 8);
	if (stat(buf, &st) < 0)
		return -1;
	if (!S_ISBLK(st.st_mode) || st.st_rdev != dev) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}
