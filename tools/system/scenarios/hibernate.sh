# SPDX-License-Identifier: GPL-2.0
#
# systemctl hibernate: boot 1 starts the workload (its live process is
# the service systest-worker) and runs "systemctl hibernate"; logind and
# systemd-sleep hibernate (platform mode: ACPI S4 ends QEMU) and torpor
# writes the image to the swap disk.  The host finds torpor's lines and
# none of swsusp's on the console, verifies the image and finds the
# workload's marker pages in it.  Boot 2 resumes it from the initramfs
# (initramfs-tools' resume with RESUME=UUID=...); in the resumed system
# "systemctl hibernate" returns, the service has the same MainPID, its
# counter went on and its memory checks out, the journal shows the
# hibernation and the resume, and the swap disk is plain swap again.
#
# With INITRAMFS=dracut both boots use the initramfs Debian's dracut
# makes instead (guest_dracut_initramfs in tools/system/lib.sh): it loads
# torpor before udev, and resume=UUID=... on the kernel command line has
# dracut's resume module (systemd-hibernate-resume) write the swap disk
# to /sys/power/resume, in boot 1 finding plain swap, in boot 2 the
# image, which torpor resumes through its livepatched resume_store()
# before the initramfs hands over to the root.

plan()
{
	local initrd=() resumed=expect_resumed

	case ${INITRAMFS:=initramfs-tools} in
	initramfs-tools) ;;
	dracut)
		guest_dracut_initramfs "$KERNEL" "$WORK/initrd.img"
		initrd=(initrd="$WORK/initrd.img")
		resumed=expect_resumed_dracut
		;;
	*) scenario_fail "INITRAMFS=$INITRAMFS: not initramfs-tools or dracut" ;;
	esac
	sys_boot hibernate "${initrd[@]}"
	expect_hibernated
	sys_fetch_swap
	host_run "$TORPOR" inspect "$(disk_path swap)"
	expect_image_markers "$(disk_path swap)"
	sys_boot resumed "${initrd[@]}"
	"$resumed"
}

stage_hibernate()
{
	local before

	expect_torpor_ready
	workload_start default
	laptop_prepare
	before=$(sleep_count)
	hibernate_systemctl
	# Only the resumed system gets here.
	wait_resumed "$before" 120
	expect_resumed_system "$(disk_dev swap)"
	expect_laptop_resumed
}

# Boot 2 gets here only if the initramfs did not resume the image.
stage_resumed()
{
	fail "booted afresh: the image was not resumed ($(dmesg | grep torpor: | tail -n 2 | tr '\n' ' '))"
}
