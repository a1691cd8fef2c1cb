/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel symbols torpor needs that are not exported to modules
 * (listed in ksyms_list.h).  They are looked up by name when the module
 * loads; one missing symbol makes the load fail.
 */
#ifndef _TORPOR_KSYMS_H
#define _TORPOR_KSYMS_H

#include <linux/cpu.h>
#include <linux/mm_types.h>
#include <linux/pm.h>
#include <linux/suspend.h>
#include <linux/types.h>

struct kobject;
struct zone;

/* Each symbol is a typed pointer, aliased by an address the resolver sets. */
#define TORPOR_KSYM_FN(ret, name, args) \
	union { typeof(ret(*)args) name; unsigned long name##_addr; }
#define TORPOR_KSYM_VAR(type, name) \
	union { typeof(type) *name; unsigned long name##_addr; }

struct torpor_ksyms {
#include "ksyms_list.h"
};

#undef TORPOR_KSYM_FN
#undef TORPOR_KSYM_VAR

extern struct torpor_ksyms torpor_ksym;

int torpor_ksyms_init(void);

#endif /* _TORPOR_KSYMS_H */
