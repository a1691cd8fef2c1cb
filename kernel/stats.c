// SPDX-License-Identifier: GPL-2.0
/*
 * Phase and error bookkeeping behind /sys/power/torpor/.
 */

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "stats.h"

struct torpor_stats torpor_stats;

/* Guards last_error and last_error_msg, which are read as a pair. */
static DEFINE_SPINLOCK(torpor_error_lock);

static const char * const torpor_phase_names[TORPOR_PHASE_NR] = {
	[TORPOR_PHASE_IDLE]	= "idle",
	[TORPOR_PHASE_FREEZE]	= "freezing",
	[TORPOR_PHASE_PREPARE]	= "preparing",
	[TORPOR_PHASE_SNAPSHOT]	= "snapshot",
	[TORPOR_PHASE_WRITE]	= "writing",
	[TORPOR_PHASE_LOAD]	= "loading",
	[TORPOR_PHASE_RESTORE]	= "restoring",
};

/**
 * torpor_stats_ratio_x100 - the compression ratio, in hundredths
 * @pages: page frames in the image, zero pages included
 * @image_bytes: the image on disk: stream, map, header and signature pages
 *
 * The one definition the kernel log, sysfs and the torpor tool share:
 * bytes of memory saved per byte of image, rounded to the nearest
 * hundredth as the tool's "%.2f" does.  Return: 0 without an image.
 */
u64 torpor_stats_ratio_x100(u64 pages, u64 image_bytes)
{
	if (!image_bytes)
		return 0;
	return div64_u64(pages * PAGE_SIZE * 100 + image_bytes / 2, image_bytes);
}

const char *torpor_stats_phase_name(enum torpor_phase phase)
{
	return phase < TORPOR_PHASE_NR ? torpor_phase_names[phase] : "?";
}

/*
 * local_clock() rather than ktime_get(): phases are switched while
 * timekeeping is suspended (around the atomic snapshot), where ktime_get()
 * warns.
 */
static u64 torpor_now(void)
{
	return local_clock();
}

static void torpor_set_error(int err, const char *msg)
{
	unsigned long flags;

	spin_lock_irqsave(&torpor_error_lock, flags);
	torpor_stats.last_error = err;
	strscpy(torpor_stats.last_error_msg, msg, TORPOR_ERROR_MSG_LEN);
	spin_unlock_irqrestore(&torpor_error_lock, flags);
}

/**
 * torpor_stats_begin - start a hibernation or resume run
 * @first: its first phase
 *
 * Clears the counters, durations and error of the previous run.
 */
void torpor_stats_begin(enum torpor_phase first)
{
	atomic64_set(&torpor_stats.pages_total, 0);
	atomic64_set(&torpor_stats.pages_done, 0);
	atomic64_set(&torpor_stats.zero_pages, 0);
	atomic64_set(&torpor_stats.bytes_written, 0);
	atomic64_set(&torpor_stats.bytes_read, 0);
	atomic64_set(&torpor_stats.image_bytes, 0);
	WRITE_ONCE(torpor_stats.progress_phase, TORPOR_PHASE_IDLE);
	memset(torpor_stats.phase_ns, 0, sizeof(torpor_stats.phase_ns));
	torpor_set_error(0, "");
	torpor_stats.phase_start_ns = torpor_now();
	WRITE_ONCE(torpor_stats.phase, first);
}

/**
 * torpor_stats_phase - enter the next phase of the current run
 * @phase: the new phase; TORPOR_PHASE_IDLE ends the run
 *
 * The time since the previous switch is charged to the phase being left,
 * so a phase entered twice (e.g. freezing before and after prepare)
 * accumulates.
 */
void torpor_stats_phase(enum torpor_phase phase)
{
	enum torpor_phase old = READ_ONCE(torpor_stats.phase);
	u64 now = torpor_now();

	if (old != TORPOR_PHASE_IDLE)
		WRITE_ONCE(torpor_stats.phase_ns[old],
			   torpor_stats.phase_ns[old] + now - torpor_stats.phase_start_ns);
	/* A write or load is over when its phase is. */
	if (old == READ_ONCE(torpor_stats.progress_phase) &&
	    !torpor_stats.progress_end_ns)
		WRITE_ONCE(torpor_stats.progress_end_ns, now);
	torpor_stats.phase_start_ns = now;
	WRITE_ONCE(torpor_stats.phase, phase);
}

/*
 * False once the current run has ended, so also once a failure has been
 * recorded: callers that pass an error on use it to record it only once.
 */
