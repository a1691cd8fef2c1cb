/* SPDX-License-Identifier: GPL-2.0 */
/*
 * This machine's RAM: walked by the snapshot and the loader, the
 * firmware's ranges summed up in the image header and checked on resume.
 */
#ifndef _TORPOR_RAM_H
#define _TORPOR_RAM_H

#include <linux/types.h>

typedef void (*torpor_ram_range_fn)(unsigned long start_pfn,
				    unsigned long end_pfn, void *arg);
void torpor_ram_walk(torpor_ram_range_fn fn, void *arg);
bool torpor_ram_frame_mapped(unsigned long pfn);
void torpor_ram_map(u32 *ranges, u64 *pages, u32 *fingerprint, u64 *max_pfn);

#endif /* _TORPOR_RAM_H */
