// SPDX-License-Identifier: GPL-2.0
/*
 * The load itself.  This thread walks the block stream and checks every
 * block head as it arrives; workers (an unbound workqueue, two jobs per
 * online CPU in flight plus one) check each payload where the reader
 * read it and decompress it straight to its pages' places when those are
 * adjacent, else into a buffer from which each page is copied to its
 * place.  A job is a few consecutive blocks, so that handing work over
 * between CPUs costs little beside the work.  The first failure stops
 * everything and is reported with the block it happened in.
 */
#include <linux/cpumask.h>
#include <linux/lz4.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "bits.h"
#include "copy.h"
#include "load.h"
#include "place.h"
#include "crc.h"
#include "stats.h"
#include "ram.h"
#include "reader.h"
#include "torpor_image_check.h"

struct torpor_loader;

/*
 * Blocks per job, and at most half a read-ahead chunk of them: a job's
 * loans then lie in the chunk being read or the one before, which the
 * reader does not wait for while it fills the job (torpor_reader_recycle()).
 */
#define TORPOR_JOB_BLOCKS	4

struct torpor_job_block {
	u64 nr;				/* block number in stream order */
	struct torpor_block_head head;
	struct torpor_loan loan;	/* the payload, where it was read */
};

struct torpor_job {
	struct work_struct work;
	struct list_head free;
	struct torpor_loader *ld;
	unsigned int nr_blocks;
	struct torpor_job_block blk[TORPOR_JOB_BLOCKS];
	u8 *in;				/* the last payload, where the ring wraps */
	u8 *out;
};

struct torpor_loader {
	struct torpor_in *in;
	struct torpor_place *pl;
	u64 nr_data;
	u32 block_pages;
	unsigned int job_blocks;	/* blocks per job */
	bool lz4;
	unsigned long *seen;		/* data pages delivered */
	struct workqueue_struct *wq;
	struct torpor_job *jobs;
	unsigned int nr_jobs;
	spinlock_t lock;		/* guards free */
	struct list_head free;
	wait_queue_head_t wait;
	atomic_t error;
	/* Where the time went, ns, for torpor_load_profile(). */
	u64 job_wait_ns;		/* the reader waiting for a free job */
	atomic64_t hash_ns, lz4_ns, place_ns;	/* all workers */
};

/*
 * The index against RAM (torpor_ram_walk(), which merges adjacent
 * ranges), both ascending: every frame must be RAM here, as the image
 * kernel's was (the RAM maps matched), or the copy home would write into
 * a hole, MMIO or firmware.  Frames this boot reserved for itself are RAM
 * all the same: the image overwrites them, as the kernel's own resume
 * does.
 */
struct torpor_ram_check {
	const struct torpor_extent *ext;
	u64 n, i;			/* extents, the next to check */
	unsigned long start, end;	/* the RAM range being checked */
	u64 bad;			/* first frame found outside RAM */
	bool failed;
};

static void torpor_ram_check_run(struct torpor_ram_check *c)
{
	while (!c->failed && c->i < c->n) {
		u64 pfn = le64_to_cpu(c->ext[c->i].pfn);
		u64 end = pfn + le32_to_cpu(c->ext[c->i].count);

		if (pfn >= c->end)
			return;
		c->failed = pfn < c->start || end > c->end;
		c->bad = pfn < c->start ? pfn : c->end;
		if (!c->failed)
			c->i++;
	}
}

static void torpor_ram_check_range(unsigned long start, unsigned long end,
				   void *arg)
{
	struct torpor_ram_check *c = arg;

	c->start = start;
	c->end = end;
	torpor_ram_check_run(c);
}

static bool torpor_index_pages(const struct torpor_extent *ext, u64 n,
			       struct torpor_ram_check *c)
{
	for (c->i = 0; c->i < n; c->i++) {
		u64 pfn = le64_to_cpu(ext[c->i].pfn);
		u64 end = pfn + le32_to_cpu(ext[c->i].count);

		for (c->bad = pfn; c->bad < end; c->bad++)
			if (!torpor_ram_frame_mapped(c->bad))
				return false;
	}
	return true;
}

