/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Free pages of a restored system: cleared or poisoned as its page
 * allocator expects them.
 */
#ifndef _TORPOR_SCRUB_H
#define _TORPOR_SCRUB_H

void torpor_scrub_free(void);

#endif /* _TORPOR_SCRUB_H */
