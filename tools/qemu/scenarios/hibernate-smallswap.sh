# SPDX-License-Identifier: GPL-2.0
#
# hibernate-smallswap: a swap area far too small for the image, even after
# all the reclaim the snapshot could do.  "echo disk" must fail with ENOSPC
# before anything is frozen, naming the pages to save, the slots they need
# at least and the area's free slots: the workload runs on, and the area
# must still be plain swap, in this boot (swapoff and swapon again), on the
# host (no image) and in the next boot.  (torpor used to freeze user space
# and push the workload out to swap first, and fail only then.)
#
# check: kernels=61,612 order=20 budget=120

plan()
{
	local swap

	disk swap 8 swap
	swap=$(disk_path swap)
	boot fill timeout=300
	expect_pass
	echo "# $(result errno-28)"
	expect_no_image "$swap"
	boot reuse
	expect_pass
}

stage_fill()
{
	local dev

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start
	expect_swap_too_small "$dev"
}

stage_reuse()
{
	local dev

	expect_swap_again "$(disk_dev swap)" inactive
}
