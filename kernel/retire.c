// SPDX-License-Identifier: GPL-2.0
/*
 * An image stays valid on its device until the kernel it holds runs again
 * with its devices back: a power cut or a crash anywhere in between leaves
 * it for the next boot, which resume.c allows one retry.  The resumed
 * kernel turns the area back into swap before any task thaws, so nothing
 * changes a file system while an image older than the change could still
 * be resumed.
 *
 * The device is opened before the snapshot and stays open in it: the
 * resumed kernel finds the handle it needs in its own memory, whatever
 * name the boot kernel gave the device.
 *
 * A reusable image (a snapshot, reuse.c) is the one exception: resumed,
 * it stays valid, its attempts back at 0 and its resumes counted in the
 * tail, which has a checksum of its own.  The image itself is not
 * rewritten.
 */
#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/string.h>

#include "torpor_image.h"
#include "bdev.h"
#include "crc.h"
#include "entry.h"
#include "ksyms.h"
#include "retire.h"
#include "reuse.h"
#include "signature.h"
#include "stats.h"

static uint test_fault;
module_param(test_fault, uint, 0644);
MODULE_PARM_DESC(test_fault,
		 "For tests only: set before hibernating, the resumed kernel panics before it retires its image on resume attempts 1..N");

/**
 * torpor_retire_open - hold the resume device for the resumed kernel
 * @r: filled in
 * @reusable: the image to be written is a snapshot
 *
 * Return: 0, or a negative errno with the reason recorded.
 */
int torpor_retire_open(struct torpor_retire *r, bool reusable)
{
	dev_t dev;
	int err;

	torpor_entry_resume_target(&dev, &r->sig_page);
	r->reusable = reusable;
	err = torpor_bdev_open(&r->b, dev);
	if (err)
		return torpor_stats_fail(err, "cannot open resume device %u:%u",
					 MAJOR(dev), MINOR(dev));
	return 0;
}

/* A kernel that dies here leaves its image for the next boot to retry. */
static void torpor_retire_test_fault(const struct torpor_swap_tail *t)
{
	u32 attempt = le32_to_cpu(t->attempts);
	uint fault = READ_ONCE(test_fault);

	if (fault && attempt <= fault)
		panic("torpor: test_fault=%u: resumed kernel dies on resume attempt %u, image kept\n",
		      fault, attempt);
}

/*
 * The next boot resumes the snapshot again, as its first attempt.  A tail
 * that fails its checksum is not sealed anew: the image is retired.
 */
static int torpor_retire_renew(struct torpor_retire *r, void *page)
{
	struct torpor_swap_tail *t = torpor_sig_tail(page);
	u32 resumes = le32_to_cpu(t->resumes) + 1;
	int err;

	if (!torpor_crc32c_self_ok(t, sizeof(*t), &t->tail_crc)) {
		pr_err("snapshot image tail damaged after its resume: image discarded\n");
		return torpor_sig_write_swap(r->b.bdev, r->sig_page, page);
	}
	t->attempts = 0;
	t->resumes = cpu_to_le32(resumes);
	torpor_sig_seal(page, t);
	err = torpor_bdev_page_io(r->b.bdev, REQ_OP_WRITE | REQ_SYNC | REQ_FUA,
				  r->sig_page, page);
	if (!err)
		torpor_reuse_resumed(resumes);
	return err;
}

static int torpor_retire_image(struct torpor_retire *r)
{
	void *page = (void *)__get_free_page(GFP_KERNEL);
	int err;

	if (!page)
		return -ENOMEM;
	err = torpor_bdev_page_io(r->b.bdev, REQ_OP_READ, r->sig_page, page);
	if (!err && torpor_sig_holds_image(page)) {
		torpor_retire_test_fault(torpor_sig_tail(page));
		if (r->reusable)
			err = torpor_retire_renew(r, page);
		else
			err = torpor_sig_write_swap(r->b.bdev, r->sig_page, page);
	}
	free_page((unsigned long)page);
	return err;
}

/**
 * torpor_retire_close - retire the image if this is the resumed kernel
 * @r: opened by torpor_retire_open() before the snapshot
 * @restored: the snapshot returned in the restored image
 *
 * Called with tasks still frozen and devices resumed.
 */
void torpor_retire_close(struct torpor_retire *r, bool restored)
{
	int err = restored ? torpor_retire_image(r) : 0;

	if (err && r->reusable)
		pr_err("cannot renew the snapshot image (error %d): the next boot may not resume it\n",
		       err);
	else if (err)
		pr_emerg("cannot turn the resumed image back into swap (error %d): run torpor discard on the resume device before the next boot\n",
			 err);
	torpor_bdev_close(&r->b);
}
