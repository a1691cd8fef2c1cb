/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress and results of the current or last hibernation or resume,
 * shown in /sys/power/torpor/.  Writers update it directly.  Beyond
 * sysfs, the phase times are read into the image's metadata (hibernate.c)
 * and, for the boot kernel's load and restore, handed over with the jump
 * to the resumed kernel (arch/x86/restore.c), which keeps them.
 */
#ifndef _TORPOR_STATS_H
#define _TORPOR_STATS_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>

enum torpor_phase {
	TORPOR_PHASE_IDLE,
	TORPOR_PHASE_FREEZE,
	TORPOR_PHASE_PREPARE,
	TORPOR_PHASE_SNAPSHOT,
	TORPOR_PHASE_WRITE,
	TORPOR_PHASE_LOAD,
	TORPOR_PHASE_RESTORE,
	TORPOR_PHASE_NR
};

#define TORPOR_ERROR_MSG_LEN	224

struct torpor_stats {
	enum torpor_phase phase;	/* READ_ONCE/WRITE_ONCE */
	u64 phase_start_ns;
	u64 phase_ns[TORPOR_PHASE_NR];	/* time spent in each phase */

	/* Counters may be bumped from several workers at once. */
	atomic64_t pages_total;		/* page frames in the image */
	atomic64_t pages_done;		/* written or loaded so far */
	atomic64_t zero_pages;		/* all-zero, stored as index only */
	atomic64_t bytes_written;	/* to the device, headers included */
	atomic64_t bytes_read;		/* of the block stream, while loading */
	atomic64_t image_bytes;		/* size of the finished image */

	/* The write or load under way, or the last one: see progress. */
	enum torpor_phase progress_phase;
	u64 progress_start_ns;
	u64 progress_end_ns;		/* 0 while it runs */
	atomic_t progress_tenths;	/* 10% steps logged so far */

	int last_error;			/* 0 or -errno of the last run */
	char last_error_msg[TORPOR_ERROR_MSG_LEN];
};

extern struct torpor_stats torpor_stats;

void torpor_stats_begin(enum torpor_phase first);
void torpor_stats_phase(enum torpor_phase phase);
bool torpor_stats_running(void);
__printf(2, 3) int torpor_stats_fail(int err, const char *fmt, ...);
int torpor_stats_record(int err, const char *msg);

void torpor_stats_progress_start(u64 total);
void torpor_stats_progress_add(u64 pages);
u64 torpor_stats_progress_mbps(void);

u64 torpor_stats_ratio_x100(u64 pages, u64 image_bytes);
const char *torpor_stats_phase_name(enum torpor_phase phase);
int torpor_stats_error(char *buf, size_t size);

#endif /* _TORPOR_STATS_H */
