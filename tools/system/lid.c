// SPDX-License-Identifier: GPL-2.0
/*
 * lid NAMEFILE: a virtual laptop lid for the system tests.
 *
 * Creates a uinput device with one switch, SW_LID, open at first, and
 * writes the device's sysfs name (inputN) to NAMEFILE.  udev tags such a
 * device "power-switch" and logind watches it.  Then, until SIGTERM:
 * SIGUSR1 closes the lid, and the lid opens by itself as soon as the
 * system has slept, as a user opens a laptop to wake it.  It must open
 * before logind's hold-off after the resume ends, or logind puts the
 * system to sleep again; a script polling for the resume can be late
 * for that on a busy host.  Each change is printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static int emit(int fd, unsigned short type, unsigned short code, int value)
{
	struct input_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.code = code;
	ev.value = value;
	return write(fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

static int set_lid(int fd, int closed)
{
	if (emit(fd, EV_SW, SW_LID, closed) || emit(fd, EV_SYN, SYN_REPORT, 0))
		return -1;
	printf("lid: %s\n", closed ? "closed" : "open");
	fflush(stdout);
	return 0;
}

static int create_lid(const char *namefile)
{
	struct uinput_setup setup;
	char name[64] = "";
	FILE *f;
	int fd;

	fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "lid: /dev/uinput: %s\n", strerror(errno));
		return -1;
	}
	memset(&setup, 0, sizeof(setup));
	setup.id.bustype = BUS_VIRTUAL;
	snprintf(setup.name, sizeof(setup.name), "torpor systest lid");
	if (ioctl(fd, UI_SET_EVBIT, EV_SW) || ioctl(fd, UI_SET_SWBIT, SW_LID) ||
	    ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE) ||
	    ioctl(fd, UI_GET_SYSNAME(sizeof(name)), name) < 0) {
		fprintf(stderr, "lid: creating the uinput device: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	f = fopen(namefile, "w");
	if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f)) {
		fprintf(stderr, "lid: %s: %s\n", namefile, strerror(errno));
		close(fd);
		return -1;
	}
	printf("lid: device %s\n", name);
	return fd;
}

/* Seconds spent asleep since boot: CLOCK_MONOTONIC stops then, BOOTTIME not. */
static double slept(void)
{
	struct timespec boot, mono;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (double)(boot.tv_sec - mono.tv_sec) +
	       (boot.tv_nsec - mono.tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	double asleep_at_close = 0;
	int fd, sig, closed = 0;
	sigset_t set;

	if (argc != 2) {
		fprintf(stderr, "usage: lid NAMEFILE\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = create_lid(argv[1]);
	if (fd < 0 || set_lid(fd, 0))
		return 1;
	for (;;) {
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "lid: sigtimedwait: %s\n", strerror(errno));
			return 1;
		}
		if (sig < 0 && !(closed && slept() > asleep_at_close + 1))
			continue;
		if (sig < 0 || sig == SIGUSR1) {
			closed = sig == SIGUSR1;
			asleep_at_close = slept();
			if (set_lid(fd, closed)) {
				fprintf(stderr, "lid: write: %s\n", strerror(errno));
				return 1;
			}
			continue;
		}
		ioctl(fd, UI_DEV_DESTROY);
		close(fd);
		return 0;
	}
}
