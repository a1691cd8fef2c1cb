// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot: which page frames go into the image, and their copy.
 *
 * Frames are tracked in plain bitmaps over [0, max_pfn) of RAM.
 * Copy pages are set aside before devices are frozen, when memory can
 * still be reclaimed; the copy itself runs on one CPU with interrupts off,
 * so nothing changes under it.  The i-th copied frame, in ascending order,
 * is copied into the i-th page of the copy list.
 *
 * Pages on the LRU lists (page cache, anonymous and tmpfs memory) are not
 * copied but saved live: the atomic copy hashes them, and the writer
 * takes them from where they are once devices are back, checking each
 * against its hash.  Tasks and freezable kernel threads, reclaim and
 * compaction among them, stay frozen until the image is written, so
 * nothing is expected to change them; a page that changed nonetheless
 * fails the hibernation (writer.c), it never goes into the image.  That
 * spares a free frame per page in use, which is most of memory on a busy
 * system: without it, above half of memory in use, the snapshot would have
 * to push memory out to swap before it could start.
 */

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/jump_label.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nmi.h>
#include <linux/nodemask.h>
#include <linux/pagemap.h>
#include <linux/pfn.h>
#include <linux/sched/clock.h>
#include <linux/set_memory.h>
#include <linux/suspend.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <asm/page.h>

#include "alloc.h"
#include "bits.h"
#include "ksyms.h"
#include "ram.h"
#include "snapshot.h"
#include "stats.h"
#include "swaparea.h"
#include "verify.h"

/*
 * Copies are read through the direct map and held for the whole write:
 * not highmem, not movable or CMA.  Reclaim has been done by then, so an
 * allocation that would need more fails fast instead of eating reserves.
 */
#define TORPOR_COPY_GFP \
	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC)

/* Device suspend allocates between prepare and copy: extra copy pages. */
#define TORPOR_GROWTH_PAGES	(SZ_8M >> PAGE_SHIFT)
/* Free memory to keep beyond the copies, for drivers and the writer. */
#define TORPOR_RESERVE_PAGES	(SZ_16M >> PAGE_SHIFT)
#define TORPOR_SHRINK_PASSES	8

struct torpor_snapshot {
	unsigned long max_pfn;
	unsigned long *saved;		/* frames in the image */
	unsigned long *live;		/* saved frames written from where they are */
	unsigned long *own;		/* torpor's copies and bitmaps */
	unsigned long *free;		/* on the buddy lists at the copy */
	struct list_head copies;
	unsigned long nr_copies;
	u64 *hashes;			/* of the live frames, in ascending order */
	unsigned long nr_hashes;	/* room in hashes */
	struct torpor_snapshot_counts counts;
};

static struct torpor_snapshot snap = {
	.copies = LIST_HEAD_INIT(snap.copies),
};

typedef void (*torpor_zone_fn)(struct zone *zone, void *arg);

static void torpor_walk_zones(torpor_zone_fn fn, void *arg)
{
	struct zone *zone;
	int nid;

	for_each_online_node(nid) {
		for (zone = NODE_DATA(nid)->node_zones;
		     zone < NODE_DATA(nid)->node_zones + MAX_NR_ZONES; zone++)
			if (populated_zone(zone))
				fn(zone, arg);
	}
}

static bool torpor_pfn_nosave(unsigned long pfn)
{
	unsigned long begin = PFN_DOWN(__pa_symbol(&__nosave_begin));
	unsigned long end = PFN_UP(__pa_symbol(&__nosave_end));

	return pfn >= begin && pfn < end;
}

static bool torpor_pfn_own(unsigned long pfn)
{
	return pfn < snap.max_pfn && test_bit(pfn, snap.own);
}

static int torpor_mark_own(unsigned long pfn)
{
	if (pfn >= snap.max_pfn)
		return -ERANGE;
	__set_bit(pfn, snap.own);
	return 0;
}

enum torpor_frame {
	TORPOR_FRAME_SAVE,
	TORPOR_FRAME_OWN,
	TORPOR_FRAME_SKIP,
};

/*
 * Reserved frames are saved only where the kernel maps them: the kernel
 * image and early allocations yes, firmware holes and KFENCE guards no.
 * Free frames are told apart later, from the buddy lists.  @page is that
 * of @pfn, an online and valid frame.
 */