bool torpor_stats_running(void)
{
	return READ_ONCE(torpor_stats.phase) != TORPOR_PHASE_IDLE;
}

/**
 * torpor_stats_progress_start - a write or load of @total pages begins
 * @total: pages it will report through torpor_stats_progress_add()
 *
 * Belongs to the current phase (writing or loading), which also says
 * whether bytes_written or bytes_read measure its speed.
 */
void torpor_stats_progress_start(u64 total)
{
	atomic64_set(&torpor_stats.pages_total, total);
	atomic64_set(&torpor_stats.pages_done, 0);
	atomic_set(&torpor_stats.progress_tenths, 0);
	WRITE_ONCE(torpor_stats.progress_end_ns, 0);
	WRITE_ONCE(torpor_stats.progress_start_ns, torpor_now());
	WRITE_ONCE(torpor_stats.progress_phase, READ_ONCE(torpor_stats.phase));
}

/**
 * torpor_stats_progress_mbps - speed of the current or last write or load
 *
 * Return: bytes written or read per microsecond (MB/s, 10^6 bytes) from
 * its start to now, or to the end of its phase; 0 before any.
 */
u64 torpor_stats_progress_mbps(void)
{
	enum torpor_phase phase = READ_ONCE(torpor_stats.progress_phase);
	u64 start = READ_ONCE(torpor_stats.progress_start_ns);
	u64 end = READ_ONCE(torpor_stats.progress_end_ns) ?: torpor_now();
	atomic64_t *bytes = phase == TORPOR_PHASE_WRITE ?
			    &torpor_stats.bytes_written : &torpor_stats.bytes_read;

	/* local_clock() may differ by a little between CPUs. */
	if (phase == TORPOR_PHASE_IDLE || end <= start)
		return 0;
	return div64_u64(atomic64_read(bytes) * NSEC_PER_USEC, end - start);
}

/**
 * torpor_stats_progress_add - pages written or loaded
 * @pages: how many more are done
 *
 * Logs the percentage and speed at every 10% step, ten lines at most;
 * safe from several workers at once, of which one logs each step (a step
 * overtaken by a later one is not logged).
 */
void torpor_stats_progress_add(u64 pages)
{
	u64 total = atomic64_read(&torpor_stats.pages_total);
	u64 done = atomic64_add_return(pages, &torpor_stats.pages_done);
	int logged = atomic_read(&torpor_stats.progress_tenths);
	int tenths;

	if (!total || done > total)
		return;
	tenths = div64_u64(done * 10, total);
	/* A worker that raced ahead may have logged this step already. */
	do {
		if (tenths <= logged)
			return;
	} while (!atomic_try_cmpxchg(&torpor_stats.progress_tenths, &logged,
				     tenths));
	pr_info("%s image: %llu%%, %llu MB/s\n",
		READ_ONCE(torpor_stats.progress_phase) == TORPOR_PHASE_WRITE ?
		"writing" : "loading",
		div64_u64(done * 100, total), torpor_stats_progress_mbps());
}

/**
 * torpor_stats_fail - end the current run with an error
 * @err: negative errno
 * @fmt: what went wrong, for the log and the status file
 *
 * Return: @err, so callers can write "return torpor_stats_fail(...)".
 */
int torpor_stats_fail(int err, const char *fmt, ...)
{
	char msg[TORPOR_ERROR_MSG_LEN];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	pr_err("%s (error %d)\n", msg, err);
	return torpor_stats_record(err, msg);
}

/**
 * torpor_stats_record - end the current run with an error, not logged
 * @err: negative errno
 * @msg: what went wrong, for the status file
 *
 * For a refusal the kernel has logged already, in its own words (a
 * lockdown LSM's "Lockdown: ..." line): a line of torpor's would say it
 * twice.
 *
 * Return: @err.
 */
int torpor_stats_record(int err, const char *msg)
{
	torpor_set_error(err, msg);
	torpor_stats_phase(TORPOR_PHASE_IDLE);
	return err;
}

/**
 * torpor_stats_error - the last run's error
 * @buf: receives its message
 * @size: size of @buf
 *
 * Return: the error, 0 if the last run succeeded.
 */
int torpor_stats_error(char *buf, size_t size)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&torpor_error_lock, flags);
	err = torpor_stats.last_error;
	strscpy(buf, torpor_stats.last_error_msg, size);
	spin_unlock_irqrestore(&torpor_error_lock, flags);
	return err;
}
