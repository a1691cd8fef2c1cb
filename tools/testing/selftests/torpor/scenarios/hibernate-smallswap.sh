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
	echo "# $(result errno)"
	expect_no_image "$swap"
	boot reuse
	expect_pass
}

stage_fill()
{
	local dev devno out

	dev=$(disk_dev swap)
	devno=$(cat "/sys/block/${dev#/dev/}/dev")
	run swapon "$dev"
	load_torpor
	echo "$devno" >/sys/power/resume
	workload_start
	out=$( (echo disk >/sys/power/state) 2>&1) &&
		fail "echo disk succeeded on an 8 MiB swap area"
	case $out in
	*"No space left on device"*) ;;
	*) fail "echo disk: '$out', expected ENOSPC" ;;
	esac
	dmesg | grep -q "torpor: swap area $devno is too small for the image" ||
		fail "no 'too small' line in the kernel log"
	case $(cat /sys/power/torpor/status) in
	error:*) ;;
	*) fail "status '$(cat /sys/power/torpor/status)' after ENOSPC" ;;
	esac
	[ "$(cat /sys/power/torpor/last_error)" = -28 ] ||
		fail "last_error $(cat /sys/power/torpor/last_error), expected -28"
	report errno "$out / $(cat /sys/power/torpor/status)"
	workload_check
	run swapoff "$dev"
	expect_swap_signature "$dev"
	run swapon "$dev"
	check_kernel_sane
}

stage_reuse()
{
	local dev

	dev=$(disk_dev swap)
	expect_swap_signature "$dev"
	run swapon "$dev"
	grep -q "^$dev " /proc/swaps || fail "$dev not in /proc/swaps"
}
