// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 hand-over to the image.  The pages that could not be loaded in
 * place are copied home by the trampoline, from a safe page, on temporary
 * page tables built from safe pages too: the boot kernel's direct map of
 * every frame involved (so the trampoline keeps running across the CR3
 * switch, at the address it was entered at) and one page at the image's
 * landing point.  The landing code, in the image, switches to the image
 * kernel's own page tables.  Both kernels use KASLR independently, so
 * nothing here assumes an address of the image kernel other than the ones
 * its header gives.
 */
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/string.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#include "arch.h"
#include "place.h"
#include "stats.h"

extern const u8 torpor_trampoline[], torpor_trampoline_end[],
	torpor_trampoline_seed[], torpor_trampoline_verify[];

typedef void __noreturn (*torpor_trampoline_fn)(u64 temp_cr3, u64 pbe,
						 u64 image_cr3, u64 landing,
						 u64 load_ns, u64 restore_ns);

/* Present, writable, executable, not global. */
#define TORPOR_PT_ENTRY		_KERNPG_TABLE

static struct {
	u64 temp_cr3;
	void *code;			/* the trampoline's copy, in a safe page */
	u64 pbe;
	u64 image_cr3;
	u64 landing;
} torpor_handover;

/* Maps one page (@leaf_shift PAGE_SHIFT) or one 2 MiB page (PMD_SHIFT). */
static int torpor_map(struct torpor_place *pl, u64 *pgd, unsigned long va,
		      u64 pa, unsigned int leaf_shift)
{
	unsigned int shift = PAGE_SHIFT + 9 * (torpor_paging_levels() - 1);
	u64 *table = pgd, *e;

	for (; shift > leaf_shift; shift -= 9) {
		e = &table[(va >> shift) & (PTRS_PER_PTE - 1)];
		if (!*e) {
			void *next = torpor_place_safe_page(pl);

			if (!next)
				return -ENOMEM;
			*e = __pa(next) | TORPOR_PT_ENTRY;
		} else if (*e & _PAGE_PSE) {
			return -EEXIST;
		}
		table = __va(__sme_clr(*e & PTE_PFN_MASK));
	}
	e = &table[(va >> shift) & (PTRS_PER_PTE - 1)];
	if (*e)
		return -EEXIST;
	*e = pa | TORPOR_PT_ENTRY | (leaf_shift > PAGE_SHIFT ? _PAGE_PSE : 0);
	return 0;
}

/*
 * Every 2 MiB region holding an image frame (the copy's destinations) or a
 * page of torpor's (sources, copy list, trampoline), where the boot kernel
 * maps it.  Page-table pages allocated meanwhile need no mapping.
 */
static int torpor_map_frames(struct torpor_place *pl, u64 *pgd)
{
	const unsigned int per_region = PMD_SHIFT - PAGE_SHIFT;
	unsigned long pfn = 0, region;
	int ret;

	for (;;) {
		pfn = min(find_next_bit(pl->image, pl->max_pfn, pfn),
			  find_next_bit(pl->ours, pl->max_pfn, pfn));
		if (pfn >= pl->max_pfn)
			return 0;
		region = pfn >> per_region;
		ret = torpor_map(pl, pgd, (unsigned long)__va(region << PMD_SHIFT),
				 (u64)region << PMD_SHIFT, PMD_SHIFT);
		if (ret)
			return ret;
		pfn = (region + 1) << per_region;
	}
}

/**
 * torpor_arch_restore_check - can this CPU enter the image at all?
 * @arch: the image's x86-64 restore data, checked by torpor_check_arch()
 */
int torpor_arch_restore_check(const struct torpor_arch_x86_64 *arch)
{
	u32 levels = le32_to_cpu(arch->paging_levels);

	/* A mov to CR3 cannot switch between 4- and 5-level paging. */
	if (levels != torpor_paging_levels())
		return torpor_stats_fail(-EINVAL, "image refused: written with %u-level paging, this CPU uses %u",
					 levels, torpor_paging_levels());
	return 0;
}

/**
 * torpor_arch_restore_prepare - build what the hand-over needs
 * @arch: the image's x86-64 restore data, checked
 * @pl: the loaded image's placement; supplies the safe pages
 */
