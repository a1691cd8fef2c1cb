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

plan()
{
	sys_boot hibernate
	expect_hibernated
	sys_fetch_swap
	host_run "$TORPOR" inspect "$(disk_path swap)"
	expect_image_markers "$(disk_path swap)"
	sys_boot resumed
	expect_resumed
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
