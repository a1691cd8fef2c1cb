/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Restore verification (torpor.verify=1): every restored frame checked,
 * in the image kernel, against what the boot kernel put there.
 */
#ifndef _TORPOR_VERIFY_H
#define _TORPOR_VERIFY_H

#include <linux/types.h>

#include "place.h"

struct torpor_extent;

u64 torpor_verify_build(struct torpor_place *pl,
			const struct torpor_extent *ext, u64 n);
void torpor_verify_restored(u64 list);
void torpor_verify_report(void);

#endif /* _TORPOR_VERIFY_H */
