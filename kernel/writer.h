/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing the snapshot as a torpor image to the resume device.
 */
#ifndef _TORPOR_WRITER_H
#define _TORPOR_WRITER_H

#include <linux/types.h>

#include "torpor_image.h"

/* What the hibernation sequence knows and the image header records. */
struct torpor_writer_meta {
	u32 flags;				/* TORPOR_FLAG_* */
	u64 freeze_ns;
	u64 prepare_ns;
	u64 snapshot_ns;
	struct torpor_arch_x86_64 arch;		/* little-endian already */
};

int torpor_writer_check_target(bool raw);
int torpor_writer_write(const struct torpor_writer_meta *meta);
int torpor_writer_discard(void);

#endif /* _TORPOR_WRITER_H */
