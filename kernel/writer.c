// SPDX-License-Identifier: GPL-2.0
/*
 * The image writer.  One pass over the snapshot feeds the compressors and
 * builds the index; finished blocks are packed into stream pages and go to
 * disk while later ones are still being compressed.  The index, the map
 * chain and the header follow, and only once all of that is durable does
 * the signature page point at the header: an image cut short anywhere
 * leaves a plain swap area behind.
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/uuid.h>

#include "compress.h"
#include "crc.h"
#include "index.h"
#include "snapshot.h"
#include "stats.h"
#include "ostream.h"
#include "ram.h"
#include "signature.h"
#include "swap.h"
#include "writer.h"


struct torpor_writer {
	struct torpor_swap sw;
	struct torpor_ostream out;
	struct torpor_index idx;
	struct torpor_compress comp;
	struct torpor_block *block;	/* being filled */
	struct page *sig;		/* the swap header page */
	struct page *hdr_page;
	struct torpor_image_header *hdr;
	u64 start_ns;
	u64 data_ns;			/* the data pages, of the write */
	u64 pack_ns;			/* blocks into the stream, of it */
	u64 data_pages;
	u64 zero_pages;
	u64 nr_blocks;
	u64 zero_hash;			/* torpor_live_hash() of a zero page */
	u8 *flipped;			/* test_live_change's byte */
	/* For the tail, once the header page belongs to the block layer. */
	u64 header_page;
	__le32 header_crc;
	u8 uuid[16];			/* random per image */
	u32 seed;			/* crc32c state after uuid */
};

/* Through torpor_swap_rw(), so an I/O error is recorded with the rest. */
static int torpor_writer_make_swap(struct torpor_swap *sw, struct page *page)
{
	torpor_sig_make_swap(page_address(page));
	return torpor_swap_rw(sw, REQ_OP_WRITE | REQ_SYNC | REQ_FUA,
			      sw->sig_page, page);
}

/* Open the target and read its signature page into a new page. */
static int torpor_writer_open_target(struct torpor_swap *sw, struct page **sig,
			      bool *stale, bool raw)
{
	int err;

	err = torpor_swap_open(sw, raw);
	if (err)
		return err;
	*sig = alloc_page(GFP_NOIO);
	err = *sig ? 0 : torpor_stats_fail(-ENOMEM, "out of memory to read the resume device");
	if (!err)
		err = torpor_swap_rw(sw, REQ_OP_READ, sw->sig_page, *sig);
	if (!err)
		err = torpor_sig_check_target(sw->dev, page_address(*sig),
					      stale);
	if (!err && raw)
		err = torpor_swap_raw_limit(sw, page_address(*sig));
	if (!err)
		return 0;
	if (*sig)
		__free_page(*sig);
	*sig = NULL;
	torpor_swap_close(sw, false);
	return err;
}

/**
 * torpor_writer_check_target - can an image be written?
 * @raw: a snapshot's, to a swap partition that is not active
 *
 * Cheap enough to run before anything is frozen: the resume device is set,
 * is an active swap area (not one, for @raw) and carries a swap signature.
 *
 * Return: 0 or a negative errno, with the reason recorded.
 */
int torpor_writer_check_target(bool raw)
{
	struct torpor_swap *sw;
	struct page *sig;
	bool stale;
	int err;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return torpor_stats_fail(-ENOMEM, "out of memory to check the resume device");
	err = torpor_writer_open_target(sw, &sig, &stale, raw);
	if (!err) {
		__free_page(sig);
		torpor_swap_close(sw, false);
	}
	kfree(sw);
	return err;
}

/* Over release and version as stored, which sit next to each other. */
static u32 torpor_writer_kernel_hash(const struct torpor_image_header *h)
{
	BUILD_BUG_ON(offsetof(struct torpor_image_header, kernel_version) !=
		     offsetof(struct torpor_image_header, kernel_release) +
		     TORPOR_UTS_LEN);
	return torpor_crc32c(h->kernel_release, 2 * TORPOR_UTS_LEN);
}

