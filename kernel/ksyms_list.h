/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unexported kernel symbols torpor uses, called and read directly.
 * The module build turns every reference to one of them into a livepatch
 * relocation that the kernel's module loader resolves at load
 * (Documentation/module.rst).  Included by ksyms.h for the declarations and
 * by ksyms.c for the list of names, with TORPOR_KSYM() defined (no
 * include guard on purpose).  To add a symbol, append
 *
 *	TORPOR_KSYM(name);
 *
 * and include the kernel header that declares it, or, if none can be
 * included (kernel/power/power.h, static symbols), declare it here.
 *
 * The name must be in the target kernel's symbol table exactly once, or
 * the build fails naming it.
 */
#include <linux/console.h>
#include <linux/cpu.h>
#include <linux/cpuidle.h>
#include <linux/device.h>
#include <linux/freezer.h>
#include <linux/fs.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/gfp.h>
#include <linux/kobject.h>
#include <linux/pm.h>
#include <linux/secretmem.h>
#include <linux/security.h>
#include <linux/set_memory.h>
#include <linux/suspend.h>
#include <linux/swap.h>
#include <linux/workqueue.h>
#include <asm/e820/api.h>
#include <asm/sections.h>
#include <asm/smp.h>

/*
 * kernel/power/: declared in its private power.h, or static (marked), or
 * declared by one of the two kernels only (pm_*_gfp_mask in 6.1's gfp.h,
 * arch_resume_nosmt in 6.12's suspend.h).
 */
extern int hibernation_mode;		/* static */
extern const struct platform_hibernation_ops *hibernation_ops; /* static */
extern dev_t swsusp_resume_device;
extern sector_t swsusp_resume_block;
extern int pm_test_level;
bool hibernate_acquire(void);
void hibernate_release(void);
int hibernation_platform_enter(void);
int pm_notifier_call_chain_robust(unsigned long up, unsigned long down);
int pm_notifier_call_chain(unsigned long val);
void pm_restrict_gfp_mask(void);
void pm_restore_gfp_mask(void);
int arch_resume_nosmt(void);
int suspend_devices_and_enter(suspend_state_t state);
/* drivers/char/random.c, static: its reseed on resumption */
int random_pm_notification(struct notifier_block *nb, unsigned long action,
			   void *data);

TORPOR_KSYM(hibernation_mode);
TORPOR_KSYM(hibernation_ops);
TORPOR_KSYM(swsusp_resume_device);
TORPOR_KSYM(swsusp_resume_block);
TORPOR_KSYM(pm_test_level);
TORPOR_KSYM(hibernate_acquire);
TORPOR_KSYM(hibernate_release);
TORPOR_KSYM(hibernation_platform_enter);
TORPOR_KSYM(pm_notifier_call_chain_robust);
TORPOR_KSYM(pm_notifier_call_chain);
TORPOR_KSYM(pm_restrict_gfp_mask);
TORPOR_KSYM(pm_restore_gfp_mask);
TORPOR_KSYM(arch_resume_nosmt);
TORPOR_KSYM(suspend_devices_and_enter);
TORPOR_KSYM(mem_sleep_current);
TORPOR_KSYM(power_kobj);
TORPOR_KSYM(events_check_enabled);
TORPOR_KSYM(hibernation_available);
TORPOR_KSYM(pm_prepare_console);
TORPOR_KSYM(pm_restore_console);
TORPOR_KSYM(save_processor_state);
TORPOR_KSYM(restore_processor_state);

/* Freezer, CPUs, devices, console */
TORPOR_KSYM(freeze_processes);
TORPOR_KSYM(freeze_kernel_threads);
TORPOR_KSYM(thaw_processes);
TORPOR_KSYM(freeze_secondary_cpus);
TORPOR_KSYM(thaw_secondary_cpus);
TORPOR_KSYM(play_dead_common);
TORPOR_KSYM(cpuidle_pause);
TORPOR_KSYM(cpuidle_resume);
TORPOR_KSYM(cpuhp_smt_enable);
TORPOR_KSYM(cpuhp_smt_disable);
TORPOR_KSYM(cpu_smt_control);
TORPOR_KSYM(dpm_prepare);
TORPOR_KSYM(dpm_suspend);
TORPOR_KSYM(dpm_resume);
TORPOR_KSYM(dpm_complete);
TORPOR_KSYM(lock_device_hotplug);
TORPOR_KSYM(unlock_device_hotplug);
TORPOR_KSYM(suspend_console);
TORPOR_KSYM(resume_console);

/* Swap */
TORPOR_KSYM(swap_type_of);
TORPOR_KSYM(total_swap_pages);
TORPOR_KSYM(get_swap_page_of_type);
TORPOR_KSYM(swapdev_block);
TORPOR_KSYM(swp_swap_info);
TORPOR_KSYM(get_swap_device);
#ifdef TORPOR_HAVE_SWAP_FREE_NR
TORPOR_KSYM(swap_free_nr);
#else
TORPOR_KSYM(swap_free);
#endif

/* File systems, random pool */
TORPOR_KSYM(iterate_supers);
TORPOR_KSYM(random_pm_notification);

/* Memory */
TORPOR_KSYM(shrink_all_memory);
TORPOR_KSYM(drain_all_pages);
TORPOR_KSYM(drain_local_pages);
TORPOR_KSYM(kernel_page_present);
TORPOR_KSYM(set_direct_map_default_noflush);
TORPOR_KSYM(set_direct_map_invalid_noflush);
/* asm/tlbflush.h declares it for built-in code only */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
TORPOR_KSYM(flush_tlb_kernel_range);
TORPOR_KSYM(__nosave_begin);
TORPOR_KSYM(__nosave_end);
TORPOR_KSYM(_text);

/* The firmware's memory map (arch/x86/arch.c). */
TORPOR_KSYM(e820_table_firmware);

/*
 * What hibernation_available() tests, in its order, for torpor to name
 * the reason for a refusal without asking the LSMs a second time
 * (hibernate.c): nohibernate is static in kernel/power/hibernate.c,
 * kernel_locked_down in security/lockdown/lockdown.c.
 */
extern int nohibernate;			/* static */
extern enum lockdown_reason kernel_locked_down; /* static */
TORPOR_KSYM(nohibernate);
TORPOR_KSYM(kernel_locked_down);
TORPOR_KSYM(lockdown_reasons);
TORPOR_KSYM(secretmem_active);
TORPOR_KSYM(cxl_mem_active);

/* Livepatch: static in kernel/livepatch/transition.c */
extern struct delayed_work klp_transition_work;
TORPOR_KSYM(klp_transition_work);

/* Restore verification (verify.c): per-CPU data restore_processor_state() writes. */
TORPOR_KSYM(is_kernel_percpu_address);
