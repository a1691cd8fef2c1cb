# SPDX-License-Identifier: GPL-2.0
#
# hibernate-smallswap: a swap area far too small for the image.  The write
# runs out of slots after the snapshot, so "echo disk" fails with ENOSPC
# only after everything was frozen: the system must thaw with the workload
# intact, and the area must still be plain swap, in this boot (swapoff and
# swapon again), on the host (no image) and in the next boot.

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
		"swap area $(block_devno "$dev") is too small for the image"
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}

stage_reuse()
{
	local dev

	expect_swap_again "$(disk_dev swap)" inactive
}
