// SPDX-License-Identifier: GPL-2.0
/*
 * The RAM map: this machine's System RAM ranges, from the resource tree.
 * The snapshot sizes its bitmaps by it, the writer records it in the
 * header, and resume refuses an image written on a different map, since
 * the image's frames would not all exist or mean the same.
 */
#include <linux/ioport.h>
#include <linux/minmax.h>
#include <linux/pfn.h>

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

/**
 * torpor_ram_walk - call @fn for each System RAM range, in ascending order
 * @fn: called with the range's first and end (exclusive) page frame
 * @arg: passed on to @fn
 */
void torpor_ram_walk(torpor_ram_range_fn fn, void *arg)
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

/**
 * torpor_ram_map - describe this machine's RAM
 * @ranges: number of System RAM ranges
 * @pages: page frames in them
 * @fingerprint: crc32c over the (start, end) pfn pairs, end exclusive,
 *	each a __le64, in ascending order
 * @max_pfn: end of the highest range
 */
void torpor_ram_map(u32 *ranges, u64 *pages, u32 *fingerprint, u64 *max_pfn)
{
	struct torpor_ram_summary map = { .crc = ~0u };

	torpor_ram_walk(torpor_ram_map_add, &map);
	*ranges = map.ranges;
	*pages = map.pages;
	*fingerprint = ~map.crc;
	*max_pfn = map.max_pfn;
}