static enum torpor_frame torpor_classify_page(struct page *page,
					      unsigned long pfn)
{
	if (!torpor_ram_page_spanned(page, pfn) || PageOffline(page) ||
	    page_is_guard(page) || torpor_pfn_nosave(pfn))
		return TORPOR_FRAME_SKIP;
	if (torpor_pfn_own(pfn))
		return TORPOR_FRAME_OWN;
	if (PageReserved(page) && !kernel_page_present(page))
		return TORPOR_FRAME_SKIP;
	return TORPOR_FRAME_SAVE;
}

static enum torpor_frame torpor_classify(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!page || !pfn_valid(pfn))
		return TORPOR_FRAME_SKIP;
	return torpor_classify_page(page, pfn);
}

/* What the frames of a run have in common (torpor_runs_walk()). */
enum torpor_run {
	TORPOR_RUN_SKIP,	/* offline or not valid: none is saved */
	TORPOR_RUN_MAPPED,	/* online and valid: torpor_classify_page() */
	TORPOR_RUN_EACH,	/* ZONE_DEVICE shares the section: ask each */
};

static enum torpor_frame torpor_classify_in(enum torpor_run run,
					    unsigned long pfn)
{
	if (run == TORPOR_RUN_EACH)
		return torpor_classify(pfn);
	return torpor_classify_page(pfn_to_page(pfn), pfn);
}

typedef void (*torpor_run_fn)(unsigned long start, unsigned long end,
			      enum torpor_run run, void *arg);

struct torpor_runs {
	torpor_run_fn fn;
	void *arg;
};

static void torpor_runs_range(unsigned long start, unsigned long end,
			      void *data)
{
	struct torpor_runs *runs = data;
	unsigned long pfn, next;
	enum torpor_run run;

	for (pfn = start; pfn < end; pfn = next) {
		next = min(ALIGN(pfn + 1, PAGES_PER_SUBSECTION), end);
		if (online_device_section(__pfn_to_section(pfn)))
			run = TORPOR_RUN_EACH;
		else if (pfn_to_online_page(pfn) && pfn_valid(pfn))
			run = TORPOR_RUN_MAPPED;
		else
			run = TORPOR_RUN_SKIP;
		runs->fn(pfn, next, run, runs->arg);
	}
}

/*
 * The frames of RAM in runs of up to a subsection (2 MiB) that are all
 * online and valid or none: outside the sections ZONE_DEVICE shares, that
 * holds for a whole subsection.  The walks over every frame ask it once a
 * run instead of once a frame: under TCG, where a call costs some 130 ns,
 * the two it takes were 40 % of a walk.
 */
static void torpor_runs_walk(torpor_run_fn fn, void *arg)
{
	struct torpor_runs runs = { .fn = fn, .arg = arg };

	torpor_ram_walk(torpor_runs_range, &runs);
}

/*
 * A saved frame that can go into the image from where it is (see the top
 * of this file): on an LRU list, so written only by tasks and freed only
 * by reclaim.  Not unevictable pages, nor those of an unevictable mapping
 * not yet moved to that list (mlocked, ramfs, secretmem, GPU buffers),
 * which drivers may write, nor pages pinned for DMA.
 */
static bool torpor_frame_lru(unsigned long pfn)
{
	struct folio *folio = page_folio(pfn_to_page(pfn));
	struct address_space *mapping;

	if (!folio_test_lru(folio) || folio_test_unevictable(folio) ||
	    folio_maybe_dma_pinned(folio))
		return false;
	/*
	 * As folio_mapping(), without its call for every page in use: an
	 * anonymous folio's field is no address space, nor is that of one in
	 * the swap cache (which folio_mapping() maps to the swap's, never
	 * unevictable).
	 */
	mapping = READ_ONCE(folio->mapping);
	return !mapping || ((unsigned long)mapping & PAGE_MAPPING_FLAGS) ||
	       !mapping_unevictable(mapping);
}

/*
 * And in the direct map, where the atomic copy reads it.  The pages kept
 * out of it (secretmem's) are in unevictable mappings, so the estimates
 * before the copy, which walk every frame, spare themselves the page
 * table lookup.
 */
