// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the image: the map chain, then the block stream through it.
 * The stream is read ahead in chunks so the disk stays busy while blocks
 * are checked and decompressed.  Block payloads are lent to the workers
 * where they were read, rather than copied out by the one thread that
 * walks the stream; a chunk is read again only once every loan from it
 * is back.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "bdev.h"
#include "copy.h"
#include "crc.h"
#include "stats.h"
#include "reader.h"
#include "torpor_image_check.h"
#include "torpor_runs.h"

#define TORPOR_SECTORS_PER_PAGE	(TORPOR_PAGE_SIZE >> SECTOR_SHIFT)

static int torpor_reader_map_add(struct torpor_in *in, u64 stream_page,
				 u64 dev_page, u64 count)
{
	struct torpor_map_run *runs;

	/* Grow at powers of two. */
	if (!(in->nr_runs & (in->nr_runs - 1))) {
		runs = krealloc_array(in->runs, 2 * (in->nr_runs + 1),
				      sizeof(*runs), GFP_KERNEL);
		if (!runs)
			return -ENOMEM;
		in->runs = runs;
	}
	in->runs[in->nr_runs++] = (struct torpor_map_run){
		stream_page, dev_page, count
	};
	return 0;
}

/* Logs @why with the refusal's words; returns @err. */
static int torpor_map_fail(int err, const char *why)
{
	return torpor_stats_fail(err, "image refused: %s", why);
}

static int torpor_map_check(struct torpor_map_page *mp, u32 seed,
			    unsigned int i, u64 at, u64 mapped)
{
	char why[TORPOR_ERROR_MSG_LEN];

	if (le32_to_cpu(mp->head.magic) != TORPOR_MAP_MAGIC) {
		snprintf(why, sizeof(why), "map page %u at device page %llu: bad magic 0x%08x (expected 0x%08x)",
			 i, at, le32_to_cpu(mp->head.magic), TORPOR_MAP_MAGIC);
		return torpor_map_fail(-EINVAL, why);
	}
	if (!torpor_crc32c_self_ok_from(seed, mp, TORPOR_PAGE_SIZE,
					&mp->head.crc)) {
		snprintf(why, sizeof(why), "map page %u at device page %llu: crc32c mismatch",
			 i, at);
		return torpor_map_fail(-EBADMSG, why);
	}
	if (torpor_check_map_head(mp, i, mapped, why, sizeof(why)))
		return torpor_map_fail(-EINVAL, why);
	return 0;
}

static int torpor_map_extents(struct torpor_in *in,
			      const struct torpor_map_page *mp, unsigned int i,
			      u64 *mapped)
{
	u32 e, n = le32_to_cpu(mp->head.nr_extents);
	char why[TORPOR_ERROR_MSG_LEN];
	int ret;

	for (e = 0; e < n; e++) {
		const struct torpor_map_extent *ext = &mp->extents[e];

		if (torpor_check_map_extent(&in->hdr, ext, i, e, *mapped,
					    in->dev_pages, why, sizeof(why)))
			return torpor_map_fail(-EINVAL, why);
		ret = torpor_reader_map_add(in, *mapped,
					    le64_to_cpu(ext->dev_page),
					    le32_to_cpu(ext->count));
		if (ret)
			return torpor_stats_fail(ret, "out of memory for the stream map");
		*mapped += le32_to_cpu(ext->count);
	}
	return 0;
}

/**
 * torpor_reader_load_map - read and check the map chain
 * @in: the image; its header has been checked
 *
 * Return: 0, or -errno after logging which map page is wrong.
 */
int torpor_reader_load_map(struct torpor_in *in)
{
	u32 i, map_pages = le32_to_cpu(in->hdr.map_pages);
	u64 at = le64_to_cpu(in->hdr.map_page), mapped = 0;
	char why[TORPOR_ERROR_MSG_LEN];
	struct torpor_map_page *mp;
	int ret = 0;

	mp = (struct torpor_map_page *)__get_free_page(GFP_KERNEL);
	if (!mp)
		return torpor_stats_fail(-ENOMEM, "out of memory for the stream map");
	in->seed = torpor_crc32c_image_seed(in->hdr.image_uuid);
	for (i = 0; i < map_pages && !ret; i++) {
		if (torpor_check_map_link(&in->hdr, i, at, in->dev_pages, why,
					  sizeof(why))) {
			ret = torpor_map_fail(-EINVAL, why);
			break;
		}
		ret = torpor_bdev_page_io(in->bdev, REQ_OP_READ, at, mp);
		if (ret)
			ret = torpor_stats_fail(ret, "map page %u: read error", i);
		else
			ret = torpor_map_check(mp, in->seed, i, at, mapped) ?:
			      torpor_map_extents(in, mp, i, &mapped);
		at = le64_to_cpu(mp->head.next);
	}
	if (!ret && torpor_check_map_end(&in->hdr, at, mapped, why, sizeof(why)))
		ret = torpor_map_fail(-EINVAL, why);
	free_page((unsigned long)mp);
	return ret;
}

