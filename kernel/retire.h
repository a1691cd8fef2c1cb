/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image a hibernation writes is retired (its area turned back into
 * swap) by the kernel it holds, once that kernel runs again; a snapshot's
 * is renewed for the next boot instead.
 */
#ifndef _TORPOR_RETIRE_H
#define _TORPOR_RETIRE_H

#include <linux/types.h>

struct torpor_retire {
	struct torpor_bdev b;
	u64 sig_page;
	bool reusable;			/* a snapshot's: renewed, not retired */
};

int torpor_retire_open(struct torpor_retire *r, bool reusable);
void torpor_retire_close(struct torpor_retire *r, bool restored);

#endif /* _TORPOR_RETIRE_H */
