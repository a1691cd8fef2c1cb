# SPDX-License-Identifier: GPL-2.0
#
# hibernate-changed: a page saved live (hibernate.rst, Live pages) that
# changes between the snapshot and the write fails the hibernation; it
# never goes into an image.  Boot 1 runs the workload with
# /sys/power/disk at test_resume and sets the test-only switch
# torpor.test_live_change, with which the writer flips a byte of the first
# live page it takes (and back once the write is over): "echo disk" must
# fail with EAGAIN and torpor's line naming the frame, the workload run on
# intact and the area be plain swap again.  Then, the switch off, the
# same boot hibernates again: the image is written, read back and
# restored (test_resume), and the workload carries on.  The host finds no
# image left.
#
# check: kernels=61,612 order=30 budget=120

plan()
{
	disk swap 512 swap
	boot changed timeout=300 append="$APPEND"
	expect_pass
	echo "# workload: $(result workload)"
	echo "# $(result errno-11)"
	grep -E 'torpor: (snapshot|image written|resumed)' "$LOG" |
		sed 's/^\[ *[0-9.]*\] /# /'
	expect_no_image "$(disk_path swap)"
}

stage_changed()
{
	local dev resumed

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" test_resume
	workload_start
	echo 1 >/sys/module/torpor/parameters/test_live_change
	expect_hibernate_refused -11 "Resource temporarily unavailable" \
		"hibernation aborted: frame 0x[0-9a-f]* changed after the snapshot, before it was written (it was saved live)"
	workload_check
	expect_swap_again "$dev" active
	echo 0 >/sys/module/torpor/parameters/test_live_change
	resumed=$(dmesg | grep -c 'torpor: resumed') || true
	hibernate_now
	[ "$(dmesg | grep -c 'torpor: resumed')" = $((resumed + 1)) ] ||
		fail "no 'torpor: resumed' line after the second hibernation"
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}
