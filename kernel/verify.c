// SPDX-License-Identifier: GPL-2.0
/*
 * Restore verification, for testing: torpor.verify=1 on the boot
 * kernel's command line.  The image's checksums prove that the boot
 * kernel read what was written; they cannot show that every frame holds
 * its data once the image kernel runs again (a frame the final copy
 * missed, a device writing memory after the hand-over).  So the boot
 * kernel lists every frame it restores with the crc32c of what it put
 * there, in safe pages, which the final copy does not touch, and hands
 * the list over through the trampoline; the image kernel checks every
 * frame against it right after the landing, with interrupts still off.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/pfn.h>
#include <linux/sched/task_stack.h>
#include <asm/sections.h>
#include <linux/vmalloc.h>

#include "arch.h"
#include "crc.h"
#include "index.h"
#include "ksyms.h"
#include "torpor_image.h"
#include "verify.h"

static bool verify;
module_param(verify, bool, 0644);
MODULE_PARM_DESC(verify, "check every restored frame in the resumed kernel (testing)");

/* In the frame number's top bits: how the boot kernel restored it. */
#define TORPOR_VERIFY_IN_PLACE	BIT_ULL(63)
#define TORPOR_VERIFY_ZERO	BIT_ULL(62)
#define TORPOR_VERIFY_FLAGS	(TORPOR_VERIFY_IN_PLACE | TORPOR_VERIFY_ZERO)

struct torpor_verify_entry {
	u64 pfn;
	u32 crc;
	u32 pad;
};

/*
 * The magic tells a list from what an older trampoline leaves in %r9 (the
 * hand-over time) when the initramfs still has an older torpor.
 */
#define TORPOR_VERIFY_MAGIC	0x7970666972657674ULL	/* "tverifpy" */

struct torpor_verify_page {
	u64 magic;
	u64 next;		/* physical address, 0 in the last page */
	u64 count;
	u64 pad;
	struct torpor_verify_entry e[(PAGE_SIZE - 32) /
				     sizeof(struct torpor_verify_entry)];
};

static struct torpor_verify_page *torpor_verify_add(struct torpor_place *pl,
						    struct torpor_verify_page *last,
						    u64 *first)
{
	struct torpor_verify_page *p;

	if (last && last->count < ARRAY_SIZE(last->e))
		return last;
	p = torpor_place_safe_page(pl);
	if (!p)
		return NULL;
	p->magic = TORPOR_VERIFY_MAGIC;
	if (last)
		last->next = __pa(p);
	else
		*first = __pa(p);
	return p;
}

bool torpor_verify_on(void)
{
	return verify;
}

struct torpor_verify_walk {
	struct torpor_place *pl;
	struct torpor_verify_page *last;
	u64 first;
	u32 zero_crc;
};

static int torpor_verify_list_frame(unsigned long pfn, s64 data, void *arg)
{
	struct torpor_verify_walk *w = arg;
	struct torpor_verify_entry e = { pfn, w->zero_crc };

	w->last = torpor_verify_add(w->pl, w->last, &w->first);
	if (!w->last)
		return -ENOMEM;
	if (data < 0) {
		e.pfn |= TORPOR_VERIFY_ZERO;
	} else {
		e.crc = torpor_crc32c(w->pl->dest[data], PAGE_SIZE);
		if (w->pl->dest[data] == pfn_to_kaddr(pfn))
			e.pfn |= TORPOR_VERIFY_IN_PLACE;
	}
	w->last->e[w->last->count++] = e;
	return 0;
}

/**
 * torpor_verify_build - list every frame with what the restore puts there
 * @pl: placement, loaded
 * @ext: the index
 * @n: its extents
 *
 * Return: the list's physical address, 0 when verification is off or
 * memory ran out (the resume goes on unverified then).
 */
u64 torpor_verify_build(struct torpor_place *pl,
			const struct torpor_extent *ext, u64 n)
{
	struct torpor_verify_walk w = {
		.pl = pl,
		.zero_crc = torpor_crc32c(page_address(ZERO_PAGE(0)), PAGE_SIZE),
	};

	if (!verify)
		return 0;
	if (torpor_index_for_each(ext, n, torpor_verify_list_frame, &w)) {
		pr_warn("verify: out of memory, the restore goes unverified\n");
		return 0;
	}
	return w.first;
}

#define TORPOR_VERIFY_SHOWN	16

static struct {
	u64 frames, differ, unmapped, landing;
	u64 shown[TORPOR_VERIFY_SHOWN];
	bool lost;
} torpor_verified;

/*
 * A frame the landing and the way back to here have written since: the
 * context it fills, these results, the stack, and static per-CPU data,
 * which restore_processor_state() writes (sched_clock's, for every CPU).
 */
