// SPDX-License-Identifier: GPL-2.0
/*
 * What a restore needs to know about this kernel to re-enter it.  KASLR
 * places the kernel text, the direct map and modules differently on every
 * boot, so all of it is recorded rather than assumed.
 */

#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/e820/api.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#include "arch.h"
#include "ksyms.h"

struct torpor_arch_context torpor_arch_ctx;

/* PTI keeps the user half of a pgd in the page after the kernel half. */
#define TORPOR_PTI_USER_PGD	BIT_ULL(PAGE_SHIFT)

static void torpor_arch_check_layout(void)
{
#define TORPOR_CTX_AT(field, off) \
	BUILD_BUG_ON(offsetof(struct torpor_arch_context, field) != (off))
	TORPOR_CTX_AT(rbx, TORPOR_CTX_RBX);
	TORPOR_CTX_AT(rbp, TORPOR_CTX_RBP);
	TORPOR_CTX_AT(r12, TORPOR_CTX_R12);
	TORPOR_CTX_AT(r13, TORPOR_CTX_R13);
	TORPOR_CTX_AT(r14, TORPOR_CTX_R14);
	TORPOR_CTX_AT(r15, TORPOR_CTX_R15);
	TORPOR_CTX_AT(rsp, TORPOR_CTX_RSP);
	TORPOR_CTX_AT(rip, TORPOR_CTX_RIP);
	TORPOR_CTX_AT(rflags, TORPOR_CTX_RFLAGS);
	TORPOR_CTX_AT(boot_load_ns, TORPOR_CTX_BOOT_LOAD);
	TORPOR_CTX_AT(boot_restore_ns, TORPOR_CTX_BOOT_RESTORE);
	TORPOR_CTX_AT(boot_seed, TORPOR_CTX_BOOT_SEED);
	TORPOR_CTX_AT(boot_verify, TORPOR_CTX_BOOT_VERIFY);
	TORPOR_CTX_AT(gdt, TORPOR_CTX_GDT);
#undef TORPOR_CTX_AT
}

/*
 * In kernel mode CR3 holds the kernel half of the pgd.  The PCID bits go:
 * the trampoline may load this value while CR4.PCIDE is clear, and
 * restore_processor_state() puts the exact saved CR3 back anyway.
 */
static u64 torpor_arch_kernel_cr3(void)
{
	return read_cr3_pa() & ~TORPOR_PTI_USER_PGD;
}

/**
 * torpor_arch_prepare - record how to re-enter this kernel
 * @arch: filled for the image header, little-endian
 *
 * Called on the CPU that takes the snapshot, interrupts off, right before
 * torpor_arch_save_context().
 */
void torpor_arch_prepare(struct torpor_arch_x86_64 *arch)
{
	unsigned long landing = (unsigned long)torpor_arch_landing;

	torpor_arch_check_layout();
	torpor_arch_ctx.gdt.size = GDT_SIZE - 1;
	torpor_arch_ctx.gdt.address =
		(unsigned long)get_cpu_gdt_rw(smp_processor_id());
	torpor_arch_ctx.s_cet = 0;
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		rdmsrl(MSR_IA32_S_CET, torpor_arch_ctx.s_cet);

	memset(arch, 0, sizeof(*arch));
	arch->entry_virt = cpu_to_le64(landing);
	arch->cr3 = cpu_to_le64(torpor_arch_kernel_cr3());
	arch->page_offset_base = cpu_to_le64(PAGE_OFFSET);
	arch->kernel_text_base = cpu_to_le64((unsigned long)_text);
	/* Module text is vmalloc memory: look the frame up. */
	arch->restore_code_virt = cpu_to_le64(landing & PAGE_MASK);
	arch->restore_code_pfn = cpu_to_le64(vmalloc_to_pfn((void *)landing));
	arch->paging_levels = cpu_to_le32(torpor_paging_levels());
}

/**
 * torpor_arch_restored - finish re-entering this kernel after a restore
 *
 * Called right after restore_processor_state(), which put this kernel's
 * CR4 back (CET included) but not IA32_S_CET: that is still the boot
 * kernel's, and one built without IBT leaves indirect branch tracking off.
 */
void torpor_arch_restored(void)
{
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		wrmsrl(MSR_IA32_S_CET, torpor_arch_ctx.s_cet);
}

/*
 * The e820 table as the firmware gave it (sorted and merged), before the
 * kernel reserved parts of it for itself: the setup data and EFI tables
 * of this boot, at places that vary from boot to boot.
 */
void torpor_arch_firmware_ram_walk(torpor_ram_range_fn fn, void *arg)
{
	const struct e820_table *table = e820_table_firmware;
	u32 i;

	for (i = 0; i < table->nr_entries; i++) {
		const struct e820_entry *e = &table->entries[i];
		unsigned long start = PFN_UP(e->addr);
		unsigned long end = PFN_DOWN(e->addr + e->size);

		if (e->type == E820_TYPE_RAM && start < end)
			fn(start, end, arg);
	}
}