static bool torpor_frame_live(unsigned long pfn)
{
	return torpor_frame_lru(pfn) && kernel_page_present(pfn_to_page(pfn));
}

struct torpor_estimate {
	unsigned long candidates;	/* saveable frames, free ones too */
	unsigned long live;		/* of them on the LRU lists */
};

static void torpor_count_run(unsigned long start, unsigned long end,
			     enum torpor_run run, void *arg)
{
	struct torpor_estimate *e = arg;
	unsigned long pfn;

	if (run == TORPOR_RUN_SKIP)
		return;
	for (pfn = start; pfn < end; pfn++) {
		if (torpor_classify_in(run, pfn) != TORPOR_FRAME_SAVE)
			continue;
		e->candidates++;
		if (torpor_frame_lru(pfn))
			e->live++;
	}
}

/*
 * Frames an image would hold now (used ones, by the global free count)
 * and how many of them would be saved live.
 */
static unsigned long torpor_estimate_saveable(unsigned long *live)
{
	struct torpor_estimate e = {};
	unsigned long free;

	drain_all_pages(NULL);
	torpor_runs_walk(torpor_count_run, &e);
	free = global_zone_page_state(NR_FREE_PAGES);
	*live = e.live;
	return e.candidates > free ? e.candidates - free : 0;
}

/*
 * Copy pages for @saveable frames, @live of them saved live: pages may
 * leave the LRU lists before the atomic copy, or come into use.
 */
static unsigned long torpor_copies_for(unsigned long saveable,
				       unsigned long live)
{
	unsigned long copied = saveable - min(live, saveable);

	return copied + copied / 32 + live / 64 + TORPOR_GROWTH_PAGES;
}

/* Hashes for @live frames saved live, and for pages joining the LRU lists. */
static unsigned long torpor_hashes_for(unsigned long live)
{
	return live + live / 16 + TORPOR_GROWTH_PAGES;
}

static unsigned long torpor_hash_pages(unsigned long nr)
{
	return DIV_ROUND_UP(nr * sizeof(u64), PAGE_SIZE);
}

static void torpor_add_wmark(struct zone *zone, void *arg)
{
	*(unsigned long *)arg += high_wmark_pages(zone);
}

static unsigned long torpor_reserve_pages(void)
{
	unsigned long wmark = 0;

	torpor_walk_zones(torpor_add_wmark, &wmark);
	return wmark + totalram_pages() / 64 + TORPOR_RESERVE_PAGES;
}

/*
 * The image's preferred upper size in memory, bytes, as the kernel's
 * /sys/power/image_size; values above the RAM size read as the RAM size,
 * which is the default: only the swap area limits the image.
 */
static unsigned long torpor_image_size = ULONG_MAX;

unsigned long torpor_snapshot_image_size(void)
{
	return min(READ_ONCE(torpor_image_size), totalram_pages() << PAGE_SHIFT);
}

void torpor_snapshot_set_image_size(unsigned long bytes)
{
	WRITE_ONCE(torpor_image_size, bytes);
}

/*
 * Swap slots an image of @pages takes at most: compression can only be
 * known by compressing, so every page is counted as stored raw, plus
 * the index (16 bytes per page at worst), the map chain and the header.
 */
static unsigned long torpor_image_slots_for(unsigned long pages)
{
	return pages + pages / 64 + 16;
}

struct torpor_room {
	unsigned long saveable;		/* frames an image would hold now */
	unsigned long live;		/* of them saved live */
	unsigned long free;
	unsigned long need;		/* free frames copies and hashes need */
	unsigned long swap_free;	/* free slots in the resume area */
};

static void torpor_room_measure(struct torpor_room *r)
{
	r->saveable = torpor_estimate_saveable(&r->live);
	r->free = global_zone_page_state(NR_FREE_PAGES);
	r->need = torpor_copies_for(r->saveable, r->live) +
		  torpor_hash_pages(torpor_hashes_for(r->live)) +
		  torpor_reserve_pages();
	r->swap_free = torpor_swaparea_resume_free();
}

