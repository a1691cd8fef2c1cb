// SPDX-License-Identifier: GPL-2.0
/*
 * hibernate: for systems without systemd.  Checks what a hibernation with
 * torpor needs and says, one line per problem, what is missing and how to
 * fix it; with nothing missing, writes "disk" to /sys/power/state, which
 * returns in the resumed system.
 *
 * TORPOR_ROOT (tests only) is put in front of every /sys and /proc path;
 * the paths listed in /proc/swaps are taken as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "subcommands.h"
#include "swapfile.h"
#include "torpor_image.h"

struct hib {
	const char *root;
	int problems;
	dev_t dev;		/* resume device and offset */
	unsigned long long offset;
	char area[512];		/* the active swap area they name */
	unsigned long long pages;	/* the module's room file */
	unsigned long long slots;
	unsigned long long free_slots;
	unsigned long long least;
	char mode[32];		/* /sys/power/disk's choice */
};

static void problem(struct hib *h, const char *fmt, ...) __printf(2, 3);

static void problem(struct hib *h, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: hibernate: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	h->problems++;
}

static const char *path_of(const struct hib *h, const char *path, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s%s", h->root, path);
	return buf;
}

/* The first line of a sysfs or proc file; -1 with errno if unreadable. */
static int read_line(const struct hib *h, const char *path, char *buf,
		     size_t len)
{
	char full[4096];
	FILE *f = fopen(path_of(h, path, full, sizeof(full)), "re");
	int ret = 0;

	buf[0] = 0;
	if (!f)
		return -1;
	if (!fgets(buf, len, f)) {
		ret = -1;
		errno = ENODATA;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ret;
}

static void check_module(struct hib *h)
{
	char full[4096], buf[64];

	if (access(path_of(h, "/sys/power/torpor", full, sizeof(full)), F_OK)) {
		problem(h, "torpor module not loaded (no /sys/power/torpor): modprobe torpor");
		return;
	}
	if (read_line(h, "/sys/kernel/livepatch/torpor/enabled", buf, sizeof(buf)) ||
	    strcmp(buf, "1"))
		problem(h, "torpor's livepatch is not enabled, so the kernel's own hibernation would run: rmmod torpor; modprobe torpor");
	else if (!read_line(h, "/sys/kernel/livepatch/torpor/transition", buf, sizeof(buf)) &&
		 !strcmp(buf, "1"))
		problem(h, "torpor's livepatch is still being applied: try again in a few seconds");
}

/*
 * The lockdown mode, the word in brackets in securityfs's lockdown file
 * ("none [integrity] confidentiality"); -1 if it cannot be read (no
 * securityfs mounted, or a kernel without the lockdown LSM).
 */
static int lockdown_mode(const struct hib *h, char *mode, size_t len)
{
	char buf[128], *open, *close;

	if (read_line(h, "/sys/kernel/security/lockdown", buf, sizeof(buf)))
		return -1;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return -1;
	*close = 0;
	snprintf(mode, len, "%s", open + 1);
	return 0;
}

/*
 * The kernel does not say why "disk" is missing from /sys/power/state;
 * of its reasons lockdown is the one user space can read, so that one is
 * named, or ruled out.
 */
static void check_available(struct hib *h)
{
	char buf[256], mode[32];

	if (!read_line(h, "/sys/power/state", buf, sizeof(buf)) &&
	    strstr(buf, "disk"))
		return;
	if (lockdown_mode(h, mode, sizeof(mode)))
		problem(h, "the kernel offers no hibernation (no \"disk\" in /sys/power/state): kernel lockdown (Secure Boot), nohibernate on the kernel command line or secret memory in use");
	else if (strcmp(mode, "none"))
		problem(h, "hibernation is restricted by kernel lockdown (%s in /sys/kernel/security/lockdown: Secure Boot, lockdown= on the kernel command line or raised since boot): it lasts until a reboot",
			mode);
	else
		problem(h, "the kernel offers no hibernation (no \"disk\" in /sys/power/state), and no kernel lockdown: nohibernate or hibernate=no on the kernel command line, or secret memory in use (memfd_secret)");
}

static void check_kernel(struct hib *h)
{
	char buf[256], *open, *close;

	check_available(h);
	open = read_line(h, "/sys/power/disk", buf, sizeof(buf)) ? NULL : strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close) {
		problem(h, "no hibernation mode selected in /sys/power/disk: echo shutdown > /sys/power/disk");
		return;
	}
	*close = 0;
	snprintf(h->mode, sizeof(h->mode), "%s", open + 1);
	if (!strcmp(h->mode, "suspend"))
		problem(h, "/sys/power/disk is suspend, which torpor does not offer (it would power off): echo shutdown > /sys/power/disk");
}