static bool test_live_change;
module_param(test_live_change, bool, 0644);
MODULE_PARM_DESC(test_live_change,
		 "For tests only: the writer flips a byte of the first page saved live, as if something wrote it after the snapshot, and flips it back when the write is over");

/* A live frame that changed since the atomic copy fails the image. */
static int torpor_writer_changed(unsigned long pfn)
{
	return torpor_stats_fail(-EAGAIN,
		"hibernation aborted: frame %#lx changed after the snapshot, before it was written (it was saved live); hibernating again will likely succeed",
		pfn);
}

/* A copy that is in the image now makes stream pages (snapshot.c). */
static void torpor_writer_recycle(struct torpor_writer *wr, const void *copy)
{
	torpor_swap_page_give(&wr->sw, torpor_snapshot_take_copy(copy));
}

static int torpor_writer_pack(struct torpor_writer *wr, struct torpor_block *b)
{
	u64 t0 = ktime_get_ns();
	int err = b->err ? torpor_writer_changed(b->changed) :
			   torpor_ostream_add(&wr->out, b->out, b->len);
	unsigned int i;

	for (i = 0; !err && i < b->npages; i++)
		if (!(b->live & BIT(i)))
			torpor_writer_recycle(wr, b->src[i]);

	wr->pack_ns += ktime_get_ns() - t0;
	wr->nr_blocks++;
	torpor_stats_progress_add(b->npages);
	torpor_compress_put(&wr->comp, b);
	return err;
}

/* Pack finished blocks; with @wait, every outstanding one. */
static int torpor_writer_pack_done(struct torpor_writer *wr, bool wait)
{
	struct torpor_block *b;
	int err = 0;

	while (!err && (b = torpor_compress_collect(&wr->comp, wait)))
		err = torpor_writer_pack(wr, b);
	return err;
}

static int torpor_writer_new_block(struct torpor_writer *wr)
{
	int err = torpor_writer_pack_done(wr, false);

	/* All blocks busy: at least one is outstanding, wait for it. */
	while (!err && !(wr->block = torpor_compress_get(&wr->comp)))
		err = torpor_writer_pack(wr,
					torpor_compress_collect(&wr->comp, true));
	if (wr->block)
		wr->block->first_data_page = wr->data_pages;
	return err;
}

static int torpor_writer_add_page(struct torpor_writer *wr,
				  const struct torpor_snapshot_page *p)
{
	struct torpor_block *b;
	bool zero;
	int err;

	if (test_live_change && p->live && !wr->flipped) {
		wr->flipped = (u8 *)p->data + PAGE_SIZE / 2;
		*wr->flipped ^= 0xff;
	}
	zero = !memchr_inv(p->data, 0, PAGE_SIZE);
	/* A live frame read as zeros must have been zeros at the snapshot. */
	if (zero && p->live && p->hash != wr->zero_hash)
		return torpor_writer_changed(p->pfn);
	err = torpor_index_add(&wr->idx, p->pfn, zero);
	if (err)
		return err;
	if (zero) {
		if (!p->live)
			torpor_writer_recycle(wr, p->data);
		wr->zero_pages++;
		atomic64_inc(&torpor_stats.zero_pages);
		torpor_stats_progress_add(1);
		return 0;
	}
	if (!wr->block) {
		err = torpor_writer_new_block(wr);
		if (err)
			return err;
	}
	b = wr->block;
	if (p->live) {
		b->live |= BIT(b->npages);
		b->pfn[b->npages] = p->pfn;
		b->hash[b->npages] = p->hash;
	}
	b->src[b->npages++] = p->data;
	wr->data_pages++;
	if (wr->block->npages == TORPOR_BLOCK_PAGES) {
		torpor_compress_queue(&wr->comp, wr->block);
		wr->block = NULL;
	}
	return 0;
}

