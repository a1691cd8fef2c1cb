# SPDX-License-Identifier: GPL-2.0
#
# hibernate-smallswap: a swap area far too small for the image, even after
# reclaim (which fills the 8 MiB with the workload and drops what page
# cache there is).  "echo disk" fails with ENOSPC after user space was
# frozen and memory reclaimed, before the snapshot: the system must thaw
# with the workload intact (partly swapped out now), and the area must
# still be plain swap, in this boot (swapoff and swapon again), on the host
# (no image) and in the next boot.
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
	expect_hibernate_refused -28 "No space left on device" \
		"swap too small for the image: [0-9]* pages to save need up to [0-9]* slots, [0-9]* free in the resume area after reclaim"
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}

stage_reuse()
{
	local dev

	expect_swap_again "$(disk_dev swap)" inactive
}
