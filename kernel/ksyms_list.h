/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unexported kernel symbols torpor uses, included by ksyms.h and
 * ksyms.c with TORPOR_KSYM_FN and TORPOR_KSYM_VAR defined (no include
 * guard on purpose).  To add one, append a line:
 *
 *	TORPOR_KSYM_FN(return type, name, (parameters));
 *		call it as torpor_ksym.name(...)
 *	TORPOR_KSYM_VAR(type, name);
 *		torpor_ksym.name is a "type *" to the variable
 *
 * Static symbols are fine if their name is unique in vmlinux
 * (grep -c ' name$' /proc/kallsyms says 1 on both kernels).
 */
TORPOR_KSYM_FN(unsigned long, kallsyms_lookup_name, (const char *name));
TORPOR_KSYM_VAR(int, hibernation_mode);
TORPOR_KSYM_VAR(struct kobject *, power_kobj);
TORPOR_KSYM_VAR(dev_t, swsusp_resume_device);
TORPOR_KSYM_VAR(sector_t, swsusp_resume_block);
TORPOR_KSYM_FN(int, swap_type_of, (dev_t device, sector_t offset));
TORPOR_KSYM_FN(swp_entry_t, get_swap_page_of_type, (int type));
TORPOR_KSYM_FN(sector_t, swapdev_block, (int type, pgoff_t offset));
#ifdef TORPOR_HAVE_SWAP_FREE_NR
TORPOR_KSYM_FN(void, swap_free_nr, (swp_entry_t entry, int nr_pages));
#else
TORPOR_KSYM_FN(void, swap_free, (swp_entry_t entry));
#endif
TORPOR_KSYM_FN(int, freeze_processes, (void));
TORPOR_KSYM_FN(int, freeze_kernel_threads, (void));
TORPOR_KSYM_FN(void, thaw_processes, (void));
TORPOR_KSYM_FN(int, freeze_secondary_cpus, (int primary));
TORPOR_KSYM_FN(void, thaw_secondary_cpus, (void));
TORPOR_KSYM_FN(void, play_dead_common, (void));
TORPOR_KSYM_FN(void, pm_restrict_gfp_mask, (void));
TORPOR_KSYM_FN(void, pm_restore_gfp_mask, (void));
TORPOR_KSYM_FN(int, dpm_prepare, (pm_message_t state));
TORPOR_KSYM_FN(int, dpm_suspend, (pm_message_t state));
TORPOR_KSYM_FN(void, dpm_resume, (pm_message_t state));
TORPOR_KSYM_FN(void, dpm_complete, (pm_message_t state));
TORPOR_KSYM_FN(void, suspend_console, (void));
TORPOR_KSYM_FN(void, resume_console, (void));
TORPOR_KSYM_FN(int, pm_notifier_call_chain_robust, (unsigned long up, unsigned long down));
TORPOR_KSYM_FN(int, pm_notifier_call_chain, (unsigned long val));
TORPOR_KSYM_FN(void, pm_prepare_console, (void));
TORPOR_KSYM_FN(void, pm_restore_console, (void));
TORPOR_KSYM_FN(void, cpuidle_pause, (void));
TORPOR_KSYM_FN(void, cpuidle_resume, (void));
TORPOR_KSYM_FN(void, save_processor_state, (void));
TORPOR_KSYM_FN(void, restore_processor_state, (void));
TORPOR_KSYM_FN(void, lock_device_hotplug, (void));
TORPOR_KSYM_FN(void, unlock_device_hotplug, (void));
TORPOR_KSYM_FN(bool, hibernation_available, (void));
TORPOR_KSYM_FN(bool, hibernate_acquire, (void));
TORPOR_KSYM_FN(void, hibernate_release, (void));
TORPOR_KSYM_FN(int, hibernation_platform_enter, (void));
TORPOR_KSYM_FN(int, arch_resume_nosmt, (void));
TORPOR_KSYM_FN(int, cpuhp_smt_enable, (void));
TORPOR_KSYM_FN(int, cpuhp_smt_disable, (enum cpuhp_smt_control ctrlval));
TORPOR_KSYM_VAR(enum cpuhp_smt_control, cpu_smt_control);
TORPOR_KSYM_VAR(int, pm_test_level);
TORPOR_KSYM_VAR(const struct platform_hibernation_ops *, hibernation_ops);
TORPOR_KSYM_VAR(bool, events_check_enabled);
TORPOR_KSYM_FN(unsigned long, shrink_all_memory, (unsigned long nr_pages));
TORPOR_KSYM_FN(void, drain_all_pages, (struct zone *zone));
TORPOR_KSYM_FN(void, drain_local_pages, (struct zone *zone));
TORPOR_KSYM_FN(bool, kernel_page_present, (struct page *page));
TORPOR_KSYM_FN(int, set_direct_map_default_noflush, (struct page *page));
TORPOR_KSYM_FN(int, set_direct_map_invalid_noflush, (struct page *page));
TORPOR_KSYM_FN(void, flush_tlb_kernel_range, (unsigned long start, unsigned long end));
TORPOR_KSYM_VAR(char, __nosave_begin);
TORPOR_KSYM_VAR(char, __nosave_end);
TORPOR_KSYM_VAR(char, _text);
TORPOR_KSYM_VAR(struct delayed_work, klp_transition_work);