/*
 * Frames to reclaim so that the copies fit in free memory (a reclaimed
 * frame is one more free, and one less to copy only if it was not saved
 * live: reclaim takes LRU pages, so count the whole shortfall), the image
 * in the swap area, and the image in image_size.
 */
static unsigned long torpor_room_shortfall(const struct torpor_room *r)
{
	unsigned long limit = torpor_snapshot_image_size() >> PAGE_SHIFT;
	unsigned long slots = torpor_image_slots_for(r->saveable);
	unsigned long want = 0;

	if (r->free < r->need)
		want = r->need - r->free + TORPOR_GROWTH_PAGES;
	if (slots > r->swap_free)
		want = max(want, slots - r->swap_free);
	if (r->saveable > limit)
		want = max(want, r->saveable - limit);
	return want;
}

/*
 * Reclaim only what the copies, the swap area or image_size require:
 * page cache goes, anonymous and tmpfs memory goes to swap.  Otherwise
 * the page cache stays and is saved with the rest.  image_size is a
 * preference; memory and swap space are not.
 */
static int torpor_make_room(unsigned long *copies, unsigned long *hashes)
{
	struct torpor_room r;
	unsigned long want;
	int pass;

	for (pass = 0; ; pass++) {
		torpor_room_measure(&r);
		want = torpor_room_shortfall(&r);
		if (!want || pass == TORPOR_SHRINK_PASSES ||
		    !shrink_all_memory(want))
			break;
	}
	if (r.free < r.need)
		return torpor_stats_fail(-ENOMEM,
			"not enough memory for the snapshot: %lu pages in use, %lu free, %lu needed",
			r.saveable, r.free, r.need);
	if (torpor_image_slots_for(r.saveable) > r.swap_free)
		return torpor_stats_fail(-ENOSPC,
			"swap too small for the image: %lu pages to save need up to %lu slots, %lu free in the resume area after reclaim",
			r.saveable, torpor_image_slots_for(r.saveable), r.swap_free);
	if (want)
		pr_info("image_size not reached: %lu MiB to save after reclaim\n",
			r.saveable >> (20 - PAGE_SHIFT));
	*copies = torpor_copies_for(r.saveable, r.live);
	*hashes = torpor_hashes_for(r.live);
	return 0;
}

/*
 * Pages reclaim could take off an image at most: page cache and
 * reclaimable slab are dropped, anonymous and tmpfs memory leaves the
 * image only for another swap area (in the resume area it takes as many
 * slots as in the image).
 */
static unsigned long torpor_reclaimable(unsigned long resume_free)
{
	unsigned long other = max(0L, get_nr_swap_pages() - (long)resume_free);
	unsigned long anon = global_node_page_state(NR_ACTIVE_ANON) +
			     global_node_page_state(NR_INACTIVE_ANON);

	return global_node_page_state(NR_ACTIVE_FILE) +
	       global_node_page_state(NR_INACTIVE_FILE) +
	       global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) +
	       min(anon, other);
}

static void torpor_room_now(struct torpor_snapshot_room *room)
{
	unsigned long cut;
	struct torpor_room r;

	torpor_room_measure(&r);
	cut = min(torpor_reclaimable(r.swap_free), r.saveable);
	room->pages = r.saveable;
	room->slots = torpor_image_slots_for(r.saveable);
	room->free = r.swap_free;
	room->least = torpor_image_slots_for(r.saveable - cut);
}

/*
 * What torpor_make_room() finds now, for hibernate --check: the pages to
 * save, the slots they take, the resume area's free slots, and the slots
 * they would take after the most reclaim could do.  Under the system sleep
 * lock: a hibernation in progress owns the bitmaps the count reads.
 */
void torpor_snapshot_room(struct torpor_snapshot_room *room)
{
	unsigned int sleep_flags = lock_system_sleep();

	torpor_room_now(room);
	unlock_system_sleep(sleep_flags);
}

static void torpor_count_frames(unsigned long start, unsigned long end,
				void *arg)
{
	*(unsigned long *)arg += end - start;
}

/*
 * Whether the image would fit even if it held every frame of RAM that is
 * not free: then counting the frames one by one, which takes a while on
 * a large machine, could tell nothing more.
 */