static int torpor_writer_write_data(struct torpor_writer *wr)
{
	struct torpor_snapshot_iter it;
	struct torpor_snapshot_page p;
	u64 t0 = ktime_get_ns();
	struct page *page;
	int err;

	err = torpor_compress_start(&wr->comp, wr->seed);
	if (err)
		return err;
	wr->zero_hash = torpor_live_hash(page_address(ZERO_PAGE(0)));
	while ((page = torpor_snapshot_take_spare()))
		torpor_swap_page_give(&wr->sw, page);
	torpor_snapshot_iter_start(&it);
	while (!err && torpor_snapshot_iter_next(&it, &p))
		err = torpor_writer_add_page(wr, &p);
	if (!err && wr->block) {
		torpor_compress_queue(&wr->comp, wr->block);
		wr->block = NULL;
	}
	if (!err)
		err = torpor_writer_pack_done(wr, true);
	torpor_compress_stop(&wr->comp);
	if (wr->flipped)
		*wr->flipped ^= 0xff;
	wr->data_ns = ktime_get_ns() - t0;
	return err;
}

static void torpor_writer_fill_header(struct torpor_writer *wr,
				     const struct torpor_writer_meta *meta)
{
	struct torpor_image_header *h = wr->hdr;
	u32 ranges, fingerprint;
	u64 ram_pages, max_pfn;

	h->magic = cpu_to_le32(TORPOR_IMAGE_MAGIC);
	h->version = cpu_to_le32(TORPOR_FORMAT_VERSION);
	h->header_size = cpu_to_le32(sizeof(*h));
	strscpy(h->kernel_release, init_utsname()->release, TORPOR_UTS_LEN);
	strscpy(h->kernel_version, init_utsname()->version, TORPOR_UTS_LEN);
	h->kernel_hash = cpu_to_le32(torpor_writer_kernel_hash(h));
	h->arch = cpu_to_le32(TORPOR_ARCH_X86_64);
	h->page_size = cpu_to_le32(PAGE_SIZE);
	torpor_ram_map(&ranges, &ram_pages, &fingerprint, &max_pfn);
	h->ram_ranges = cpu_to_le32(ranges);
	h->ram_pages = cpu_to_le64(ram_pages);
	h->max_pfn = cpu_to_le64(max_pfn);
	h->ram_fingerprint = cpu_to_le32(fingerprint);
	h->nr_cpus = cpu_to_le32(num_online_cpus());
	h->nr_pages = cpu_to_le64(wr->data_pages + wr->zero_pages);
	h->nr_zero_pages = cpu_to_le64(wr->zero_pages);
	h->nr_data_pages = cpu_to_le64(wr->data_pages);
	h->compression = cpu_to_le32(TORPOR_COMP_LZ4);
	h->block_pages = cpu_to_le32(TORPOR_BLOCK_PAGES);
	h->nr_blocks = cpu_to_le64(wr->nr_blocks);
	h->map_pages = cpu_to_le32(wr->out.map_pages);
	h->flags = cpu_to_le32(meta->flags);
	h->freeze_ns = cpu_to_le64(meta->freeze_ns);
	h->prepare_ns = cpu_to_le64(meta->prepare_ns);
	h->snapshot_ns = cpu_to_le64(meta->snapshot_ns);
	h->write_ns = cpu_to_le64(ktime_get_ns() - wr->start_ns);
	memcpy(h->image_uuid, wr->uuid, sizeof(h->image_uuid));
	h->arch_data.x86_64 = meta->arch;
	h->header_crc = cpu_to_le32(torpor_crc32c(h, sizeof(*h)));
}

