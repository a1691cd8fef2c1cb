// SPDX-License-Identifier: GPL-2.0
/*
 * The RAM map.  The writer records the firmware's RAM ranges in the
 * header and resume compares them: an image written on a different map
 * would have frames that do not exist here or mean something else.
 *
 * The snapshot saves from, and the loader accepts, the firmware's RAM and
 * this boot's System RAM together.  The firmware's, because each boot
 * reserves small parts of RAM for itself in places that vary from boot to
 * boot (the EFI tables a UEFI firmware hands over), which the image
 * kernel's pages may overwrite as the kernel's own resume does; and a
 * boot may reserve them after its own early allocations went there: 6.1
 * turns EFI boot-services data it keeps (efi_mem_reserve(), the boot logo
 * of the laptop guest's firmware) into reserved ranges after the memory
 * map may already sit on it, so System RAM alone would leave part of the
 * memory map out of the image.  This boot's System RAM too, because RAM
 * the firmware's map does not have (hotplugged DIMMs and virtio-mem,
 * memmap=nn@ss) is in use like any other.
 */
#include <linux/ioport.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pfn.h>

#include "arch.h"
#include "crc.h"
#include "ram.h"

struct torpor_ram_walk_arg {
	torpor_ram_range_fn fn;
	void *arg;
};

static int torpor_ram_resource(struct resource *res, void *data)
{
	struct torpor_ram_walk_arg *walk = data;
	unsigned long start = PFN_UP(res->start);
	unsigned long end = PFN_DOWN(res->end + 1);

	if (start < end)
		walk->fn(start, end, walk->arg);
	return 0;
}

/* Each System RAM range of the resource tree, in ascending order. */
static void torpor_ram_system_walk(torpor_ram_range_fn fn, void *arg)
{
	struct torpor_ram_walk_arg walk = { .fn = fn, .arg = arg };

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1,
			    &walk, torpor_ram_resource);
}

struct torpor_ram_summary {
	u32 ranges;
	u64 pages;
	u32 crc;
	u64 max_pfn;
};

static void torpor_ram_map_add(unsigned long start, unsigned long end,
			       void *arg)
{
	__le64 pair[2] = { cpu_to_le64(start), cpu_to_le64(end) };
	struct torpor_ram_summary *map = arg;

	map->ranges++;
	map->pages += end - start;
	map->crc = torpor_crc32c_update(map->crc, pair, sizeof(pair));
	map->max_pfn = max_t(u64, map->max_pfn, end);
}

/* The first range of either map from @from on, clipped to start there. */
struct torpor_ram_next {
	unsigned long from, start, end;
};

static void torpor_ram_next_add(unsigned long start, unsigned long end,
				void *arg)
{
	struct torpor_ram_next *next = arg;

	start = max(start, next->from);
	if (start >= end || start > next->start)
		return;
	if (start < next->start)
		next->end = end;
	next->start = start;
	next->end = max(next->end, end);
}

static bool torpor_ram_next(unsigned long from, unsigned long *start,
			    unsigned long *end)
{
	struct torpor_ram_next next = { .from = from, .start = ULONG_MAX };

	torpor_arch_firmware_ram_walk(torpor_ram_next_add, &next);
	torpor_ram_system_walk(torpor_ram_next_add, &next);
	*start = next.start;
	*end = next.end;
	return next.start != ULONG_MAX;
}

/**
 * torpor_ram_walk - call @fn for each range of RAM, the firmware's and
 *	this boot's System RAM merged, in ascending order
 * @fn: called with the range's first and end (exclusive) page frame
 * @arg: passed on to @fn
 *
 * Both maps have a few dozen ranges at most: looking for the next one in
 * both, range by range, needs no memory, which the atomic copy has none
 * to give.
 */
void torpor_ram_walk(torpor_ram_range_fn fn, void *arg)
{
	unsigned long start, end, more_start, more_end;

	if (!torpor_ram_next(0, &start, &end))
		return;
	while (torpor_ram_next(end, &more_start, &more_end)) {
		if (more_start != end) {
			fn(start, end, arg);
			start = more_start;
		}
		end = more_end;
	}
	fn(start, end, arg);
}

/**
 * torpor_ram_frame_mapped - is @pfn in this boot's memory map?
 * @pfn: a frame of RAM (torpor_ram_walk())
 *
 * The copy home goes through the frames' struct pages, and the kernel's
 * own hibernation takes only frames its zones span: RAM this boot left out
 * of its memory map (frame 0, which x86 keeps from the BIOS; mem=,
 * memmap=) is neither saved nor restored.
 */
bool torpor_ram_frame_mapped(unsigned long pfn)
{
	return pfn_valid(pfn) && torpor_ram_page_spanned(pfn_to_page(pfn), pfn);
}

/**
 * torpor_ram_map - describe this machine's RAM
 * @ranges: number of the firmware's RAM ranges
 * @pages: page frames in them
 * @fingerprint: crc32c over their (start, end) pfn pairs, end exclusive,
 *	each a __le64, in ascending order
 * @max_pfn: end of the highest RAM range, the firmware's or this boot's
 */
void torpor_ram_map(u32 *ranges, u64 *pages, u32 *fingerprint, u64 *max_pfn)
{
	struct torpor_ram_summary fw = { .crc = ~0u }, sys = {};

	torpor_arch_firmware_ram_walk(torpor_ram_map_add, &fw);
	torpor_ram_system_walk(torpor_ram_map_add, &sys);
	*ranges = fw.ranges;
	*pages = fw.pages;
	*fingerprint = ~fw.crc;
	*max_pfn = max(fw.max_pfn, sys.max_pfn);
}