static bool torpor_room_surely(void)
{
	unsigned long frames = 0, free = global_zone_page_state(NR_FREE_PAGES);

	torpor_ram_walk(torpor_count_frames, &frames);
	return torpor_image_slots_for(frames - min(free, frames)) <=
	       torpor_swaparea_resume_free();
}

/**
 * torpor_snapshot_check_room - refuse an image no reclaim can fit
 *
 * Called with the system sleep lock held, before anything is frozen: an
 * image that cannot fit in the resume area even after all the reclaim
 * the snapshot could do is refused while the system still runs as
 * before, instead of after freezing and reclaiming in vain.
 *
 * Return: 0, or -ENOSPC with the shortfall in the log.
 */
int torpor_snapshot_check_room(void)
{
	struct torpor_snapshot_room r;

	if (torpor_room_surely())
		return 0;
	torpor_room_now(&r);
	if (r.least <= r.free)
		return 0;
	return torpor_stats_fail(-ENOSPC,
		"swap too small for the image: %lu pages to save need at least %lu slots even after reclaim, %lu free in the resume area (%lu short)",
		r.pages, r.least, r.free, r.least - r.free);
}

/* Copies come in runs of this order where possible (see compress.c). */
#define TORPOR_COPY_ORDER	5

/* The atomic copy overwrites every byte of them. */
static int torpor_alloc_copies(unsigned long nr)
{
	unsigned long got;
	struct page *page;
	LIST_HEAD(pages);
	int err;

	err = torpor_alloc_pages(&pages, nr, TORPOR_COPY_GFP,
				 TORPOR_COPY_ORDER, &got);
	if (err)
		return torpor_stats_fail(err,
			"cannot set aside snapshot copies: %lu of %lu pages",
			got, nr);
	/* On the list first, where release finds every one of them. */
	list_splice_tail(&pages, &snap.copies);
	snap.nr_copies = got;
	list_for_each_entry(page, &snap.copies, lru)
		if (torpor_mark_own(page_to_pfn(page)))
			return torpor_stats_fail(-ERANGE,
				"copy page beyond System RAM");
	return 0;
}

static int torpor_mark_vmalloc_own(const void *addr, size_t size)
{
	size_t off;
	int err;

	for (off = 0; off < size; off += PAGE_SIZE) {
		err = torpor_mark_own(vmalloc_to_pfn(addr + off));
		if (err)
			return err;
	}
	return 0;
}

static int torpor_alloc_bitmaps(void)
{
	u64 max_pfn, pages;
	u32 ranges, crc;
	size_t size;

	torpor_ram_map(&ranges, &pages, &crc, &max_pfn);
	snap.max_pfn = max_pfn;
	size = BITS_TO_LONGS(snap.max_pfn) * sizeof(long);
	snap.own = vzalloc(size);
	snap.saved = vzalloc(size);
	snap.live = vzalloc(size);
	snap.free = vzalloc(size);
	if (!snap.own || !snap.saved || !snap.live || !snap.free)
		return torpor_stats_fail(-ENOMEM,
			"cannot allocate snapshot bitmaps (%zu bytes)", size);
	if (torpor_mark_vmalloc_own(snap.own, size) ||
	    torpor_mark_vmalloc_own(snap.saved, size) ||
	    torpor_mark_vmalloc_own(snap.live, size) ||
	    torpor_mark_vmalloc_own(snap.free, size))
		return torpor_stats_fail(-ERANGE, "bitmap beyond System RAM");
	return 0;
}

static int torpor_alloc_hashes(unsigned long nr)
{
	size_t size = array_size(nr, sizeof(*snap.hashes));

	snap.hashes = vmalloc(size);
	if (!snap.hashes)
		return torpor_stats_fail(-ENOMEM,
			"cannot allocate the hashes of %lu live pages", nr);
	snap.nr_hashes = nr;
	if (torpor_mark_vmalloc_own(snap.hashes, size))
		return torpor_stats_fail(-ERANGE, "hashes beyond System RAM");
	return 0;
}

/**
 * torpor_snapshot_prepare - set memory aside for the snapshot
 *
 * Runs with user space frozen and kernel threads still running, so that
 * reclaim can write to swap.  Frees memory only when needed.
 *
 * Return: 0, or a negative errno with the reason logged.
 */