/* Stream, index, map chain and header, all queued for writing. */
static int torpor_writer_write_body(struct torpor_writer *wr,
				   const struct torpor_writer_meta *meta)
{
	struct torpor_image_header *h = wr->hdr;
	u64 map_page;
	u32 crc;
	int err;

	err = torpor_writer_write_data(wr);
	if (!err)
		err = torpor_ostream_pad(&wr->out);
	if (err)
		return err;
	h->data_bytes = cpu_to_le64(wr->out.bytes);
	h->index_offset = cpu_to_le64(wr->out.pages);
	err = torpor_index_write(&wr->idx, &wr->out, wr->seed, &crc);
	if (err)
		return err;
	h->index_extents = cpu_to_le64(wr->idx.nr_extents);
	h->index_crc = cpu_to_le32(crc);
	h->stream_pages = cpu_to_le64(wr->out.pages);
	err = torpor_ostream_write_map(&wr->out, &map_page);
	if (err)
		return err;
	h->map_page = cpu_to_le64(map_page);
	err = torpor_swap_alloc(&wr->sw, &wr->header_page);
	if (err)
		return err;
	torpor_writer_fill_header(wr, meta);
	wr->header_crc = h->header_crc;
	wr->hdr = NULL;
	return torpor_swap_write(&wr->sw, wr->header_page, wr->hdr_page);
}

/*
 * Everything else is written (not necessarily durable): the flush before
 * this write makes it so, and only then does the signature page, forced
 * to the medium itself, make the image visible.  One flush in all.
 */
static int torpor_writer_write_tail(struct torpor_writer *wr)
{
	int err;

	torpor_sig_make_image(page_address(wr->sig), wr->header_page,
			      wr->header_crc, wr->uuid);
	err = torpor_swap_rw(&wr->sw,
			     REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA,
			     wr->sw.sig_page, wr->sig);
	/*
	 * A failed write may still have reached the medium, in part: the
	 * image's signature must not outlive a system that runs on.
	 */
	if (err && torpor_writer_make_swap(&wr->sw, wr->sig))
		pr_err("the resume device may still hold the image: run torpor discard before its next boot\n");
	return err;
}

/*
 * Where the data pages' time went, for benchmarks (dynamic debug:
 * torpor.dyndbg=+p).  The writer's own part, besides packing, compressing
 * and waiting, is walking the snapshot and the zero check.
 */
static void torpor_writer_profile(const struct torpor_writer *wr)
{
	const struct torpor_compress_profile *c = &wr->comp.profile;
	u64 own = wr->data_ns - min(wr->data_ns,
				    wr->pack_ns + c->caller_ns + c->wait_ns);

	pr_debug("write profile (ms): data pages %llu; writer: walk and zero check %llu, pack %llu (waiting for the disk %llu; %llu bios, %llu segments), compress %llu, wait for workers %llu; all %u workers: gather and check %llu, LZ4 %llu, checksums %llu\n",
		 wr->data_ns / NSEC_PER_MSEC, own / NSEC_PER_MSEC,
		 wr->pack_ns / NSEC_PER_MSEC, wr->sw.wait_ns / NSEC_PER_MSEC,
		 wr->sw.nr_bios, wr->sw.nr_segments,
		 c->caller_ns / NSEC_PER_MSEC, c->wait_ns / NSEC_PER_MSEC,
		 wr->comp.nr_workers, c->input_ns / NSEC_PER_MSEC,
		 c->lz4_ns / NSEC_PER_MSEC, c->sum_ns / NSEC_PER_MSEC);
}

static void torpor_writer_summary(struct torpor_writer *wr)
{
	u64 pages = wr->data_pages + wr->zero_pages;
	/* The stream, its map, the header and the signature page. */
	u64 bytes = (wr->out.pages + wr->out.map_pages + 2) * PAGE_SIZE;
	u64 ns = ktime_get_ns() - wr->start_ns;
	u64 ratio = torpor_stats_ratio_x100(pages, bytes);

	atomic64_set(&torpor_stats.image_bytes, bytes);
	pr_info("image written: %llu pages (%llu zero), %llu bytes, ratio %llu.%02llu, %llu MB/s, %llu ms\n",
		pages, wr->zero_pages, bytes, ratio / 100, ratio % 100,
		div64_u64(bytes * NSEC_PER_USEC, ns), div64_u64(ns, NSEC_PER_MSEC));
	torpor_writer_profile(wr);
}