static int torpor_index_ram(const struct torpor_extent *ext, u64 n)
{
	struct torpor_ram_check c = { .ext = ext, .n = n };

	torpor_ram_walk(torpor_ram_check_range, &c);
	if (!c.failed && c.i < n) {
		c.failed = true;
		c.bad = le64_to_cpu(ext[c.i].pfn);
	}
	if (!c.failed && !torpor_index_pages(ext, n, &c))
		return torpor_stats_fail(-EINVAL, "image refused: index: extent %llu (pfns %llu+%u): frame %llu (address 0x%llx) is outside this boot's memory map",
					 c.i, le64_to_cpu(ext[c.i].pfn),
					 le32_to_cpu(ext[c.i].count), c.bad,
					 c.bad << PAGE_SHIFT);
	if (!c.failed)
		return 0;
	return torpor_stats_fail(-EINVAL, "image refused: index: extent %llu (pfns %llu+%u): frame %llu (address 0x%llx) is not RAM on this machine",
				 c.i, le64_to_cpu(ext[c.i].pfn),
				 le32_to_cpu(ext[c.i].count), c.bad,
				 c.bad << PAGE_SHIFT);
}

static int torpor_load_check_index(const struct torpor_image_header *h,
				   const struct torpor_extent *ext, u64 n)
{
	struct torpor_index_sums sums = { };
	char why[TORPOR_ERROR_MSG_LEN];
	u64 i;

	for (i = 0; i < n; i++)
		if (torpor_check_extent(h, &ext[i], i, &sums, why, sizeof(why)))
			goto refuse;
	if (torpor_check_index_sums(h, &sums, why, sizeof(why)))
		goto refuse;
	return torpor_index_ram(ext, n);
refuse:
	return torpor_stats_fail(-EINVAL, "image refused: %s", why);
}

/**
 * torpor_load_index - read and check the page-frame index
 * @in: the image, map loaded
 * @extp: set to the extents (kvfree them), little-endian as on disk
 */
int torpor_load_index(struct torpor_in *in, struct torpor_extent **extp)
{
	u64 n = le64_to_cpu(in->hdr.index_extents);
	size_t len = n * sizeof(struct torpor_extent);
	unsigned int npages = DIV_ROUND_UP(len, PAGE_SIZE);
	struct torpor_extent *ext;
	int ret;

	ext = vmalloc(npages * PAGE_SIZE);
	if (!ext)
		return torpor_stats_fail(-ENOMEM, "out of memory for the image index");
	ret = torpor_reader_read(in, ext, le64_to_cpu(in->hdr.index_offset),
				 npages);
	if (ret)
		ret = torpor_stats_fail(ret, "image refused: index: read error");
	else if (torpor_crc32c_from(in->seed, ext, len) !=
		 le32_to_cpu(in->hdr.index_crc))
		ret = torpor_stats_fail(-EBADMSG, "image refused: index: crc32c mismatch");
	else
		ret = torpor_load_check_index(&in->hdr, ext, n);
	if (ret) {
		vfree(ext);
		return ret;
	}
	*extp = ext;
	return 0;
}

/* Records the first failure; later ones are consequences. */
static __printf(3, 4) void torpor_load_fail(struct torpor_loader *ld, int err,
					    const char *fmt, ...)
{
	char msg[TORPOR_ERROR_MSG_LEN];
	va_list args;

	if (atomic_cmpxchg(&ld->error, 0, err))
		return;
	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	torpor_stats_fail(err, "%s", msg);
	wake_up(&ld->wait);
}

/* Claims the block's data pages: false, after failing, if one came before. */
static bool torpor_block_claim(struct torpor_loader *ld,
			       const struct torpor_job_block *b)
{
	u64 first = le64_to_cpu(b->head.first_data_page);
	u32 i, npages = le32_to_cpu(b->head.npages);

	for (i = 0; i < npages; i++) {
		if (test_and_set_bit(first + i, ld->seen)) {
			torpor_load_fail(ld, -EINVAL, "image block %llu: data page %llu loaded twice",
					 b->nr, first + i);
			return false;
		}
	}
	return true;
}

/*
 * Where the block's pages go, as one buffer when their places are adjacent
 * (frames loaded in place, or safe pages handed out in order), else NULL.
 */
static u8 *torpor_block_dest(const struct torpor_loader *ld,
			     const struct torpor_job_block *b)
{
	void **dest = &ld->pl->dest[le64_to_cpu(b->head.first_data_page)];
	u32 i, npages = le32_to_cpu(b->head.npages);

	for (i = 1; i < npages; i++)
		if (dest[i] != dest[0] + i * PAGE_SIZE)
			return NULL;
	return dest[0];
}