int torpor_snapshot_prepare(void)
{
	unsigned long copies, hashes;
	int err;

	memset(&snap.counts, 0, sizeof(snap.counts));
	err = torpor_alloc_bitmaps();
	if (!err)
		err = torpor_make_room(&copies, &hashes);
	if (!err)
		err = torpor_alloc_hashes(hashes);
	if (!err)
		err = torpor_alloc_copies(copies);
	if (err)
		torpor_snapshot_release();
	snap.counts.copies = snap.nr_copies;
	return err;
}

static void torpor_mark_run(unsigned long start, unsigned long end,
			    enum torpor_run run, void *arg)
{
	struct torpor_snapshot_counts *counts = arg;
	unsigned long pfn;

	end = min(end, snap.max_pfn);
	if (run == TORPOR_RUN_SKIP) {
		counts->skipped += end > start ? end - start : 0;
		return;
	}
	for (pfn = find_next_zero_bit(snap.free, end, start); pfn < end;
	     pfn = find_next_zero_bit(snap.free, end, pfn + 1)) {
		if (!(pfn % TORPOR_WATCHDOG_PAGES))
			touch_nmi_watchdog();
		switch (torpor_classify_in(run, pfn)) {
		case TORPOR_FRAME_SAVE:
			__set_bit(pfn, snap.saved);
			if (counts->live < snap.nr_hashes && torpor_frame_live(pfn)) {
				__set_bit(pfn, snap.live);
				counts->live++;
			}
			break;
		case TORPOR_FRAME_OWN:
			counts->own++;
			break;
		case TORPOR_FRAME_SKIP:
			counts->skipped++;
			break;
		}
	}
}

struct torpor_free_walk {
	torpor_free_fn fn;
	void *arg;
};

static void torpor_walk_zone_free(struct zone *zone, void *data)
{
	struct torpor_free_walk *walk = data;
	unsigned int order, type;
	struct page *page;

	spin_lock(&zone->lock);
	for_each_migratetype_order(order, type)
		list_for_each_entry(page, &zone->free_area[order].free_list[type],
				    buddy_list)
			walk->fn(page_to_pfn(page), order, walk->arg);
	spin_unlock(&zone->lock);
}

/**
 * torpor_snapshot_walk_free - call @fn for each free block of the buddy allocator
 * @fn: gets the block's first frame and its order
 * @arg: passed to @fn
 *
 * The lists are exact only on the last online CPU with interrupts off,
 * after draining its per-CPU lists (the offline CPUs' were drained when
 * they went down): during the snapshot, and in the image right after it
 * returns there.
 */
void torpor_snapshot_walk_free(torpor_free_fn fn, void *arg)
{
	struct torpor_free_walk walk = { .fn = fn, .arg = arg };

	torpor_walk_zones(torpor_walk_zone_free, &walk);
}

static void torpor_mark_free(unsigned long pfn, unsigned int order,
			     void *arg)
{
	unsigned long *free = arg;

	if (pfn + (1UL << order) > snap.max_pfn)
		return;
	torpor_bits_set(snap.free, pfn, 1UL << order);
	*free += 1UL << order;
}

/* Frames not in the direct map are mapped for the time of their copy. */
static void torpor_copy_frame(void *dst, struct page *page)
{
	unsigned long addr = (unsigned long)page_address(page);

	if (kernel_page_present(page)) {
		copy_page(dst, (void *)addr);
		return;
	}
	set_direct_map_default_noflush(page);
	copy_page(dst, (void *)addr);
	set_direct_map_invalid_noflush(page);
	flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
}

static void torpor_copy_frames(void)
{
	struct list_head *copy = snap.copies.next;
	unsigned long pfn, n = 0, h = 0;

	for_each_set_bit(pfn, snap.saved, snap.max_pfn) {
		if (!(++n % TORPOR_WATCHDOG_PAGES))
			touch_nmi_watchdog();
		if (test_bit(pfn, snap.live)) {
			snap.hashes[h++] = torpor_live_hash(pfn_to_kaddr(pfn));
			continue;
		}
		torpor_copy_frame(page_address(list_entry(copy, struct page, lru)),
				  pfn_to_page(pfn));
		copy = copy->next;
	}
}

