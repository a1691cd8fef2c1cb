# SPDX-License-Identifier: GPL-2.0
#
# resume-late: a resume that may not happen must not happen, and an image
# it refuses must not outlive the boot that refused it: a resume asked for
# after the system has left its initramfs (the file systems mounted since
# would no longer match the restored memory) or while the hibernation
# token is taken (/dev/snapshot open) is refused with EBUSY and the image
# discarded at once, with one log line saying so, the swap area usable
# again.  A boot that does not allow hibernation (nohibernate) does not
# look at the image at all and leaves it for a boot that does.
# Boot 1 hibernates with a small workload.  Boot 2, with nohibernate on
# the command line, loads torpor with resume= and writes the swap disk to
# /sys/power/resume: both do nothing, the image stays.  Boot 3 holds
# /dev/snapshot open and asks for a resume: refused, image gone, swapon
# takes the area; it then hibernates to it again.  Boot 4 loads torpor
# and, from a process whose root is another file system (a tmpfs it
# chroots into, as after switch_root), asks for a resume: refused, image
# gone, swapon takes the area.
#
# check: kernels=61,612 order=30 budget=180

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
	boot busy timeout=300 append="$APPEND"
	expect_poweroff
	echo "# boot 3: $(result refused)"
	host_run "$TORPOR" verify "$swap"
	boot late timeout=300 append="$APPEND"
	expect_pass
	echo "# boot 4: $(result refused)"
	expect_no_image "$swap"
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	hibernate_small "$dev"
	fail "the system came back from a hibernation that powers off"
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

# expect_refused_discarded DEV OUT WHY: the resume request whose error
# output is OUT failed with EBUSY, torpor said it discarded the image
# because of WHY, and DEV is plain swap that swapon takes.
expect_refused_discarded()
{
	case $2 in
	*"busy"*) ;;
	*) fail "resume: '$2', expected 'Device or resource busy'" ;;
	esac
	report refused "$(last_torpor_line)"
	expect_swap_again "$1" inactive
	dmesg | grep -q "torpor: image discarded, not resumed: $3" ||
		fail "no line saying the image was discarded ($3): $(last_torpor_line)"
	check_kernel_sane
}

# The hibernation token held by /dev/snapshot (uswsusp's interface).
stage_busy()
{
	local dev devno out

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	load_torpor
	exec 3</dev/snapshot || fail "cannot open /dev/snapshot"
	out=$( (echo "$devno" >/sys/power/resume) 2>&1) &&
		fail "resume with /dev/snapshot open returned success: $(last_torpor_line)"
	exec 3<&-
	expect_refused_discarded "$dev" "$out" "hibernation in progress or /dev/snapshot open"
	# The area takes a new image.
	echo "$devno" >/sys/power/resume
	echo shutdown >/sys/power/disk
	hibernate_now
	fail "the system came back from a hibernation that powers off"
}

stage_late()
{
	local dev devno out

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	load_torpor
	late_root
	out=$(chroot /late /bin/busybox sh -c "echo $devno >/sys/power/resume" 2>&1) &&
		fail "resume from a tmpfs root returned success: $(last_torpor_line)"
	expect_refused_discarded "$dev" "$out" "the system is past its initramfs"
}

# The image is still there: its signature, not swap's.
expect_image_sig()
{
	local sig

	sig=$(dd if="$1" bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = S2SUSPENDT ] || fail "page 0 of $1 ends in '$sig' under nohibernate, not the image's"
}
