// SPDX-License-Identifier: GPL-2.0
/*
 * Resume at boot.  Look for an image on the resume device, decide whether
 * this machine can take it back, record the attempt on the device, load
 * the image and hand over to restore.  The image stays valid until the
 * kernel it holds runs again and retires it (retire.c): a power cut or a
 * crash on the way loses nothing.  A boot that finds the attempts used up
 * discards it instead, so a resume that cannot succeed does not loop.
 * Every refusal discards the image at once, since that boot goes on.
 *
 * The code that takes over in the end is the image's own torpor, so the
 * boot kernel only has to be able to read the image and to build page
 * tables the CPU can switch to: a different boot kernel build is fine.
 * Every refusal is one log line naming the reason, and the boot goes on.
 */
#include <linux/blkdev.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include "arch.h"
#include "bdev.h"
#include "crc.h"
#include "entry.h"
#include "ksyms.h"
#include "load.h"
#include "place.h"
#include "ram.h"
#include "reader.h"
#include "restore.h"
#include "reuse.h"
#include "resume.h"
#include "signature.h"
#include "stats.h"
#include "torpor_image_check.h"
#include "verify.h"

/* What this machine must share with the one that wrote the image. */
static int torpor_check_machine(const struct torpor_in *in)
{
	const struct torpor_image_header *h = &in->hdr;
	u32 ranges, fingerprint;
	u64 ram_pages, max_pfn;

	if (le32_to_cpu(h->flags) & TORPOR_FLAG_TEST && !in->test)
		return torpor_stats_fail(-EINVAL, "image refused: test image, never resumed");
	torpor_ram_map(&ranges, &ram_pages, &fingerprint, &max_pfn);
	if (le32_to_cpu(h->ram_ranges) != ranges ||
	    le64_to_cpu(h->ram_pages) != ram_pages ||
	    le32_to_cpu(h->ram_fingerprint) != fingerprint ||
	    le64_to_cpu(h->max_pfn) != max_pfn)
		return torpor_stats_fail(-EINVAL, "image refused: RAM map differs (%u ranges, %llu pages now; %u, %llu in the image)",
					 ranges, ram_pages, le32_to_cpu(h->ram_ranges),
					 le64_to_cpu(h->ram_pages));
	return torpor_arch_restore_check(&h->arch_data.x86_64);
}

static int torpor_check_image(struct torpor_in *in, void *page)
{
	struct torpor_swap_tail *tail = &in->tail;
	char why[160];
	int ret;

	/* Checksums first: the shared checks then name the field that is off. */
	memcpy(tail, torpor_sig_tail(page), sizeof(*tail));
	if (!torpor_crc32c_self_ok(tail, sizeof(*tail), &tail->tail_crc))
		return torpor_stats_fail(-EBADMSG, "image refused: tail: crc32c mismatch");
	if (torpor_check_tail(tail, in->dev_pages, why, sizeof(why)))
		return torpor_stats_fail(-EINVAL, "image refused: %s", why);
	ret = torpor_bdev_page_io(in->bdev, REQ_OP_READ,
				  le64_to_cpu(tail->header_page), page);
	if (ret)
		return torpor_stats_fail(ret, "image refused: cannot read the header");
	memcpy(&in->hdr, page, sizeof(in->hdr));
	if (!torpor_crc32c_self_ok(&in->hdr, sizeof(in->hdr), &in->hdr.header_crc))
		return torpor_stats_fail(-EBADMSG, "image refused: header: crc32c mismatch");
	if (torpor_check_header(&in->hdr, tail, in->dev_pages, why, sizeof(why)))
		return torpor_stats_fail(-EINVAL, "image refused: %s", why);
	return torpor_check_machine(in);
}

static int torpor_discard_image(struct torpor_in *in, u64 sig_page, void *page)
{
	int ret;

	ret = torpor_bdev_page_io(in->bdev, REQ_OP_READ, sig_page, page);
	return ret ?: torpor_sig_write_swap(in->bdev, sig_page, page);
}

/* Nanoseconds since *@t, which moves on to now: for the load's profile. */
static u64 torpor_lap(u64 *t)
{
	u64 now = ktime_get_ns(), ns = now - *t;

	*t = now;
	return ns;
}

/*
 * Flushed to the medium before anything is loaded: whatever stops this
 * resume from here on, the next boot knows that one began.  The tail
 * written is the one checked, with the count raised.
 */
static int torpor_count_attempt(struct torpor_in *in, u64 sig_page, void *page)
{
	struct torpor_swap_tail *tail = &in->tail;
	u32 attempts = le32_to_cpu(tail->attempts);
	int ret;

	if (attempts >= TORPOR_MAX_ATTEMPTS)
		return torpor_stats_fail(-ELOOP, "image discarded: %u resumes from it began and none completed, booting without it",
					 attempts);
	ret = torpor_bdev_page_io(in->bdev, REQ_OP_READ, sig_page, page);
	if (ret)
		return torpor_stats_fail(ret, "image refused: cannot read the swap header again");
	tail->attempts = cpu_to_le32(attempts + 1);
	torpor_sig_seal(page, tail);
	ret = torpor_bdev_page_io(in->bdev, REQ_OP_WRITE | REQ_SYNC |
				  REQ_PREFLUSH | REQ_FUA, sig_page, page);
	if (ret)
		return torpor_stats_fail(ret, "image refused: cannot record the resume attempt");
	return 0;
}