void torpor_reader_free_map(struct torpor_in *in)
{
	kfree(in->runs);
	in->runs = NULL;
	in->nr_runs = 0;
}

static u64 torpor_map_run_start(const void *runs, size_t i)
{
	return ((const struct torpor_map_run *)runs)[i].stream_page;
}

static const struct torpor_map_run *torpor_find_run(const struct torpor_in *in,
						       u64 stream_page)
{
	return &in->runs[torpor_runs_find(in->runs, in->nr_runs, stream_page,
					  torpor_map_run_start)];
}

static void torpor_chunk_end_io(struct bio *bio)
{
	struct torpor_chunk *c = bio->bi_private;

	if (bio->bi_status)
		atomic_set(&c->error, blk_status_to_errno(bio->bi_status));
	bio_put(bio);
	if (atomic_dec_and_test(&c->pending))
		complete(&c->done);
}

/* Queues one bio for up to one run's worth of the chunk; returns pages. */
static unsigned int torpor_chunk_bio(struct torpor_in *in, struct torpor_chunk *c,
				     unsigned int done)
{
	const struct torpor_map_run *run = torpor_find_run(in, c->first + done);
	u64 in_run = run->stream_page + run->count - (c->first + done);
	unsigned int i, n = min_t(u64, c->npages - done,
				  min_t(u64, in_run, BIO_MAX_VECS));
	struct bio *bio = bio_alloc(in->bdev, n, REQ_OP_READ, GFP_KERNEL);

	bio->bi_iter.bi_sector = (run->dev_page + c->first + done -
				  run->stream_page) * TORPOR_SECTORS_PER_PAGE;
	bio->bi_end_io = torpor_chunk_end_io;
	bio->bi_private = c;
	for (i = 0; i < n; i++)
		__bio_add_page(bio, torpor_bdev_buf_page(c->buf + (done + i) * PAGE_SIZE),
			       PAGE_SIZE, 0);
	atomic_inc(&c->pending);
	submit_bio(bio);
	return n;
}

static void torpor_chunk_submit(struct torpor_in *in, struct torpor_chunk *c,
				u64 first, unsigned int npages)
{
	unsigned int done = 0;

	c->first = first;
	c->npages = npages;
	c->ready = false;
	atomic_set(&c->error, 0);
	atomic_set(&c->pending, 1);	/* held until all bios are queued */
	reinit_completion(&c->done);
	while (done < npages)
		done += torpor_chunk_bio(in, c, done);
	if (atomic_dec_and_test(&c->pending))
		complete(&c->done);
}

static int torpor_chunk_wait(struct torpor_chunk *c, u64 *wait_ns)
{
	u64 t0;

	if (!c->ready) {
		t0 = ktime_get_ns();
		wait_for_completion(&c->done);
		invalidate_kernel_vmap_range(c->buf, c->npages * PAGE_SIZE);
		c->ready = true;
		*wait_ns += ktime_get_ns() - t0;
	}
	return atomic_read(&c->error);
}

/**
 * torpor_reader_read - read stream pages synchronously
 * @in: the image, map loaded
 * @buf: page-aligned buffer (kmalloc or vmalloc) of @npages pages
 * @first: first stream page
 * @npages: how many; the caller keeps them inside the stream
 */
int torpor_reader_read(struct torpor_in *in, void *buf, u64 first,
		       unsigned int npages)
{
	struct torpor_chunk c = { .buf = buf };
	u64 wait_ns = 0;

	init_completion(&c.done);
	torpor_chunk_submit(in, &c, first, npages);
	return torpor_chunk_wait(&c, &wait_ns);
}

static void torpor_reader_next(struct torpor_reader *rd, struct torpor_chunk *c)
{
	unsigned int n = min_t(u64, TORPOR_CHUNK_PAGES,
			       rd->end_page - rd->next_page);

	if (!n)
		return;
	torpor_chunk_submit(rd->in, c, rd->next_page, n);
	rd->next_page += n;
}

#define TORPOR_CHUNK_BYTES	(TORPOR_CHUNK_PAGES * PAGE_SIZE)

/*
 * Read again the chunks consumed up to the one before the current (the
 * one just left may still be lent to blocks the loader has not handed
 * over yet) as their loans come back.  The reader waits for a loan only
 * when the chunk after the current one would otherwise not be on its
 * way: waiting for the oldest loan at every chunk would hold the reader,
 * and so starve the workers, while that one job finishes.
 */
static void torpor_reader_recycle(struct torpor_reader *rd)
{
	u64 now = rd->pos / TORPOR_CHUNK_BYTES;
	u64 need = now + 2 > TORPOR_CHUNKS ? now + 2 - TORPOR_CHUNKS : 0;

	for (; rd->recycled + 1 < now; rd->recycled++) {
		struct torpor_chunk *c = &rd->chunk[rd->recycled % TORPOR_CHUNKS];
		u64 t0;

		if (atomic_read(&c->lent)) {
			if (rd->recycled >= need)
				return;
			t0 = ktime_get_ns();
			wait_var_event(&c->lent, !atomic_read(&c->lent));
			rd->loans_ns += ktime_get_ns() - t0;
		}
		torpor_reader_next(rd, c);
	}
}

