/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_KSHIM_SLAB_H
#define TORPOR_KSHIM_SLAB_H
#include <stdlib.h>
#define GFP_KERNEL	0
#define kvcalloc(n, size, gfp)	calloc(n, size)
#define kvfree(p)	free(p)
#endif