static int torpor_resume_place(struct torpor_in *in, struct torpor_place *pl,
			       const struct torpor_extent *ext,
			       struct torpor_load_profile *prof)
{
	const struct torpor_image_header *h = &in->hdr;
	u64 avail = si_mem_available();
	u64 t = ktime_get_ns();
	int ret;

	/*
	 * Every page needs a frame of its own or a safe page until the final
	 * copy: refuse now rather than take all memory and fail then.  In a
	 * test_resume every image frame is still in use, so it is nearly all
	 * safe pages.
	 */
	if (le64_to_cpu(h->nr_pages) > avail)
		return torpor_stats_fail(-ENOMEM, "image refused: it needs %llu pages of memory, %llu available",
					 le64_to_cpu(h->nr_pages), avail);
	ret = torpor_place_init(pl, le64_to_cpu(h->max_pfn), ext,
				le64_to_cpu(h->index_extents));
	if (ret)
		return torpor_stats_fail(ret, "out of memory for page bitmaps");
	ret = torpor_place_alloc(pl, le64_to_cpu(h->nr_pages));
	if (ret)
		return torpor_stats_fail(ret, "image refused: not enough free memory for %llu pages",
					 le64_to_cpu(h->nr_pages));
	prof->alloc_ns = torpor_lap(&t);
	ret = torpor_place_assign(pl, ext, le64_to_cpu(h->index_extents),
				  le64_to_cpu(h->nr_data_pages));
	prof->assign_ns = torpor_lap(&t);
	if (ret)
		return torpor_stats_fail(ret, "image refused: not enough free memory for the copy list");
	return 0;
}

/* Everything up to the hand-over. */
static int torpor_resume_load(struct torpor_in *in, struct torpor_place *pl)
{
	struct torpor_load_profile prof = {};
	struct torpor_extent *ext = NULL;
	u64 t = ktime_get_ns();
	int ret;

	ret = torpor_reader_load_map(in) ?: torpor_load_index(in, &ext);
	prof.index_ns = torpor_lap(&t);
	ret = ret ?: torpor_resume_place(in, pl, ext, &prof);
	t = ktime_get_ns();
	if (!ret)
		ret = torpor_load_blocks(in, pl, &prof);
	prof.blocks_ns = torpor_lap(&t);
	if (!ret)
		torpor_load_profile(&prof);
	if (!ret)
		pl->verify = torpor_verify_build(pl, ext,
						 le64_to_cpu(in->hdr.index_extents));
	vfree(ext);
	torpor_reader_free_map(in);
	return ret;
}

/* Returns only if the hand-over did not happen. */
static int torpor_resume_image(struct torpor_in *in)
{
	struct torpor_place pl = {};
	u64 start = ktime_get_ns();
	bool platform = le32_to_cpu(in->hdr.flags) & TORPOR_FLAG_PLATFORM;
	int ret;

	ret = torpor_resume_load(in, &pl);
	if (!ret)
		ret = torpor_arch_restore_prepare(&in->hdr.arch_data.x86_64, &pl);
	if (!ret) {
		pr_info("image loaded in %llu ms: %llu pages in place, %llu to copy\n",
			div_u64(ktime_get_ns() - start, NSEC_PER_MSEC),
			pl.nr_in_place, pl.nr_copies);
		torpor_stats_phase(TORPOR_PHASE_RESTORE);
		ret = in->test ? torpor_restore_frozen(platform) :
				 torpor_restore(platform);
	}
	torpor_place_free(&pl);
	return ret;
}

/* 1 with the signature page in @page if it holds a torpor image. */
static int torpor_find_image(struct torpor_in *in, u64 sig_page, void *page)
{
	int ret;

	if (sig_page >= in->dev_pages)
		return -EINVAL;
	ret = torpor_bdev_page_io(in->bdev, REQ_OP_READ, sig_page, page);
	if (ret)
		return ret;
	return torpor_sig_holds_image(page);
}

/*
 * Whether the caller still runs from the initramfs (the initial rootfs),
 * before any real file system is mounted.  Past that point a resume would
 * bring back page cache and file system state that no longer match the
 * disks: the kernel lets /sys/power/resume do it anyway, torpor does not.
 */
static bool torpor_resume_early(void)
{
	struct path root;
	bool early;

	get_fs_root(current->fs, &root);
	early = !strcmp(root.mnt->mnt_sb->s_type->name, "rootfs");
	path_put(&root);
	return early;
}

/*
 * An image found when it may not be resumed: the boot goes on, mounts and
 * changes file systems, so the image is discarded now, never left for a
 * later boot to restore over them.
 */
