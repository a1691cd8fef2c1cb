/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel symbols torpor needs that are not exported to modules
 * (listed in ksyms_list.h), declared so that they are called and read
 * directly.  The kernel's livepatch loader binds each reference when the
 * module loads (Documentation/module.rst).
 */
#ifndef _TORPOR_KSYMS_H
#define _TORPOR_KSYMS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>

/* Fails the build if a listed symbol is not declared. */
#define TORPOR_KSYM(name)	static_assert(__same_type(name, name))
#include "ksyms_list.h"
#undef TORPOR_KSYM

#endif /* _TORPOR_KSYMS_H */
