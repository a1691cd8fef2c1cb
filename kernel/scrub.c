// SPDX-License-Identifier: GPL-2.0
/*
 * Free pages after a restore.  The frames the image did not hold are free
 * in the restored system, but they hold whatever the boot kernel left
 * there: its page cache, the initramfs, keys typed at an unlock prompt.
 * An allocator that trusts free pages (init_on_free=1 skips zeroing
 * __GFP_ZERO allocations, page_poison=1 checks the pattern on every
 * allocation) would hand that out or call it corruption, so they get what
 * it expects, as the kernel's own hibernation does.  Without either, a
 * kernel that zeroes every allocation (init_on_alloc, the default of
 * distribution kernels) never shows their contents, so nothing is done; a
 * kernel that does not gets them cleared, so no boot-kernel data is handed
 * out.
 */
#include <linux/mm.h>
#include <linux/nmi.h>
#include <linux/poison.h>
#include <linux/sched/clock.h>

#include "scrub.h"
#include "snapshot.h"

enum torpor_scrub_how {
	TORPOR_SCRUB_NONE,
	TORPOR_SCRUB_ZERO,
	TORPOR_SCRUB_POISON,
};

struct torpor_scrub {
	enum torpor_scrub_how how;
	unsigned long pages;
};

static enum torpor_scrub_how torpor_scrub_how(void)
{
	if (page_poisoning_enabled_static())
		return TORPOR_SCRUB_POISON;
	if (want_init_on_free() || !want_init_on_alloc(0))
		return TORPOR_SCRUB_ZERO;
	return TORPOR_SCRUB_NONE;
}

/* Free pages are in the direct map: no highmem, no debug_pagealloc. */
static void torpor_scrub_block(unsigned long pfn, unsigned int order,
			       void *arg)
{
	struct torpor_scrub *s = arg;
	unsigned long i;
	void *addr;

	for (i = 0; i < 1UL << order; i++) {
		addr = page_address(pfn_to_page(pfn + i));
		if (s->how == TORPOR_SCRUB_POISON)
			memset(addr, PAGE_POISON, PAGE_SIZE);
		else
			clear_page(addr);
		if (!(++s->pages % TORPOR_WATCHDOG_PAGES))
			touch_nmi_watchdog();
	}
}

/**
 * torpor_scrub_free - clear or poison the free pages of a restored system
 *
 * Called in the image right after it takes over, on the only online CPU
 * with interrupts off, per-CPU data usable again.
 */
void torpor_scrub_free(void)
{
	struct torpor_scrub s = { .how = torpor_scrub_how() };
	u64 start = sched_clock();

	if (s.how == TORPOR_SCRUB_NONE)
		return;
	torpor_snapshot_walk_free(torpor_scrub_block, &s);
	pr_info("free pages %s after restore: %lu pages in %llu ms\n",
		s.how == TORPOR_SCRUB_POISON ? "poisoned" : "cleared", s.pages,
		div_u64(sched_clock() - start, NSEC_PER_MSEC));
}