static int torpor_resume_refusal(const struct torpor_in *in)
{
	if (in->busy)
		return torpor_stats_fail(-EBUSY,
			"image discarded, not resumed: hibernation in progress or /dev/snapshot open");
	if (!in->test && !torpor_resume_early())
		return torpor_stats_fail(-EBUSY,
			"image discarded, not resumed: the system is past its initramfs, its file systems may have changed");
	return 0;
}

static int torpor_resume_dev(struct torpor_in *in, struct torpor_bdev *b,
			     u64 sig_page, void *page)
{
	int ret, discard;

	ret = torpor_find_image(in, sig_page, page);
	if (ret < 0)
		torpor_stats_fail(ret, "cannot read the swap header of the resume device");
	if (ret <= 0) {
		torpor_bdev_close(b);
		return ret;
	}
	/* A test_resume goes on with the hibernation's run. */
	if (in->test)
		torpor_stats_phase(TORPOR_PHASE_LOAD);
	else
		torpor_stats_begin(TORPOR_PHASE_LOAD);
	ret = torpor_resume_refusal(in) ?: torpor_check_image(in, page);
	if (!ret && le32_to_cpu(in->hdr.flags) & TORPOR_FLAG_REUSABLE) {
		/* Another boot, or another kernel, may resume it still. */
		ret = torpor_reuse_check_boot(&in->hdr);
		if (ret) {
			torpor_bdev_close(b);
			return min(ret, 0);
		}
	}
	ret = ret ?: torpor_count_attempt(in, sig_page, page);
	if (!ret) {
		pr_info("resuming %s of %s %s (%llu pages), attempt %u of %u; booted %s\n",
			le32_to_cpu(in->hdr.flags) & TORPOR_FLAG_REUSABLE ?
			"snapshot image" : "image",
			in->hdr.kernel_release, in->hdr.kernel_version,
			le64_to_cpu(in->hdr.nr_pages),
			le32_to_cpu(in->tail.attempts), TORPOR_MAX_ATTEMPTS,
			init_utsname()->release);
		ret = torpor_resume_image(in);
	}
	/* Refused, or failed on the way: this boot goes on without it. */
	discard = torpor_discard_image(in, sig_page, page);
	if (discard)
		pr_err("cannot restore the swap signature (error %d): run torpor discard\n",
		       discard);
	torpor_bdev_close(b);
	return ret;
}

/*
 * @test: the test image a test_resume just wrote; @busy: the hibernation
 * token is taken, an image found is discarded.
 */
static int torpor_resume_from(dev_t dev, sector_t offset, bool test, bool busy)
{
	struct torpor_in *in;
	struct torpor_bdev b;
	void *page;
	int ret;

	page = (void *)__get_free_page(GFP_KERNEL);
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!page || !in) {
		ret = torpor_stats_fail(-ENOMEM, "out of memory to look for an image");
		goto out;
	}
	ret = torpor_bdev_open(&b, dev);
	if (ret) {
		torpor_stats_fail(ret, "cannot open resume device %u:%u",
				  MAJOR(dev), MINOR(dev));
		goto out;
	}
	in->test = test;
	in->busy = busy;
	in->bdev = b.bdev;
	in->dev_pages = bdev_nr_bytes(b.bdev) >> PAGE_SHIFT;
	ret = torpor_resume_dev(in, &b, offset, page);
out:
	kfree(in);
	free_page((unsigned long)page);
	return ret;
}

/**
 * torpor_resume - resume from the image on a swap device, if there is one
 * @dev: the resume device
 * @offset: page of its swap header (resume_offset; 0 for a partition)
 *
 * Return: only if the machine was not handed over: 0 when there is no
 * image, -errno when there was one but it was refused (it is gone then).
 */
int torpor_resume(dev_t dev, sector_t offset)
{
	unsigned int sleep_flags;
	bool busy;
	int ret;

	/*
	 * As for the kernel's resume: no hibernation or second resume
	 * meanwhile.  Without the token an image is only discarded.
	 */
	sleep_flags = lock_system_sleep();
	busy = !hibernate_acquire();
	ret = torpor_resume_from(dev, offset, false, busy);
	if (!busy)
		hibernate_release();
	unlock_system_sleep(sleep_flags);
	return ret;
}

/**
 * torpor_resume_test - restore the test image just written (test_resume)
 *
 * Called by the hibernation that wrote it, with tasks frozen, system sleep
 * locked and allocations restricted to no I/O.  The image kernel is this
 * kernel.
 *
 * Return: only if the machine was not handed over, -errno after recording
 * why.  The image is gone either way.
 */
int torpor_resume_test(void)
{
	sector_t offset;
	dev_t dev;
	int ret;

	torpor_entry_resume_target(&dev, &offset);
	ret = torpor_resume_from(dev, offset, true, false);
	return ret ?: torpor_stats_fail(-ENOENT, "test_resume: the image just written is not there");
}