/* The block's pages, decompressed into @buf or stored raw; NULL if bad. */
static const u8 *torpor_block_decompress(const struct torpor_loader *ld,
					 const struct torpor_job_block *b, u8 *buf)
{
	u32 clen = le32_to_cpu(b->head.clen);
	int size = le32_to_cpu(b->head.npages) * PAGE_SIZE;

	/* A payload as long as its pages is stored raw (LZ4 did not help). */
	if (clen == size)
		return b->loan.data;
	if (!ld->lz4)
		return NULL;
	if (LZ4_decompress_safe(b->loan.data, buf, clen, size) != size)
		return NULL;
	return buf;
}

/*
 * Puts @pages where they go, unless they were decompressed there (@dst).
 * Raw pages are where the stream has them, on no page boundary.
 */
static void torpor_block_place(const struct torpor_loader *ld,
			       const struct torpor_job_block *b,
			       const u8 *pages, u8 *dst)
{
	void **dest = &ld->pl->dest[le64_to_cpu(b->head.first_data_page)];
	u32 i, npages = le32_to_cpu(b->head.npages);

	for (i = 0; dst != pages && i < npages; i++)
		if (PAGE_ALIGNED(pages))
			copy_page(dest[i], (void *)pages + i * PAGE_SIZE);
		else
			torpor_copy(dest[i], pages + i * PAGE_SIZE, PAGE_SIZE);
	torpor_stats_progress_add(npages);
}

static void torpor_job_put(struct torpor_job *job)
{
	struct torpor_loader *ld = job->ld;

	spin_lock(&ld->lock);
	list_add(&job->free, &ld->free);
	spin_unlock(&ld->lock);
	wake_up(&ld->wait);
}

/* Checks block @b's payload and puts its pages in place, or fails the load. */
static void torpor_block_load(struct torpor_loader *ld,
			      const struct torpor_job_block *b, u8 *buf)
{
	u64 t0 = ktime_get_ns(), t1, t2;
	const u8 *pages;
	bool ok;
	u8 *dst;

	ok = torpor_payload_hash(b->loan.data, le32_to_cpu(b->head.clen)) ==
	     le32_to_cpu(b->head.hash);
	t1 = ktime_get_ns();
	atomic64_add(t1 - t0, &ld->hash_ns);
	if (!ok) {
		torpor_load_fail(ld, -EBADMSG, "image block %llu: payload checksum mismatch",
				 b->nr);
		return;
	}
	if (!torpor_block_claim(ld, b))
		return;
	/* Straight to the pages' places when they are adjacent. */
	dst = torpor_block_dest(ld, b);
	pages = torpor_block_decompress(ld, b, dst ?: buf);
	t2 = ktime_get_ns();
	atomic64_add(t2 - t1, &ld->lz4_ns);
	if (!pages) {
		torpor_load_fail(ld, -EBADMSG, "image block %llu: payload does not decompress to %u pages",
				 b->nr, le32_to_cpu(b->head.npages));
		return;
	}
	torpor_block_place(ld, b, pages, dst);
	atomic64_add(ktime_get_ns() - t2, &ld->place_ns);
}

static void torpor_job_work(struct work_struct *work)
{
	struct torpor_job *job = container_of(work, struct torpor_job, work);
	struct torpor_loader *ld = job->ld;
	unsigned int i;

	for (i = 0; i < job->nr_blocks; i++) {
		if (!atomic_read(&ld->error))
			torpor_block_load(ld, &job->blk[i], job->out);
		torpor_reader_return(&job->blk[i].loan);
	}
	torpor_job_put(job);
}

static void torpor_loader_free(struct torpor_loader *ld)
{
	unsigned int i;

	if (ld->wq)
		destroy_workqueue(ld->wq);
	for (i = 0; ld->jobs && i < ld->nr_jobs; i++) {
		kvfree(ld->jobs[i].in);
		kvfree(ld->jobs[i].out);
	}
	kfree(ld->jobs);
	torpor_bits_free(ld->seen);
}

static int torpor_loader_init(struct torpor_loader *ld, struct torpor_in *in,
			      struct torpor_place *pl)
{
	size_t raw;
	unsigned int i;

