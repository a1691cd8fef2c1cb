# SPDX-License-Identifier: GPL-2.0
#
# resume-late: a resume asked for after the system has left its
# initramfs, or in a boot that does not allow hibernation, must not
# happen (the file systems mounted since would no longer match the
# restored memory; nohibernate means no image is restored), and must not
# cost the image.
# Boot 1 hibernates with a small workload.  Boot 2, with nohibernate on
# the command line, loads torpor with resume= and writes the swap disk to
# /sys/power/resume: both do nothing, the image stays.  Boot 3 loads
# torpor and, from a process whose root is another file system (a tmpfs
# it chroots into, as after switch_root), writes the swap disk to
# /sys/power/resume: the write must fail with EBUSY, naming the reason,
# with the image left in place.  The same request from the initramfs'
# root then resumes it and the workload checks out.

plan()
{
	local swap

	disk swap 256 swap
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND"
	expect_poweroff
	host_run "$TORPOR" verify "$swap"
	boot nohibernate timeout=300 append="$APPEND nohibernate"
	expect_pass
	host_run "$TORPOR" verify "$swap"
	boot resume timeout=300 append="$APPEND"
	expect_pass
	[[ $(result resumed) == yes ]] || scenario_fail "the image did not resume"
	echo "# guest: $(result refused)"
	expect_no_image "$swap"
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start small
	hibernate_now
	report resumed yes
	workload_check
	expect_swap_again "$dev" active
	check_dmesg_clean
}

# Hibernation not allowed: neither the module parameter nor
# /sys/power/resume looks at the image.
stage_nohibernate()
{
	local dev devno

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	load_torpor resume="$devno"
	echo "$devno" >/sys/power/resume ||
		fail "/sys/power/resume refused the device under nohibernate: $(last_torpor_line)"
	! dmesg | grep -q 'torpor: resuming image' ||
		fail "torpor looked at the image under nohibernate: $(last_torpor_line)"
	expect_image_sig "$dev"
}

# A tmpfs root with a shell and /sys, as a system past switch_root has.
late_root()
{
	mkdir -p /late
	run mount -t tmpfs late /late
	mkdir -p /late/bin /late/sys
	cp /bin/busybox /late/bin/busybox || fail "no /bin/busybox to chroot with"
	run mount -t sysfs sysfs /late/sys
}

stage_resume()
{
	local dev devno out

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	load_torpor
	late_root
	out=$(chroot /late /bin/busybox sh -c "echo $devno >/sys/power/resume" 2>&1) &&
		fail "resume from a tmpfs root returned success: $(last_torpor_line)"
	case $out in
	*"busy"*) ;;
	*) fail "late resume: '$out', expected 'Device or resource busy'" ;;
	esac
	dmesg | grep -q 'torpor: image not resumed: the system is past its initramfs' ||
		fail "no refusal naming the initramfs: $(last_torpor_line)"
	report refused "$(last_torpor_line)"
	expect_image_sig "$dev"
	echo "$devno" >/sys/power/resume
	fail "the image was not resumed from the initramfs: $(last_torpor_line)"
}

# The image is still there after the refusal: its signature, not swap's.
expect_image_sig()
{
	local sig

	sig=$(dd if="$1" bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = S2SUSPENDT ] || fail "page 0 of $1 ends in '$sig' after the refusal, not the image's"
}