/**
 * torpor_reader_open - start reading the block stream ahead
 * @rd: reader state to fill
 * @in: the image, map loaded
 */
int torpor_reader_open(struct torpor_reader *rd, struct torpor_in *in)
{
	int i;

	memset(rd, 0, sizeof(*rd));
	rd->in = in;
	rd->end_page = DIV_ROUND_UP(le64_to_cpu(in->hdr.data_bytes), PAGE_SIZE);
	rd->ring = vmalloc(TORPOR_CHUNKS * TORPOR_CHUNK_BYTES);
	if (!rd->ring)
		return -ENOMEM;
	for (i = 0; i < TORPOR_CHUNKS; i++) {
		struct torpor_chunk *c = &rd->chunk[i];

		init_completion(&c->done);
		c->ready = true;
		c->buf = rd->ring + i * TORPOR_CHUNK_BYTES;
	}
	for (i = 0; i < TORPOR_CHUNKS; i++)
		torpor_reader_next(rd, &rd->chunk[i]);
	return 0;
}

/**
 * torpor_reader_copy - take the next bytes of the block stream
 * @rd: the reader
 * @dst: where to copy them
 * @len: how many; -EINVAL past the end of the block stream
 */
int torpor_reader_copy(struct torpor_reader *rd, void *dst, size_t len)
{
	int ret;

	if (len > le64_to_cpu(rd->in->hdr.data_bytes) - rd->pos)
		return -EINVAL;
	torpor_reader_recycle(rd);
	while (len) {
		u64 nr = rd->pos / TORPOR_CHUNK_BYTES;
		struct torpor_chunk *c = &rd->chunk[nr % TORPOR_CHUNKS];
		size_t off = rd->pos % TORPOR_CHUNK_BYTES;
		size_t n = min(len, TORPOR_CHUNK_BYTES - off);

		ret = torpor_chunk_wait(c, &rd->disk_ns);
		if (ret)
			return ret;
		torpor_copy(dst, c->buf + off, n);
		dst += n;
		len -= n;
		rd->pos += n;
	}
	return 0;
}

/**
 * torpor_reader_lend - take the next bytes of the block stream in place
 * @rd: the reader
 * @len: how many, at most a chunk; -EINVAL past the end of the block stream
 * @buf: where they are copied instead when they wrap around the ring
 * @loan: filled in with where they are; hand it to torpor_reader_return()
 */
int torpor_reader_lend(struct torpor_reader *rd, size_t len, void *buf,
		       struct torpor_loan *loan)
{
	u64 nr = rd->pos / TORPOR_CHUNK_BYTES;
	size_t off = rd->pos % TORPOR_CHUNK_BYTES;
	unsigned int i, n = off + len > TORPOR_CHUNK_BYTES ? 2 : 1;
	int ret;

	memset(loan, 0, sizeof(*loan));
	if (len > le64_to_cpu(rd->in->hdr.data_bytes) - rd->pos)
		return -EINVAL;
	if (len > TORPOR_CHUNK_BYTES ||
	    (n == 2 && nr % TORPOR_CHUNKS == TORPOR_CHUNKS - 1)) {
		loan->data = buf;
		return torpor_reader_copy(rd, buf, len);
	}
	torpor_reader_recycle(rd);
	for (i = 0; i < n; i++) {
		loan->chunk[i] = &rd->chunk[(nr + i) % TORPOR_CHUNKS];
		ret = torpor_chunk_wait(loan->chunk[i], &rd->disk_ns);
		if (ret) {
			memset(loan, 0, sizeof(*loan));
			return ret;
		}
	}
	for (i = 0; i < n; i++)
		atomic_inc(&loan->chunk[i]->lent);
	loan->data = loan->chunk[0]->buf + off;
	rd->pos += len;
	return 0;
}

/* The loan's chunks may be read again; a copied loan holds none. */
void torpor_reader_return(struct torpor_loan *loan)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(loan->chunk) && loan->chunk[i]; i++) {
		/* The reader may free the ring once it sees the count drop. */
		if (atomic_dec_and_test(&loan->chunk[i]->lent))
			wake_up_var(&loan->chunk[i]->lent);
		loan->chunk[i] = NULL;
	}
	loan->data = NULL;
}

/*
 * Waits for reads still in flight and for loans (the loader's workers
 * have returned theirs by now): the ring is about to be freed.
 */
void torpor_reader_close(struct torpor_reader *rd)
{
	int i;

	if (!rd->ring)
		return;
	for (i = 0; i < TORPOR_CHUNKS; i++) {
		torpor_chunk_wait(&rd->chunk[i], &rd->disk_ns);
		wait_var_event(&rd->chunk[i].lent,
			       !atomic_read(&rd->chunk[i].lent));
	}
	vfree(rd->ring);
	rd->ring = NULL;
}
