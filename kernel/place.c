// SPDX-License-Identifier: GPL-2.0
/*
 * Page placement for resume.  The boot kernel cannot ask for a given
 * frame, so it allocates pages until it holds as many as the image has
 * frames: each allocated frame is either one of the image's (its data is
 * loaded in place) or not (a safe page that can hold data for a frame the
 * boot kernel still uses).  Safe pages are never written by the final
 * copy, so they can also carry the copy list, the page tables and the
 * trampoline.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "alloc.h"
#include "bits.h"
#include "index.h"
#include "place.h"
#include "snapshot.h"

#define TORPOR_PLACE_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)

/**
 * torpor_place_init - note which frames the image fills
 * @pl: placement state to set up
 * @max_pfn: frames above this do not exist (checked against this machine)
 * @ext: the image's index, checked: ascending, inside @max_pfn
 * @n: its extents
 */
int torpor_place_init(struct torpor_place *pl, unsigned long max_pfn,
		      const struct torpor_extent *ext, u64 n)
{
	u64 i;

	memset(pl, 0, sizeof(*pl));
	INIT_LIST_HEAD(&pl->pool);
	pl->max_pfn = max_pfn;
	pl->image = torpor_bits_alloc(max_pfn);
	pl->ours = torpor_bits_alloc(max_pfn);
	if (!pl->image || !pl->ours)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		torpor_bits_set(pl->image, le64_to_cpu(ext[i].pfn),
				le32_to_cpu(ext[i].count));
	return 0;
}

/* Allocated in runs of this order where possible: fewer allocator calls. */
#define TORPOR_PLACE_ORDER	5

/* Takes @page, one of ours now: 1 if it is an image frame, 0 if it is safe. */
static int torpor_place_own(struct torpor_place *pl, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn >= pl->max_pfn) {
		/* The RAM map matched, so this frame cannot exist. */
		__free_page(page);
		return -ERANGE;
	}
	set_bit(pfn, pl->ours);
	return test_bit(pfn, pl->image);
}

/* One more page: 1 if it is an image frame, 0 if it is safe, or -errno. */
static int torpor_place_take(struct torpor_place *pl, struct page **pagep)
{
	struct page *page = alloc_page(TORPOR_PLACE_GFP);

	if (!page)
		return -ENOMEM;
	*pagep = page;
	return torpor_place_own(pl, page);
}

/* Sorts @page into image frames and the pool of safe pages. */
static int torpor_place_sort(struct torpor_place *pl, struct page *page)
{
	int ret = torpor_place_own(pl, page);

	if (ret > 0)
		pl->nr_in_place++;
	else if (!ret)
		/* In address order: adjacent data pages get adjacent places. */
		list_add_tail(&page->lru, &pl->pool);
	return ret < 0 ? ret : 0;
}

/**
 * torpor_place_alloc - allocate the frames the image will need
 * @pl: placement state
 * @nr_pages: frames in the image
 *
 * Every allocated page is either an image frame or a safe page, and both
 * lower by one the number of safe pages still needed.  Page tables and
 * the copy list come later from torpor_place_safe_page().  Nothing reads
 * these pages before writing them whole (loaded data, or cleared here).
 */
int torpor_place_alloc(struct torpor_place *pl, u64 nr_pages)
{
	struct page *page, *next;
	unsigned long got;
	LIST_HEAD(pages);
	int ret;

	ret = torpor_alloc_pages(&pages, nr_pages, TORPOR_PLACE_GFP,
				 TORPOR_PLACE_ORDER, &got);
	if (ret)
		return ret;
	/* Sorted once all are in, so the bitmaps and the pool need no lock. */
	list_for_each_entry_safe(page, next, &pages, lru) {
		int err;

		list_del(&page->lru);
		err = torpor_place_sort(pl, page);
		/* Each page is ours or freed: sort them all. */
		ret = ret ?: err;
	}
	return ret;
}

