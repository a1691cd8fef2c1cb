/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Finding the run that holds a position, in runs sorted by where they
 * start and leaving no gap: the stream map (stream page to device page),
 * searched by the kernel's reader and the torpor command, and the index
 * (data page to frame), searched by the command.  One search for all of
 * them, shared by the kernel module and the torpor command.
 */
#ifndef _UAPI_TORPOR_RUNS_H
#define _UAPI_TORPOR_RUNS_H

#include <linux/types.h>

#ifndef __KERNEL__
#include <stddef.h>
#endif

/* Where run @i of the array @runs starts: each caller has its own type. */
typedef __u64 (*torpor_run_start_fn)(const void *runs, size_t i);

/*
 * The index of the last of @nr runs that starts at or before @pos.  The
 * caller makes sure the first run does (and that there is one): 0 is
 * returned otherwise.
 */
static inline size_t torpor_runs_find(const void *runs, size_t nr, __u64 pos,
				      torpor_run_start_fn start)
{
	size_t lo = 0, hi = nr;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (start(runs, mid) <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

#endif /* _UAPI_TORPOR_RUNS_H */
