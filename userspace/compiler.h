/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_COMPILER_H
#define TORPOR_COMPILER_H

/* The kernel's spellings, so that userspace reads like the module. */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __maybe_unused		__attribute__((unused))

#endif
