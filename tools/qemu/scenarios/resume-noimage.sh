# SPDX-License-Identifier: GPL-2.0
#
# resume-noimage: the common boot, a resume device that holds plain swap.
# A resume requested as a module parameter and then the initramfs way
# (MAJ:MIN into /sys/power/resume) must both succeed without a single
# torpor line in the kernel log, leave /sys/power/torpor idle, and the
# area must still be swap: swapon takes it.
#
# check: kernels=61,612 order=30 budget=60

plan()
{
	disk swap 64 swap
	boot noimage
	expect_pass
	expect_no_image "$(disk_path swap)"
}

# torpor's own lines in the kernel log, other than the module loader's
# taint notices.
noimage_torpor_lines()
{
	dmesg | grep 'torpor: ' |
		grep -v -e 'taints kernel' -e 'tainting kernel' -e 'module verification failed' ||
		true
}

stage_noimage()
{
	local dev devno noise

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	load_torpor resume="$devno"
	echo "$devno" >/sys/power/resume ||
		fail "resume from plain swap on $devno failed: $(dmesg | tail -n 1)"
	[ "$(cat /sys/power/resume)" = "$devno" ] ||
		fail "/sys/power/resume reads '$(cat /sys/power/resume)', not $devno"
	noise=$(noimage_torpor_lines)
	[ -z "$noise" ] || fail "torpor logged with no image: $(echo "$noise" | head -n 1)"
	[ "$(cat /sys/power/torpor/status)" = idle ] ||
		fail "status '$(cat /sys/power/torpor/status)' with no image"
	[ "$(cat /sys/power/torpor/last_error)" = 0 ] ||
		fail "last_error $(cat /sys/power/torpor/last_error) with no image"
	expect_swap_again "$dev" inactive
	run swapoff "$dev"
	check_kernel_sane
}