/*
 * A page the image does not use, with whatever it held.  Image frames met
 * while looking for one stay allocated (and unused): handing them back
 * could only let someone else write them.
 */
static void *torpor_place_take_safe(struct torpor_place *pl)
{
	struct page *page;

	page = list_first_entry_or_null(&pl->pool, struct page, lru);
	if (page) {
		list_del(&page->lru);
	} else {
		int ret;

		do {
			ret = torpor_place_take(pl, &page);
		} while (ret > 0);
		if (ret < 0)
			return NULL;
	}
	return page_address(page);
}

/**
 * torpor_place_safe_page - a zeroed page the image does not use
 * @pl: placement state
 *
 * Return: its kernel address, or NULL when memory runs out.
 */
void *torpor_place_safe_page(struct torpor_place *pl)
{
	void *page = torpor_place_take_safe(pl);

	if (page)
		clear_page(page);
	return page;
}

static int torpor_place_pbe(struct torpor_place *pl, void *src, unsigned long pfn)
{
	struct torpor_pbe_page *last = pl->pbe_last;

	if (!last || last->count == TORPOR_PBE_PER_PAGE) {
		struct torpor_pbe_page *p = torpor_place_safe_page(pl);

		if (!p)
			return -ENOMEM;
		if (last)
			last->next = (unsigned long)p;
		else
			pl->pbe_first = p;
		pl->pbe_last = p;
		last = p;
	}
	last->pbe[last->count++] = (struct torpor_pbe){
		(unsigned long)src, (unsigned long)pfn_to_kaddr(pfn)
	};
	pl->nr_copies++;
	return 0;
}

/* A frame of a zero extent: cleared now if ours, else at copy time. */
static int torpor_place_zero(struct torpor_place *pl, unsigned long pfn)
{
	if (test_bit(pfn, pl->ours)) {
		clear_page(pfn_to_kaddr(pfn));
		return 0;
	}
	return torpor_place_pbe(pl, NULL, pfn);
}

static int torpor_place_data(struct torpor_place *pl, unsigned long pfn,
			     void **dest)
{
	void *safe;

	if (test_bit(pfn, pl->ours)) {
		*dest = pfn_to_kaddr(pfn);
		return 0;
	}
	/* Not cleared: the page's data overwrites all of it. */
	safe = torpor_place_take_safe(pl);
	if (!safe)
		return -ENOMEM;
	*dest = safe;
	return torpor_place_pbe(pl, safe, pfn);
}

static int torpor_place_frame(unsigned long pfn, s64 data, void *arg)
{
	struct torpor_place *pl = arg;

	return data < 0 ? torpor_place_zero(pl, pfn) :
			  torpor_place_data(pl, pfn, &pl->dest[data]);
}

/**
 * torpor_place_assign - decide where every page of the image goes
 * @pl: placement state, after torpor_place_alloc()
 * @ext: the index
 * @n: its extents
 * @nr_data: data pages the index describes
 *
 * Fills @pl->dest, in index order of the data pages, and the copy list.
 */
int torpor_place_assign(struct torpor_place *pl, const struct torpor_extent *ext,
			u64 n, u64 nr_data)
{
	pl->dest = kvmalloc_array(nr_data, sizeof(*pl->dest), GFP_KERNEL);
	if (!pl->dest)
		return -ENOMEM;
	return torpor_index_for_each(ext, n, torpor_place_frame, pl);
}

/* Gives back every page torpor allocated, used or not. */
void torpor_place_free(struct torpor_place *pl)
{
	unsigned long pfn;

	if (pl->ours)
		for_each_set_bit(pfn, pl->ours, pl->max_pfn)
			__free_page(pfn_to_page(pfn));
	kvfree(pl->dest);
	torpor_bits_free(pl->ours);
	torpor_bits_free(pl->image);
	memset(pl, 0, sizeof(*pl));
}
