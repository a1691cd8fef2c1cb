// SPDX-License-Identifier: GPL-2.0
/*
 * Compression workers.  The writer thread fills blocks with pointers to
 * snapshot pages and queues them; each worker compresses a block's pages
 * with LZ4 into the block's output (from a staging buffer of its own when
 * they are not adjacent) and checksums the result.  Blocks come back in
 * completion order, which the format allows, so no worker ever waits for
 * a slower one.
 *
 * Data that does not compress (media, encrypted or random memory) is
 * stored raw, and is recognised cheaply: after a block stored raw, a
 * worker first tries LZ4 on the next block's head only, and stores the
 * whole block raw if that does not shrink.  Incompressible memory then
 * costs a fraction of a full LZ4 pass, while compressible memory, which
 * rarely follows a raw block, pays for no trial at all.
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/lz4.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "compress.h"
#include "copy.h"
#include "crc.h"
#include "snapshot.h"
#include "torpor_image.h"

/* Blocks per worker: enough that workers never starve while one is packed. */
#define TORPOR_BLOCKS_PER_WORKER	4
#define TORPOR_BLOCK_MAX_BYTES \
	(sizeof(struct torpor_block_head) + TORPOR_BLOCK_PAGES * PAGE_SIZE)
/* The head LZ4 tries after a raw block (see the top of this file). */
#define TORPOR_TRIAL_BYTES	(4 * PAGE_SIZE)
#define TORPOR_TRIAL_ACCELERATION	16

struct torpor_worker {
	struct torpor_compress *c;
	struct task_struct *task;
	void *lz4_mem;
	/*
	 * Shaped like a block's output, pages gathered where its payload
	 * goes: a block stored raw trades its output buffer for this one
	 * instead of copying the payload over.
	 */
	void *staging;
	bool last_raw;
	struct torpor_compress_profile profile;
};

static void *torpor_staging_payload(struct torpor_worker *w)
{
	return w->staging + sizeof(struct torpor_block_head);
}

/*
 * The block's pages as one buffer: where they are, when their copies are
 * adjacent (the snapshot allocates them in runs), else gathered.  Live
 * frames are always gathered, and checked there: what is compressed is
 * then exactly what was checked.
 */
static const void *torpor_block_input(struct torpor_worker *w,
				      struct torpor_block *b)
{
	void *buf = torpor_staging_payload(w);
	unsigned int i;

	for (i = 1; i < b->npages && !b->live; i++)
		if (b->src[i] != b->src[0] + i * PAGE_SIZE)
			break;
	if (i == b->npages && !b->live)
		return b->src[0];
	for (i = 0; i < b->npages; i++)
		copy_page(buf + i * PAGE_SIZE, (void *)b->src[i]);
	for (i = 0; i < b->npages; i++) {
		if (!(b->live & BIT(i)) ||
		    torpor_live_hash(buf + i * PAGE_SIZE) == b->hash[i])
			continue;
		b->err = -EAGAIN;
		b->changed = b->pfn[i];
		return NULL;
	}
	return buf;
}

/* LZ4 of @raw bytes at @in into @payload; @raw when it would not shrink. */
static int torpor_block_lz4(struct torpor_worker *w, const void *in,
			    char *payload, int raw)
{
	int clen;

	if (w->last_raw && raw > TORPOR_TRIAL_BYTES &&
	    LZ4_compress_fast(in, payload, TORPOR_TRIAL_BYTES,
			      TORPOR_TRIAL_BYTES - 1, TORPOR_TRIAL_ACCELERATION,
			      w->lz4_mem) <= 0)
		return raw;
	/* A payload as long as the input means "stored raw". */
	clen = LZ4_compress_default(in, payload, raw, raw - 1, w->lz4_mem);
	return clen > 0 ? clen : raw;
}

/* A raw payload goes into @b's output, by trading buffers if it is ours. */
static void torpor_block_store_raw(struct torpor_worker *w,
				   struct torpor_block *b, const void *in,
				   int raw)
{
	void *out = b->out;

	if (in != torpor_staging_payload(w)) {
		torpor_copy(out + sizeof(struct torpor_block_head), in, raw);
		return;
	}
	b->out = w->staging;
	w->staging = out;
}

