/* SPDX-License-Identifier: GPL-2.0 */
/*
 * This machine's RAM: walked by the snapshot and the loader, the
 * firmware's ranges summed up in the image header and checked on resume.
 */
#ifndef _TORPOR_RAM_H
#define _TORPOR_RAM_H

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/types.h>

typedef void (*torpor_ram_range_fn)(unsigned long start_pfn,
				    unsigned long end_pfn, void *arg);
void torpor_ram_walk(torpor_ram_range_fn fn, void *arg);
bool torpor_ram_frame_mapped(unsigned long pfn);
void torpor_ram_map(u32 *ranges, u64 *pages, u32 *fingerprint, u64 *max_pfn);

/*
 * The part of torpor_ram_frame_mapped() that must be asked frame by frame
 * (a zone may end anywhere): is @page, of the valid frame @pfn, in the
 * span of its zone?
 */
static inline bool torpor_ram_page_spanned(struct page *page,
					   unsigned long pfn)
{
	return zone_spans_pfn(page_zone(page), pfn);
}

#endif /* _TORPOR_RAM_H */