	ld->in = in;
	ld->pl = pl;
	ld->nr_data = le64_to_cpu(in->hdr.nr_data_pages);
	ld->block_pages = le32_to_cpu(in->hdr.block_pages);
	ld->lz4 = le32_to_cpu(in->hdr.compression) == TORPOR_COMP_LZ4;
	ld->job_blocks = clamp_t(unsigned int,
				 TORPOR_CHUNK_PAGES / 2 / ld->block_pages, 1,
				 TORPOR_JOB_BLOCKS);
	raw = ld->block_pages * PAGE_SIZE;
	spin_lock_init(&ld->lock);
	INIT_LIST_HEAD(&ld->free);
	init_waitqueue_head(&ld->wait);
	ld->seen = torpor_bits_alloc(ld->nr_data);
	ld->nr_jobs = 2 * num_online_cpus() + 1;
	ld->jobs = kcalloc(ld->nr_jobs, sizeof(*ld->jobs), GFP_KERNEL);
	ld->wq = alloc_workqueue("torpor_load", WQ_UNBOUND, num_online_cpus());
	if (!ld->seen || !ld->jobs || !ld->wq)
		return -ENOMEM;
	for (i = 0; i < ld->nr_jobs; i++) {
		struct torpor_job *job = &ld->jobs[i];

		job->ld = ld;
		INIT_WORK(&job->work, torpor_job_work);
		job->in = kvmalloc(raw, GFP_KERNEL);
		job->out = ld->lz4 ? kvmalloc(raw, GFP_KERNEL) : NULL;
		if (!job->in || (ld->lz4 && !job->out))
			return -ENOMEM;
		list_add(&job->free, &ld->free);
	}
	return 0;
}

static struct torpor_job *torpor_job_get(struct torpor_loader *ld)
{
	struct torpor_job *job = NULL;
	u64 t0 = ktime_get_ns();

	wait_event(ld->wait, !list_empty_careful(&ld->free) ||
			     atomic_read(&ld->error));
	ld->job_wait_ns += ktime_get_ns() - t0;
	spin_lock(&ld->lock);
	if (!atomic_read(&ld->error)) {
		job = list_first_entry(&ld->free, struct torpor_job, free);
		list_del(&job->free);
	}
	spin_unlock(&ld->lock);
	return job;
}

/* In the torpor command's words: "block N at stream byte B: ...". */
static int torpor_head_check(struct torpor_loader *ld,
			     struct torpor_job_block *b, u64 pos)
{
	struct torpor_block_head *h = &b->head;
	u64 at = pos - sizeof(*h), left = le64_to_cpu(ld->in->hdr.data_bytes) - pos;
	char why[TORPOR_ERROR_MSG_LEN];
	int err = -EINVAL;

	if (le32_to_cpu(h->magic) != TORPOR_BLOCK_MAGIC) {
		snprintf(why, sizeof(why), "bad magic 0x%08x (expected 0x%08x)",
			 le32_to_cpu(h->magic), TORPOR_BLOCK_MAGIC);
	} else if (!torpor_crc32c_self_ok_from(ld->in->seed, h, sizeof(*h),
					       &h->head_crc)) {
		err = -EBADMSG;
		strscpy(why, "head crc32c mismatch", sizeof(why));
	} else if (!torpor_check_block_head(&ld->in->hdr, h, left, why,
					    sizeof(why))) {
		return 0;
	}
	torpor_load_fail(ld, err, "image block %llu at stream byte %llu: %s",
			 b->nr, at, why);
	return err;
}

/* Reads block @nr into @job's next slot: false on failure, after failing. */
static bool torpor_job_add(struct torpor_loader *ld, struct torpor_reader *rd,
			   struct torpor_job *job, u64 nr)
{
	struct torpor_job_block *b = &job->blk[job->nr_blocks];
	int ret;

	b->nr = nr;
	ret = torpor_reader_copy(rd, &b->head, sizeof(b->head));
	if (ret)
		goto read_error;
	if (torpor_head_check(ld, b, rd->pos))
		return false;
	ret = torpor_reader_lend(rd, le32_to_cpu(b->head.clen), job->in,
				 &b->loan);
	if (ret)
		goto read_error;
	atomic64_add(sizeof(b->head) + le32_to_cpu(b->head.clen),
		     &torpor_stats.bytes_read);
	job->nr_blocks++;
	return true;

read_error:
	torpor_load_fail(ld, ret, "image block %llu: %s", nr,
			 ret == -EINVAL ? "runs past the block stream" : "read error");
	return false;
}

/*
 * Reads blocks from @*nr on into a job and hands it to a worker.  A
 * payload copied out of the ring (where it wraps) takes the job's one
 * buffer, so it is the job's last.
 */