static void torpor_compress_block(struct torpor_worker *w,
				  struct torpor_block *b)
{
	struct torpor_block_head *head;
	int raw = b->npages * PAGE_SIZE;
	u64 t0 = ktime_get_ns(), t1, t2;
	const void *in = torpor_block_input(w, b);
	char *payload;
	int clen;

	t1 = ktime_get_ns();
	w->profile.input_ns += t1 - t0;
	if (!in)
		return;

	clen = torpor_block_lz4(w, in, b->out + sizeof(*head), raw);
	w->last_raw = clen == raw;
	if (w->last_raw)
		torpor_block_store_raw(w, b, in, raw);
	head = b->out;
	payload = (char *)(head + 1);
	t2 = ktime_get_ns();
	w->profile.lz4_ns += t2 - t1;
	*head = (struct torpor_block_head){
		.magic = cpu_to_le32(TORPOR_BLOCK_MAGIC),
		.clen = cpu_to_le32(clen),
		.hash = cpu_to_le32(torpor_payload_hash(payload, clen)),
		.npages = cpu_to_le32(b->npages),
		.first_data_page = cpu_to_le64(b->first_data_page),
	};
	head->head_crc = cpu_to_le32(torpor_crc32c_from(w->c->seed, head,
							sizeof(*head)));
	b->len = sizeof(*head) + clen;
	w->profile.sum_ns += ktime_get_ns() - t2;
}

static struct torpor_block *torpor_compress_pop(struct torpor_compress *c,
						struct list_head *list)
{
	struct torpor_block *b;

	spin_lock(&c->lock);
	b = list_first_entry_or_null(list, struct torpor_block, node);
	if (b)
		list_del(&b->node);
	spin_unlock(&c->lock);
	return b;
}

static int torpor_compress_worker(void *data)
{
	struct torpor_worker *w = data;
	struct torpor_compress *c = w->c;
	struct torpor_block *b;

	for (;;) {
		wait_event_idle(c->todo_wait,
				(b = torpor_compress_pop(c, &c->todo)) ||
				kthread_should_stop());
		if (!b)
			return 0;
		torpor_compress_block(w, b);
		spin_lock(&c->lock);
		list_add_tail(&b->node, &c->done);
		spin_unlock(&c->lock);
		wake_up(&c->done_wait);
	}
}

/* Worker 0 has no thread: it is the writer, compressing while it waits. */
static int torpor_worker_start(struct torpor_compress *c,
			       struct torpor_worker *w, unsigned int id)
{
	w->c = c;
	w->lz4_mem = kvmalloc(LZ4_MEM_COMPRESS, GFP_KERNEL);
	w->staging = kvmalloc(TORPOR_BLOCK_MAX_BYTES, GFP_KERNEL);
	if (!w->lz4_mem || !w->staging)
		return -ENOMEM;
	if (!id)
		return 0;
	w->task = kthread_run(torpor_compress_worker, w, "torpor_lz4/%u", id);
	if (IS_ERR(w->task)) {
		int err = PTR_ERR(w->task);

		w->task = NULL;
		return err;
	}
	return 0;
}

/* Its profile is final once its thread has stopped: add it to @c's. */
static void torpor_worker_stop(struct torpor_compress *c,
			       struct torpor_worker *w)
{
	struct torpor_compress_profile *sum = &c->profile;

	if (w->task)
		kthread_stop(w->task);
	sum->input_ns += w->profile.input_ns;
	sum->lz4_ns += w->profile.lz4_ns;
	sum->sum_ns += w->profile.sum_ns;
	if (w == c->workers)
		sum->caller_ns += w->profile.input_ns + w->profile.lz4_ns +
				  w->profile.sum_ns;
	kvfree(w->staging);
	kvfree(w->lz4_mem);
}

static int torpor_compress_alloc_blocks(struct torpor_compress *c)
{
	unsigned int i;

	c->nr_blocks = c->nr_workers * TORPOR_BLOCKS_PER_WORKER;
	c->blocks = kcalloc(c->nr_blocks, sizeof(*c->blocks), GFP_KERNEL);
	if (!c->blocks)
		return -ENOMEM;
	for (i = 0; i < c->nr_blocks; i++) {
		c->blocks[i].out = kvmalloc(TORPOR_BLOCK_MAX_BYTES, GFP_KERNEL);
		if (!c->blocks[i].out)
			return -ENOMEM;
		list_add_tail(&c->blocks[i].node, &c->free);
	}
	return 0;
}