/*
 * torpor.verify=1: the struct pages of every frame in the memory map,
 * saved, free or a copy, must be saved too, or the restored kernel meets
 * the boot kernel's data in their place (its free lists, the copies list).
 */
static struct {
	unsigned long missing, pfn[4], map_pfn[4];
} torpor_memmap_check;

static void torpor_check_memmap(void)
{
	unsigned long pfn, map_pfn, last = ULONG_MAX;

	memset(&torpor_memmap_check, 0, sizeof(torpor_memmap_check));
	if (!torpor_verify_on())
		return;
	for (pfn = 0; pfn < snap.max_pfn; pfn++) {
		if (!pfn_to_online_page(pfn) || !torpor_ram_frame_mapped(pfn))
			continue;
		map_pfn = PHYS_PFN(slow_virt_to_phys(pfn_to_page(pfn)));
		if (map_pfn == last)
			continue;
		last = map_pfn;
		if (map_pfn < snap.max_pfn && test_bit(map_pfn, snap.saved))
			continue;
		if (torpor_memmap_check.missing < ARRAY_SIZE(torpor_memmap_check.pfn)) {
			torpor_memmap_check.pfn[torpor_memmap_check.missing] = pfn;
			torpor_memmap_check.map_pfn[torpor_memmap_check.missing] = map_pfn;
		}
		torpor_memmap_check.missing++;
	}
}

/*
 * torpor.verify=1, right after a restore: the copies are still this
 * kernel's allocations, listed and none of them free.
 */
static struct {
	unsigned long seen, bad, pfn;
	const char *why;
} torpor_copies_check;

void torpor_snapshot_check_copies(void)
{
	struct list_head *pos;

	memset(&torpor_copies_check, 0, sizeof(torpor_copies_check));
	if (!torpor_verify_on())
		return;
	for (pos = snap.copies.next; pos != &snap.copies; pos = pos->next) {
		struct page *page = list_entry(pos, struct page, lru);
		bool broken = pos->next->prev != pos;
		const char *why = NULL;

		torpor_copies_check.seen++;
		if (broken)
			why = "list broken after it";
		else if (PageBuddy(page))
			why = "free in the buddy allocator";
		else if (page_ref_count(page) != 1)
			why = "reference count not 1";
		if (!why)
			continue;
		if (!torpor_copies_check.bad++) {
			torpor_copies_check.pfn = page_to_pfn(page);
			torpor_copies_check.why = why;
		}
		if (broken)
			break;
	}
}

void torpor_snapshot_report_copies(void)
{
	const typeof(torpor_copies_check) *c = &torpor_copies_check;

	if (!c->seen)
		return;
	if (c->bad)
		pr_err("verify: %lu of %lu copies wrong after the restore, the first at frame %#lx: %s\n",
		       c->bad, c->seen, c->pfn, c->why);
	else
		pr_info("verify: all %lu copies intact after the restore\n", c->seen);
}

void torpor_snapshot_report_memmap(void)
{
	const typeof(torpor_memmap_check) *c = &torpor_memmap_check;
	unsigned long i;

	for (i = 0; i < min_t(unsigned long, c->missing, ARRAY_SIZE(c->pfn)); i++)
		pr_err("verify: struct page of frame %#lx is in frame %#lx, not saved (%s)\n",
		       c->pfn[i], c->map_pfn[i],
		       c->map_pfn[i] >= snap.max_pfn ? "beyond max_pfn" :
		       torpor_pfn_own(c->map_pfn[i]) ? "own" :
		       torpor_classify(c->map_pfn[i]) == TORPOR_FRAME_SKIP ? "not saveable" :
		       "free or not RAM");
	if (c->missing)
		pr_err("verify: %lu memory map frames not saved\n", c->missing);
}

/**
 * torpor_snapshot_copy - take the atomic snapshot
 *
 * Called on the last online CPU with interrupts off and devices frozen.
 *
 * Return: 0, or -ENOMEM when memory grew beyond the copies set aside.
 */
