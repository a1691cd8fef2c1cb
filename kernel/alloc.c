// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk page allocation on every online CPU.  With init_on_alloc (on by
 * default in Debian) the allocator clears every page it hands out, and
 * clearing tens of thousands of pages is most of what setting memory
 * aside costs.  That is CPU-bound, so one worker per online CPU allocates.
 * Shares are not fixed: each worker takes runs until enough pages are
 * held, so a CPU busy with something else simply takes fewer.
 */
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "alloc.h"

struct torpor_alloc_job {
	atomic_long_t left;		/* pages still wanted, ends <= 0 */
	gfp_t gfp;
	unsigned int order;
	bool failed;
};

struct torpor_alloc_worker {
	struct work_struct work;
	struct torpor_alloc_job *job;
	struct list_head pages;
	unsigned long nr;
};

/*
 * A run of adjacent pages if one is free, else one page.  No reclaim or
 * compaction for a run: it would cost more than the fewer allocations
 * save.  Adjacent pages let the compressors read adjacent data in place.
 */
static struct page *torpor_alloc_run(const struct torpor_alloc_job *job,
				     unsigned int *n)
{
	struct page *page;

	page = alloc_pages(job->gfp & ~__GFP_RECLAIM, job->order);
	if (page) {
		split_page(page, job->order);
		*n = 1U << job->order;
		return page;
	}
	*n = 1;
	return alloc_page(job->gfp);
}

static void torpor_alloc_work(struct work_struct *work)
{
	struct torpor_alloc_worker *w =
		container_of(work, struct torpor_alloc_worker, work);
	struct torpor_alloc_job *job = w->job;
	struct page *page;
	unsigned int i, n;

	while (atomic_long_read(&job->left) > 0 && !READ_ONCE(job->failed)) {
		page = torpor_alloc_run(job, &n);
		if (!page) {
			WRITE_ONCE(job->failed, true);
			return;
		}
		for (i = 0; i < n; i++)
			list_add_tail(&page[i].lru, &w->pages);
		w->nr += n;
		atomic_long_sub(n, &job->left);
		cond_resched();
	}
}

/*
 * One worker per online CPU.  CPUs are only read under the hotplug lock
 * to queue: if one goes away meanwhile, its worker runs elsewhere, which
 * is slower but as correct.
 */
static struct torpor_alloc_worker *
torpor_alloc_start(struct workqueue_struct *wq, struct torpor_alloc_job *job,
		   unsigned int *nr_workers)
{
	struct torpor_alloc_worker *w;
	unsigned int i = 0;
	int cpu;

	cpus_read_lock();
	w = kvcalloc(num_online_cpus(), sizeof(*w), GFP_KERNEL);
	if (w) {
		for_each_online_cpu(cpu) {
			INIT_WORK(&w[i].work, torpor_alloc_work);
			INIT_LIST_HEAD(&w[i].pages);
			w[i].job = job;
			queue_work_on(cpu, wq, &w[i++].work);
		}
	}
	cpus_read_unlock();
	*nr_workers = i;
	return w;
}

static void torpor_alloc_free(struct list_head *pages)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/**
 * torpor_alloc_pages - allocate pages on every online CPU
 * @pages: the pages go at its tail, each run's pages adjacent and in order
 * @nr: at least this many, up to a run per CPU more
 * @gfp: allocation flags, without __GFP_COMP or __GFP_HIGHMEM
 * @order: runs of this order are taken where one is free
 * @got: how many were allocated, also on failure
 *
 * Return: 0, or -ENOMEM with every page allocated given back.
 */
int torpor_alloc_pages(struct list_head *pages, unsigned long nr, gfp_t gfp,
		       unsigned int order, unsigned long *got)
{
	struct torpor_alloc_job job = {
		.left = ATOMIC_LONG_INIT(nr),
		.gfp = gfp,
		.order = order,
	};
	struct torpor_alloc_worker *w = NULL;
	struct workqueue_struct *wq;
	unsigned int i, nr_workers = 0;
	LIST_HEAD(taken);
	bool done;

	*got = 0;
	/* CPU intensive: the workers must not hold up other work items. */
	wq = alloc_workqueue("torpor_alloc", WQ_CPU_INTENSIVE, 0);
	if (wq) {
		w = torpor_alloc_start(wq, &job, &nr_workers);
		/* Waits for every worker to finish. */
		destroy_workqueue(wq);
	}
	for (i = 0; i < nr_workers; i++) {
		list_splice_tail(&w[i].pages, &taken);
		*got += w[i].nr;
	}
	done = w && !job.failed;
	kvfree(w);
	if (!done) {
		torpor_alloc_free(&taken);
		return -ENOMEM;
	}
	list_splice_tail(&taken, pages);
	return 0;
}
