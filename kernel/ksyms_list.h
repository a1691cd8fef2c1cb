/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unexported kernel symbols torpor uses, called and read directly
 * (Documentation/module.rst, "Kernel symbols").  A list for the
 * preprocessor, one entry per line and no include guard: ksyms.h includes
 * it to check the declarations, ksyms.c to name the symbols for the module
 * build and to check them at load, each with its own definition of
 *
 *	TORPOR_KSYM(name)	bound at the distance from _text that the
 *				build read in the target kernel's symbol
 *				table, and checked at load
 *	TORPOR_KSYM_BY_NAME(name)
 *				bound by name: for a symbol that shares its
 *				address with another, which the check by
 *				address cannot tell apart
 *
 * To add a symbol, append an entry and declare it in ksyms.h (the kernel
 * header that does, or a declaration).  The name must be in the target
 * kernel's symbol table exactly once, or the build fails naming it; the
 * build also says when a TORPOR_KSYM() has to be TORPOR_KSYM_BY_NAME().
 */
/* kernel/power/ */
TORPOR_KSYM(hibernation_mode)
TORPOR_KSYM(hibernation_ops)
TORPOR_KSYM(swsusp_resume_device)
TORPOR_KSYM(swsusp_resume_block)
TORPOR_KSYM(pm_test_level)
TORPOR_KSYM(hibernate_acquire)
TORPOR_KSYM(hibernate_release)
TORPOR_KSYM(hibernation_platform_enter)
TORPOR_KSYM(pm_notifier_call_chain_robust)
TORPOR_KSYM(pm_notifier_call_chain)
TORPOR_KSYM(pm_restrict_gfp_mask)
TORPOR_KSYM(pm_restore_gfp_mask)
TORPOR_KSYM(arch_resume_nosmt)
TORPOR_KSYM(suspend_devices_and_enter)
TORPOR_KSYM(mem_sleep_current)
TORPOR_KSYM(power_kobj)
TORPOR_KSYM(events_check_enabled)
TORPOR_KSYM(hibernation_available)
TORPOR_KSYM(pm_prepare_console)
TORPOR_KSYM(pm_restore_console)
TORPOR_KSYM(save_processor_state)
TORPOR_KSYM(restore_processor_state)

/* Freezer, CPUs, devices, console */
TORPOR_KSYM(freeze_processes)
TORPOR_KSYM(freeze_kernel_threads)
TORPOR_KSYM(thaw_processes)
TORPOR_KSYM(freeze_secondary_cpus)
TORPOR_KSYM(thaw_secondary_cpus)
TORPOR_KSYM(play_dead_common)
TORPOR_KSYM(cpuidle_pause)
TORPOR_KSYM(cpuidle_resume)
TORPOR_KSYM(cpuhp_smt_enable)
TORPOR_KSYM(cpuhp_smt_disable)
TORPOR_KSYM(cpu_smt_control)
TORPOR_KSYM(dpm_prepare)
TORPOR_KSYM(dpm_suspend)
TORPOR_KSYM(dpm_resume)
TORPOR_KSYM(dpm_complete)
TORPOR_KSYM(lock_device_hotplug)
TORPOR_KSYM(unlock_device_hotplug)
TORPOR_KSYM(suspend_console)
TORPOR_KSYM(resume_console)

/* Swap */
TORPOR_KSYM(swap_type_of)
TORPOR_KSYM(total_swap_pages)
TORPOR_KSYM(get_swap_page_of_type)
TORPOR_KSYM(swapdev_block)
TORPOR_KSYM(swp_swap_info)
TORPOR_KSYM(get_swap_device)
#ifdef TORPOR_HAVE_SWAP_FREE_NR
TORPOR_KSYM(swap_free_nr)
#else
TORPOR_KSYM(swap_free)
#endif

/* File systems, random pool */
TORPOR_KSYM(iterate_supers)
TORPOR_KSYM(random_pm_notification)

/* Memory */
TORPOR_KSYM(shrink_all_memory)
TORPOR_KSYM(drain_all_pages)
TORPOR_KSYM(drain_local_pages)
TORPOR_KSYM(kernel_page_present)
TORPOR_KSYM(set_direct_map_default_noflush)
TORPOR_KSYM(set_direct_map_invalid_noflush)
TORPOR_KSYM(flush_tlb_kernel_range)
TORPOR_KSYM_BY_NAME(__nosave_begin)
TORPOR_KSYM_BY_NAME(__nosave_end)
TORPOR_KSYM_BY_NAME(_text)

/* The firmware's memory map (arch/x86/arch.c). */
TORPOR_KSYM(e820_table_firmware)

/* What hibernation_available() tests (ksyms.h) */
TORPOR_KSYM(nohibernate)
TORPOR_KSYM(kernel_locked_down)
TORPOR_KSYM(lockdown_reasons)
TORPOR_KSYM(secretmem_active)
TORPOR_KSYM(cxl_mem_active)

/* Livepatch (ksyms.h) */
TORPOR_KSYM(klp_transition_work)

/* Restore verification (verify.c): per-CPU data restore_processor_state() writes. */
TORPOR_KSYM(is_kernel_percpu_address)