int torpor_snapshot_copy(void)
{
	struct torpor_snapshot_counts *counts = &snap.counts;
	/*
	 * Not local_clock(): with interrupts off it stays within a tick of
	 * the last one when the TSC is not stable.
	 */
	u64 start = sched_clock();

	drain_local_pages(NULL);
	torpor_bits_zero(snap.saved, snap.max_pfn);
	torpor_bits_zero(snap.live, snap.max_pfn);
	memset(counts, 0, sizeof(*counts));
	counts->copies = snap.nr_copies;
	/* First the free frames: the walk of the rest skips them. */
	torpor_bits_zero(snap.free, snap.max_pfn);
	torpor_snapshot_walk_free(torpor_mark_free, &counts->free);
	torpor_runs_walk(torpor_mark_run, counts);
	counts->saved = torpor_bits_weight(snap.saved, snap.max_pfn);
	counts->live = torpor_bits_weight(snap.live, snap.max_pfn);
	torpor_check_memmap();
	if (counts->saved - counts->live > snap.nr_copies)
		return torpor_stats_fail(-ENOMEM,
			"memory grew to %lu pages to copy since prepare, %lu set aside",
			counts->saved - counts->live, snap.nr_copies);
	torpor_copy_frames();
	counts->copy_ns = sched_clock() - start;
	return 0;
}

/**
 * torpor_snapshot_release - free the copies and bitmaps
 *
 * Also right after a restore: the copies are the image kernel's own
 * allocations then, only their contents are stale.
 */
void torpor_snapshot_release(void)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &snap.copies, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	snap.nr_copies = 0;
	vfree(snap.hashes);
	vfree(snap.live);
	vfree(snap.saved);
	vfree(snap.own);
	vfree(snap.free);
	snap.hashes = NULL;
	snap.nr_hashes = 0;
	snap.live = NULL;
	snap.saved = NULL;
	snap.own = NULL;
	snap.free = NULL;
	/* Nothing is own any more: room counts between hibernations. */
	snap.max_pfn = 0;
}

/*
 * Copy pages the writer is done with: set aside for growth that did not
 * come, or read into the image already.  They leave the copy list, and
 * the caller owns them from then on.  The writer fills them with stream
 * pages, which would otherwise be fresh allocations, each of them cleared
 * first under init_on_alloc.
 */

/* The list's tail, past the copies the atomic copy filled; NULL at its end. */
struct page *torpor_snapshot_take_spare(void)
{
	struct page *page;

	if (snap.nr_copies <= snap.counts.saved - snap.counts.live)
		return NULL;
	page = list_last_entry(&snap.copies, struct page, lru);
	list_del(&page->lru);
	snap.nr_copies--;
	return page;
}

/*
 * @data: a frame's copy, from torpor_snapshot_iter_next(), that the
 * iteration has passed.  Not counted off nr_copies: spares are all taken
 * before the first of these.
 */
struct page *torpor_snapshot_take_copy(const void *data)
{
	struct page *page = virt_to_page(data);

	list_del(&page->lru);
	return page;
}

/* Frames in the image: valid from the copy until the release. */
unsigned long torpor_snapshot_pages(void)
{
	return snap.saved ? snap.counts.saved : 0;
}

void torpor_snapshot_counts(struct torpor_snapshot_counts *counts)
{
	*counts = snap.counts;
}

void torpor_snapshot_iter_start(struct torpor_snapshot_iter *it)
{
	it->pfn = 0;
	it->copy = snap.copies.next;
	it->hash = 0;
}

/**
 * torpor_snapshot_iter_next - the next saved frame
 * @it: set up by torpor_snapshot_iter_start()
 * @p: filled in with the frame and where its data is
 *
 * Frames come in ascending order.
 *
 * Return: false after the last one.
 */
bool torpor_snapshot_iter_next(struct torpor_snapshot_iter *it,
			       struct torpor_snapshot_page *p)
{
	unsigned long next;

	if (!snap.saved)
		return false;
	next = find_next_bit(snap.saved, snap.max_pfn, it->pfn);
	if (next >= snap.max_pfn)
		return false;
	p->pfn = next;
	p->live = test_bit(next, snap.live);
	if (p->live) {
		p->data = pfn_to_kaddr(next);
		p->hash = snap.hashes[it->hash++];
	} else {
		p->data = page_address(list_entry(it->copy, struct page, lru));
		it->copy = it->copy->next;
	}
	it->pfn = next + 1;
	return true;
}