static bool torpor_verify_landing(unsigned long pfn)
{
	const void *stack = task_stack_page(current);
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn), off;

	if (is_kernel_percpu_address(addr) ||
	    is_kernel_percpu_address(addr + PAGE_SIZE - 1))
		return true;

	if (pfn == vmalloc_to_pfn(&torpor_arch_ctx) ||
	    pfn == vmalloc_to_pfn(&torpor_verified))
		return true;
	for (off = 0; off < THREAD_SIZE; off += PAGE_SIZE)
		if (pfn == vmalloc_to_pfn(stack + off))
			return true;
	return false;
}

static void torpor_verify_frame(const struct torpor_verify_entry *e)
{
	unsigned long pfn = e->pfn & ~TORPOR_VERIFY_FLAGS;
	struct page *page = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;

	if (!page || !kernel_page_present(page)) {
		torpor_verified.unmapped++;
		return;
	}
	torpor_verified.frames++;
	if (torpor_crc32c(page_address(page), PAGE_SIZE) == e->crc)
		return;
	if (torpor_verify_landing(pfn)) {
		torpor_verified.landing++;
		return;
	}
	if (torpor_verified.differ < TORPOR_VERIFY_SHOWN)
		torpor_verified.shown[torpor_verified.differ] = e->pfn;
	torpor_verified.differ++;
}

/* The boot kernel's list page at @list, if it is one and mapped here. */
static const struct torpor_verify_page *torpor_verify_page(u64 list)
{
	unsigned long pfn = PHYS_PFN(list);
	const struct torpor_verify_page *p;

	if (offset_in_page(list) || !pfn_valid(pfn) ||
	    !kernel_page_present(pfn_to_page(pfn)))
		return NULL;
	p = __va(list);
	return p->magic == TORPOR_VERIFY_MAGIC ? p : NULL;
}

/**
 * torpor_verify_restored - check every frame the boot kernel listed
 * @list: the list's physical address, from the landing; 0 for none
 *
 * Called in the image right after restore_processor_state(), which must
 * come first (per-CPU data is not usable before), interrupts off, nothing
 * else run since the landing.  The list lives in frames this kernel does
 * not use.
 */
void torpor_verify_restored(u64 list)
{
	memset(&torpor_verified, 0, sizeof(torpor_verified));
	while (list) {
		const struct torpor_verify_page *p = torpor_verify_page(list);
		u64 i;

		if (!p) {
			torpor_verified.lost = true;
			return;
		}
		for (i = 0; i < p->count && i < ARRAY_SIZE(p->e); i++)
			torpor_verify_frame(&p->e[i]);
		touch_nmi_watchdog();
		list = p->next;
	}
}

static const char *torpor_verify_how(u64 pfn)
{
	if (pfn & TORPOR_VERIFY_ZERO)
		return "zero";
	return pfn & TORPOR_VERIFY_IN_PLACE ? "loaded in place" : "copied home";
}

/* Whether @pfn is in the kernel image's mapping (text, data, bss). */
static bool torpor_verify_in_kernel(u64 pfn)
{
	return PFN_PHYS(pfn) >= __pa_symbol(_text) &&
	       PFN_PHYS(pfn) - __pa_symbol(_text) < KERNEL_IMAGE_SIZE;
}

/* Says what torpor_verify_restored() found, once interrupts are back on. */
void torpor_verify_report(void)
{
	const typeof(torpor_verified) *v = &torpor_verified;
	u64 i;

	if (v->lost)
		pr_err("verify: the boot kernel's frame list is not readable here: not verified\n");
	if (!v->frames)
		return;
	if (!v->differ) {
		pr_info("verify: all %llu restored frames hold what the boot kernel loaded (%llu written since the landing, %llu not mapped)\n",
			v->frames, v->landing, v->unmapped);
		return;
	}
	pr_err("verify: %llu of %llu restored frames differ from what the boot kernel loaded (%llu more written since the landing, %llu not mapped)\n",
	       v->differ, v->frames, v->landing, v->unmapped);
	for (i = 0; i < min_t(u64, v->differ, TORPOR_VERIFY_SHOWN); i++) {
		u64 pfn = v->shown[i] & ~TORPOR_VERIFY_FLAGS;

		pr_err("verify: frame %#llx differs (%s)%s%pS\n", pfn,
		       torpor_verify_how(v->shown[i]),
		       torpor_verify_in_kernel(pfn) ? ", kernel image at " : "",
		       torpor_verify_in_kernel(pfn) ?
		       (void *)(__START_KERNEL_map + PFN_PHYS(pfn) - phys_base) : NULL);
	}
}