static int torpor_load_job(struct torpor_loader *ld, struct torpor_reader *rd,
			   u64 *nr, u64 nr_blocks)
{
	struct torpor_job *job = torpor_job_get(ld);
	bool ok = true;

	if (!job)
		return atomic_read(&ld->error);
	job->nr_blocks = 0;
	while (job->nr_blocks < ld->job_blocks && *nr < nr_blocks) {
		ok = torpor_job_add(ld, rd, job, (*nr)++);
		if (!ok || job->blk[job->nr_blocks - 1].loan.data == job->in)
			break;
	}
	/* Blocks already lent go to the worker all the same, to be returned. */
	if (job->nr_blocks)
		queue_work(ld->wq, &job->work);
	else
		torpor_job_put(job);
	return ok ? 0 : atomic_read(&ld->error);
}

/*
 * Where the load's time went, for benchmarks (dynamic debug:
 * torpor.dyndbg=+p, printed by the boot kernel before the hand-over).
 */
void torpor_load_profile(const struct torpor_load_profile *p)
{
	pr_debug("load profile (ms): map and index %llu, allocation %llu, placement %llu, blocks %llu; reader: waiting for the disk %llu, for loans back %llu, for a free worker %llu; all workers: checksums %llu, LZ4 %llu, placing %llu\n",
		 p->index_ns / NSEC_PER_MSEC, p->alloc_ns / NSEC_PER_MSEC,
		 p->assign_ns / NSEC_PER_MSEC, p->blocks_ns / NSEC_PER_MSEC,
		 p->disk_ns / NSEC_PER_MSEC, p->loans_ns / NSEC_PER_MSEC,
		 p->job_ns / NSEC_PER_MSEC, p->hash_ns / NSEC_PER_MSEC,
		 p->lz4_ns / NSEC_PER_MSEC, p->place_ns / NSEC_PER_MSEC);
}

/* The block stream's part of the profile. */
static void torpor_load_stream_profile(const struct torpor_loader *ld,
				       const struct torpor_reader *rd,
				       struct torpor_load_profile *p)
{
	p->disk_ns = rd->disk_ns;
	p->loans_ns = rd->loans_ns;
	p->job_ns = ld->job_wait_ns;
	p->hash_ns = atomic64_read(&ld->hash_ns);
	p->lz4_ns = atomic64_read(&ld->lz4_ns);
	p->place_ns = atomic64_read(&ld->place_ns);
}

static int torpor_load_stream(struct torpor_loader *ld,
			      struct torpor_load_profile *prof)
{
	u64 nr, nr_blocks = le64_to_cpu(ld->in->hdr.nr_blocks);
	struct torpor_reader rd;
	unsigned long seen;
	int ret;

	ret = torpor_reader_open(&rd, ld->in);
	if (ret)
		return torpor_stats_fail(ret, "out of memory for read-ahead");
	torpor_stats_progress_start(ld->nr_data);
	for (nr = 0; nr < nr_blocks && !ret; )
		ret = torpor_load_job(ld, &rd, &nr, nr_blocks);
	flush_workqueue(ld->wq);
	torpor_reader_close(&rd);
	torpor_load_stream_profile(ld, &rd, prof);
	ret = ret ?: atomic_read(&ld->error);
	seen = torpor_bits_weight(ld->seen, ld->nr_data);
	if (!ret && (rd.pos != le64_to_cpu(ld->in->hdr.data_bytes) ||
		     seen != ld->nr_data))
		ret = torpor_stats_fail(-EINVAL, "image blocks: %llu bytes carry %lu of %llu data pages",
					rd.pos, seen, ld->nr_data);
	return ret;
}

/**
 * torpor_load_blocks - load every data page to the place chosen for it
 * @in: the image, map loaded
 * @pl: placement, assigned
 * @prof: filled in with where the time went
 *
 * Return: 0, or -errno after logging the block and check that failed.
 */
int torpor_load_blocks(struct torpor_in *in, struct torpor_place *pl,
		       struct torpor_load_profile *prof)
{
	struct torpor_loader ld = { };
	int ret;

	ret = torpor_loader_init(&ld, in, pl);
	if (ret)
		ret = torpor_stats_fail(ret, "out of memory for the loader");
	else
		ret = torpor_load_stream(&ld, prof);
	torpor_loader_free(&ld);
	return ret;
}