static const char resume_fix[] =
	"boot with resume=DEVICE (and resume_offset=$(torpor offset FILE) for a swap file), or echo the offset to /sys/power/resume_offset, then MAJ:MIN to /sys/power/resume";

/* 0 if a resume device is set. */
static int read_resume(struct hib *h)
{
	unsigned int maj, min;
	char buf[64];

	if (read_line(h, "/sys/power/resume", buf, sizeof(buf))) {
		problem(h, "cannot read /sys/power/resume: %s", strerror(errno));
		return -1;
	}
	if (sscanf(buf, "%u:%u", &maj, &min) != 2) {
		problem(h, "/sys/power/resume reads \"%s\", not MAJ:MIN", buf);
		return -1;
	}
	h->dev = makedev(maj, min);
	if (!h->dev) {
		problem(h, "no resume device (/sys/power/resume is 0:0): %s", resume_fix);
		return -1;
	}
	if (read_line(h, "/sys/power/resume_offset", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu", &h->offset) != 1)
		h->offset = 0;
	return 0;
}

/* /proc/swaps escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = 0;
}

/*
 * torpor loaded with resume= takes resume_offset= from its own
 * parameter: from modprobe options or an initramfs that the next boot
 * uses again, so a wrong one there is a problem even when
 * /sys/power/resume_offset has been put right since.
 */
static void check_params(struct hib *h, const char *name, uint64_t right)
{
	unsigned long long param;
	char buf[256];

	if (read_line(h, "/sys/module/torpor/parameters/resume", buf, sizeof(buf)) ||
	    !buf[0] || !strcmp(buf, "(null)") ||
	    read_line(h, "/sys/module/torpor/parameters/resume_offset", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu", &param) != 1 || param == right)
		return;
	problem(h, "torpor was loaded with resume_offset=%llu but swap file %s starts at page %llu: set resume_offset=%llu where torpor's options are (modprobe.d, initramfs)",
		param, name, (unsigned long long)right, (unsigned long long)right);
}

/*
 * Whether the active area @name is the resume device.  With @explain, a
 * swap file on that device that starts elsewhere, or cannot hold an
 * image, is a problem.
 */
static bool area_matches(struct hib *h, const char *name, bool explain)
{
	struct swapfile_loc loc;
	struct stat st;
	char err[512];

	if (stat(name, &st))
		return false;
	if (S_ISBLK(st.st_mode))
		return st.st_rdev == h->dev && !h->offset;
	/* btrfs names its files with an anonymous device, not the disk. */
	if (!S_ISREG(st.st_mode) || (major(st.st_dev) && st.st_dev != h->dev))
		return false;
	if (swapfile_locate(name, &loc, err, sizeof(err))) {
		if (explain)
			problem(h, "%s", err);
		return false;
	}
	if (loc.dev != h->dev)
		return false;
	if (loc.offset == h->offset) {
		check_params(h, name, loc.offset);
		return true;
	}
	if (explain)
		problem(h, "resume_offset is %llu but swap file %s starts at page %llu: echo %llu > /sys/power/resume_offset",
			h->offset, name, (unsigned long long)loc.offset,
			(unsigned long long)loc.offset);
	return false;
}

/* Looks for the resume area in /proc/swaps; -1 if it cannot be read. */
static int scan_swaps(struct hib *h, bool explain)
{
	unsigned long long size, used;
	char line[1024], name[512];
	char full[4096];
	FILE *f;

	f = fopen(path_of(h, "/proc/swaps", full, sizeof(full)), "re");
	if (!f)
		return -1;
	while (!h->area[0] && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%511s %*s %llu %llu", name, &size, &used) != 3)
			continue;
		unescape(name);
		if (area_matches(h, name, explain))
			snprintf(h->area, sizeof(h->area), "%s", name);
	}
	fclose(f);
	return 0;
}

/* Problems are explained only once no area matched. */
static void check_swap(struct hib *h)
{
	int before;

	if (scan_swaps(h, false)) {
		problem(h, "cannot read /proc/swaps: %s", strerror(errno));
		return;
	}
	if (h->area[0])
		return;
	before = h->problems;
	scan_swaps(h, true);
	if (h->problems == before)
		problem(h, "resume device %u:%u offset %llu is not an active swap area (not in /proc/swaps): swapon it, or %s",
			major(h->dev), minor(h->dev), h->offset, resume_fix);
}

/*
 * The module's own rule, from its room file: "PAGES SLOTS FREE LEAST",
 * pages an image would save now, the slots the module reserves for them
 * (every page raw), the resume area's free slots, and the slots needed
 * after the most the reclaim hibernation starts with could do (page cache
 * dropped, anonymous memory swapped to other areas).  Only a shortfall
 * that reclaim cannot close is a problem.
 */
static void check_room(struct hib *h)
{
	char buf[128];

	if (read_line(h, "/sys/power/torpor/room", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu %llu %llu %llu", &h->pages, &h->slots,
		   &h->free_slots, &h->least) != 4) {
		problem(h, "cannot read /sys/power/torpor/room: %s (run as root, with a torpor module of this version)",
			strerror(errno ?: EINVAL));
		return;
	}
	if (h->least > h->free_slots)
		problem(h, "swap too small for the image: %llu pages to save need up to %llu slots, %llu free in the resume area %s, at least %llu even after reclaim: a larger swap area, or less memory in use",
			h->pages, h->slots, h->free_slots, h->area, h->least);
}

/* ", reclaim must free N first" when the image fits only after it. */
static const char *room_note(const struct hib *h, char *buf, size_t len)
{
	buf[0] = 0;
	if (h->slots > h->free_slots)
		snprintf(buf, len, ", after reclaiming at least %llu pages",
			 h->slots - h->free_slots);
	return buf;
}

static int trigger(struct hib *h)
{
	char full[4096], status[256];
	int fd, err = 0;

	fflush(stdout);
	fd = open(path_of(h, "/sys/power/state", full, sizeof(full)),
		  O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write(fd, "disk", 4) != 4)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (!err) {
		printf("resumed\n");
		return 0;
	}
	if (read_line(h, "/sys/power/torpor/status", status, sizeof(status)))
		snprintf(status, sizeof(status), "no status");
	return fail("hibernate", "hibernation failed: %s (torpor: %s)",
		    strerror(err), status);
}

int hibernate_main(int argc, char *argv[])
{
	struct hib h = { .root = getenv("TORPOR_ROOT") ?: "" };
	bool check_only = false;
	char note[96];

	if (argc == 2 && (!strcmp(argv[1], "-n") || !strcmp(argv[1], "--check")))
		check_only = true;
	else if (argc != 1)
		return fail("hibernate", "usage: %s hibernate [-n|--check]", prog_name);
	check_module(&h);
	check_kernel(&h);
	if (!read_resume(&h)) {
		check_swap(&h);
		if (h.area[0] && !h.problems)
			check_room(&h);
	}
	if (h.problems)
		return 1;
	printf("%s: %s (%u:%u offset %llu), %llu slots free, image of %llu pages needs up to %llu%s; mode %s\n",
	       check_only ? "ready to hibernate" : "hibernating", h.area,
	       major(h.dev), minor(h.dev), h.offset, h.free_slots, h.pages,
	       h.slots, room_note(&h, note, sizeof(note)), h.mode);
	return check_only ? 0 : trigger(&h);
}