static int torpor_writer_write_all(struct torpor_writer *wr,
				  const struct torpor_writer_meta *meta)
{
	int err;

	wr->hdr_page = alloc_page(GFP_NOIO | __GFP_ZERO);
	if (!wr->hdr_page)
		return -ENOMEM;
	wr->hdr = page_address(wr->hdr_page);
	err = torpor_writer_write_body(wr, meta);
	if (wr->hdr)
		__free_page(wr->hdr_page);
	err = err ?: torpor_swap_drain(&wr->sw);
	err = err ?: torpor_writer_write_tail(wr);
	if (!err)
		torpor_writer_summary(wr);
	return err;
}

static int torpor_writer_open(struct torpor_writer *wr, bool raw)
{
	bool stale;
	int err;

	err = torpor_writer_open_target(&wr->sw, &wr->sig, &stale, raw);
	if (err)
		return err;
	if (stale)
		err = torpor_writer_make_swap(&wr->sw, wr->sig);
	if (err) {
		__free_page(wr->sig);
		torpor_swap_close(&wr->sw, false);
		return err;
	}
	generate_random_uuid(wr->uuid);
	wr->seed = torpor_crc32c_image_seed(wr->uuid);
	torpor_ostream_init(&wr->out, &wr->sw, wr->seed);
	torpor_index_init(&wr->idx);
	wr->start_ns = ktime_get_ns();
	torpor_stats_progress_start(torpor_snapshot_pages());
	return 0;
}

/* With @keep false every slot goes back to swap, once no write is in flight. */
static void torpor_writer_close(struct torpor_writer *wr, bool keep)
{
	torpor_swap_close(&wr->sw, keep);
	__free_page(wr->sig);
	kfree(wr);
}

/*
 * The image last written, its device and slots held until the machine
 * powers off, or until a platform that refused to sleep gives it back
 * (torpor_writer_discard()).
 */
static struct torpor_writer *torpor_written;

/**
 * torpor_writer_discard - turn the image just written back into swap
 *
 * For a hibernation that does not power off after all: the swap signature
 * is restored and every slot of the image freed.
 *
 * Return: 0, or a negative errno if the signature could not be restored
 * (the image is still valid on the device then).
 */
int torpor_writer_discard(void)
{
	struct torpor_writer *wr = torpor_written;
	int err;

	torpor_written = NULL;
	if (!wr)
		return 0;
	err = torpor_writer_make_swap(&wr->sw, wr->sig);
	torpor_writer_close(wr, false);
	return err;
}

/**
 * torpor_writer_write - write the snapshot to the resume device
 * @meta: what the hibernation sequence adds to the header
 *
 * On success the slots stay allocated, so swapping cannot overwrite the
 * image while this kernel still runs (a test image excepted), and the
 * device stays open for torpor_writer_discard().
 *
 * Return: 0, or a negative errno with the reason recorded and the swap
 * signature left in place.
 */
int torpor_writer_write(const struct torpor_writer_meta *meta)
{
	struct torpor_writer *wr;
	unsigned int noio;
	int err;

	wr = kzalloc(sizeof(*wr), GFP_KERNEL);
	if (!wr)
		return torpor_stats_fail(-ENOMEM, "not enough memory to write the image");
	/* Reclaim must not write to the device we are filling. */
	noio = memalloc_noio_save();
	err = torpor_writer_open(wr, meta->flags & TORPOR_FLAG_REUSABLE);
	if (err) {
		kfree(wr);
	} else {
		err = torpor_writer_write_all(wr, meta);
		torpor_ostream_release(&wr->out);
		torpor_index_release(&wr->idx);
		/*
		 * A test image is read back at once, while allocations are
		 * still restricted to no I/O, so nothing can swap into its
		 * slots before; the restored system never had them.
		 */
		if (err || meta->flags & TORPOR_FLAG_TEST)
			torpor_writer_close(wr, false);
		else
			torpor_written = wr;
	}
	memalloc_noio_restore(noio);
	/* Allocations are the only failures not recorded where they happen. */
	if (err == -ENOMEM && torpor_stats_running())
		torpor_stats_fail(err, "not enough memory to write the image");
	return err;
}
