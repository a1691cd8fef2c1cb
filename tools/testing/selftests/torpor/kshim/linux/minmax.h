/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_KSHIM_MINMAX_H
#define TORPOR_KSHIM_MINMAX_H
#define min(a, b)	((a) < (b) ? (a) : (b))
#endif
