/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot boot: an image written once, marked reusable, and resumed at
 * every boot into a fresh session of the same state.
 */
#ifndef _TORPOR_REUSE_H
#define _TORPOR_REUSE_H

#include <linux/types.h>

#include "entry.h"

struct torpor_image_header;

void torpor_reuse_arm(bool on);
bool torpor_reuse_armed(void);
bool torpor_reuse_take(void);
u32 torpor_reuse_resumes(void);
int torpor_reuse_check_system(enum torpor_mode mode);
int torpor_reuse_check_swap(void);
int torpor_reuse_check_boot(const struct torpor_image_header *h);
void torpor_reuse_resumed(u32 resumes);

#endif /* _TORPOR_REUSE_H */
