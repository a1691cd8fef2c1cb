/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an image: the page-frame index, then every block, checked and
 * decompressed in parallel straight into the pages chosen by place.c.
 */
#ifndef _TORPOR_LOAD_H
#define _TORPOR_LOAD_H

#include <linux/types.h>

#include "torpor_image.h"

struct torpor_in;
struct torpor_place;

int torpor_load_index(struct torpor_in *in, struct torpor_extent **extp);
int torpor_load_blocks(struct torpor_in *in, struct torpor_place *pl);

#endif /* _TORPOR_LOAD_H */
