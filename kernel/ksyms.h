/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel symbols torpor needs that are not exported to modules (listed
 * in ksyms_list.h), declared so that they are called and read directly.
 * The kernel's livepatch loader binds each reference when the module loads
 * (Documentation/module.rst), and torpor_ksyms_check() proves the binding
 * before anything else runs.
 */
#ifndef _TORPOR_KSYMS_H
#define _TORPOR_KSYMS_H

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
 * The symbols no header torpor can include declares.  kernel/power/:
 * declared in its private power.h, or static (marked), or declared by one
 * of the two kernels only (pm_*_gfp_mask in 6.1's gfp.h, arch_resume_nosmt
 * in 6.12's suspend.h).
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
/* asm/tlbflush.h declares it for built-in code only */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
/*
 * What hibernation_available() tests, for torpor to name the reason for a
 * refusal without asking the LSMs a second time (hibernate.c): nohibernate
 * is static in kernel/power/hibernate.c, kernel_locked_down in
 * security/lockdown/lockdown.c.
 */
extern int nohibernate;			/* static */
extern enum lockdown_reason kernel_locked_down; /* static */
/* static in kernel/livepatch/transition.c */
extern struct delayed_work klp_transition_work;

int torpor_ksyms_check(void);

#endif /* _TORPOR_KSYMS_H */