int torpor_arch_restore_prepare(const struct torpor_arch_x86_64 *arch,
				struct torpor_place *pl)
{
	u64 code_pfn = le64_to_cpu(arch->restore_code_pfn);
	u64 cr3 = le64_to_cpu(arch->cr3);
	u64 *pgd;
	int ret;

	if (code_pfn >= pl->max_pfn || !test_bit(code_pfn, pl->image) ||
	    cr3 >> PAGE_SHIFT >= pl->max_pfn || !test_bit(cr3 >> PAGE_SHIFT, pl->image))
		return torpor_stats_fail(-EINVAL, "image refused: its landing code or page tables are not in it");
	torpor_handover.code = torpor_place_safe_page(pl);
	pgd = torpor_place_safe_page(pl);
	if (!torpor_handover.code || !pgd)
		return torpor_stats_fail(-ENOMEM, "not enough memory for the hand-over");
	memcpy(torpor_handover.code, torpor_trampoline,
	       torpor_trampoline_end - torpor_trampoline);
	/* Fresh for the image kernel's random pool, whatever it holds. */
	get_random_bytes(torpor_handover.code +
			 (torpor_trampoline_seed - torpor_trampoline), 16);
	memcpy(torpor_handover.code +
	       (torpor_trampoline_verify - torpor_trampoline), &pl->verify,
	       sizeof(pl->verify));
	ret = torpor_map_frames(pl, pgd) ?:
	      torpor_map(pl, pgd, le64_to_cpu(arch->restore_code_virt),
			 code_pfn << PAGE_SHIFT, PAGE_SHIFT);
	if (ret == -EEXIST)
		return torpor_stats_fail(ret, "image refused: its landing page collides with this kernel's direct map");
	if (ret)
		return torpor_stats_fail(ret, "not enough memory for temporary page tables");
	torpor_handover.temp_cr3 = __sme_pa(pgd);
	torpor_handover.pbe = (unsigned long)pl->pbe_first;
	torpor_handover.image_cr3 = cr3;
	torpor_handover.landing = le64_to_cpu(arch->entry_virt);
	return 0;
}

/*
 * The boot kernel maps its direct map non-executable; the trampoline's
 * page must be executable for the jump into it.
 */
static int torpor_make_executable(unsigned long va)
{
	pgd_t *pgd = pgd_offset_pgd(__va(read_cr3_pa()), va);
	p4d_t *p4d = p4d_offset(pgd, va);
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	if (p4d_none(*p4d))
		return -EFAULT;
	pud = pud_offset(p4d, va);
	if (pud_leaf(*pud)) {
		set_pud(pud, __pud(pud_val(*pud) & ~_PAGE_NX));
		goto out;
	}
	pmd = pmd_offset(pud, va);
	if (pmd_leaf(*pmd)) {
		set_pmd(pmd, __pmd(pmd_val(*pmd) & ~_PAGE_NX));
		goto out;
	}
	pte = pte_offset_kernel(pmd, va);
	set_pte(pte, __pte(pte_val(*pte) & ~_PAGE_NX));
out:
	__flush_tlb_all();
	return 0;
}

/**
 * torpor_arch_restore_jump - copy the rest home and enter the image
 *
 * Called with interrupts off on the only online CPU, devices quiesced.
 *
 * Return: only if the jump could not be made, -errno after logging.
 */
int torpor_arch_restore_jump(void)
{
	torpor_trampoline_fn tramp = torpor_handover.code;

	if (torpor_make_executable((unsigned long)tramp))
		return torpor_stats_fail(-EFAULT, "resume aborted: trampoline page not mapped");
	/* This run ends here; the image reports its times. */
	torpor_stats_phase(TORPOR_PHASE_IDLE);
	tramp(torpor_handover.temp_cr3, torpor_handover.pbe,
	      torpor_handover.image_cr3, torpor_handover.landing,
	      torpor_stats.phase_ns[TORPOR_PHASE_LOAD],
	      torpor_stats.phase_ns[TORPOR_PHASE_RESTORE]);
}