int torpor_compress_start(struct torpor_compress *c, u32 seed)
{
	unsigned int i;
	int err;

	memset(c, 0, sizeof(*c));
	c->seed = seed;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->free);
	INIT_LIST_HEAD(&c->todo);
	INIT_LIST_HEAD(&c->done);
	init_waitqueue_head(&c->todo_wait);
	init_waitqueue_head(&c->done_wait);
	/*
	 * A thread per CPU besides the caller: it waits for the disk too,
	 * and the CPUs should not then stand idle.
	 */
	c->nr_workers = num_online_cpus() + 1;
	c->workers = kcalloc(c->nr_workers, sizeof(*c->workers), GFP_KERNEL);
	if (!c->workers)
		return -ENOMEM;
	err = torpor_compress_alloc_blocks(c);
	for (i = 0; !err && i < c->nr_workers; i++)
		err = torpor_worker_start(c, &c->workers[i], i);
	if (err)
		torpor_compress_stop(c);
	return err;
}

/* Also the error path: stops the workers before any block is freed. */
void torpor_compress_stop(struct torpor_compress *c)
{
	unsigned int i;

	for (i = 0; c->workers && i < c->nr_workers; i++)
		torpor_worker_stop(c, &c->workers[i]);
	for (i = 0; c->blocks && i < c->nr_blocks; i++)
		kvfree(c->blocks[i].out);
	kfree(c->blocks);
	kfree(c->workers);
	c->blocks = NULL;
	c->workers = NULL;
}

/* An empty block, or NULL when all are busy: collect one first. */
struct torpor_block *torpor_compress_get(struct torpor_compress *c)
{
	struct torpor_block *b = torpor_compress_pop(c, &c->free);

	BUILD_BUG_ON(BITS_PER_TYPE(b->live) < TORPOR_BLOCK_PAGES);
	if (b) {
		b->npages = 0;
		b->live = 0;
		b->err = 0;
	}
	return b;
}

void torpor_compress_queue(struct torpor_compress *c, struct torpor_block *b)
{
	spin_lock(&c->lock);
	list_add_tail(&b->node, &c->todo);
	c->outstanding++;
	spin_unlock(&c->lock);
	wake_up(&c->todo_wait);
}

static struct torpor_block *torpor_compress_pop_done(struct torpor_compress *c,
						     bool *idle)
{
	struct torpor_block *b;

	spin_lock(&c->lock);
	b = list_first_entry_or_null(&c->done, struct torpor_block, node);
	if (b) {
		list_del(&b->node);
		c->outstanding--;
	}
	*idle = !c->outstanding;
	spin_unlock(&c->lock);
	return b;
}

/* Compress a queued block in the caller, which collects it at once. */
static struct torpor_block *torpor_compress_here(struct torpor_compress *c)
{
	struct torpor_block *b = torpor_compress_pop(c, &c->todo);

	if (!b)
		return NULL;
	torpor_compress_block(&c->workers[0], b);
	spin_lock(&c->lock);
	c->outstanding--;
	spin_unlock(&c->lock);
	return b;
}

/*
 * A finished block, in completion order.  NULL when none is ready and
 * @wait is false, or when nothing is outstanding.  Rather than sleep, the
 * caller compresses a queued block itself, if there is one.
 */
struct torpor_block *torpor_compress_collect(struct torpor_compress *c,
					     bool wait)
{
	struct torpor_block *b;
	bool idle;
	u64 t0;

	b = torpor_compress_pop_done(c, &idle);
	if (b || !wait || idle)
		return b;
	b = torpor_compress_here(c);
	if (b)
		return b;
	t0 = ktime_get_ns();
	wait_event(c->done_wait, (b = torpor_compress_pop_done(c, &idle)) || idle);
	c->profile.wait_ns += ktime_get_ns() - t0;
	return b;
}

void torpor_compress_put(struct torpor_compress *c, struct torpor_block *b)
{
	spin_lock(&c->lock);
	list_add(&b->node, &c->free);
	spin_unlock(&c->lock);
}
