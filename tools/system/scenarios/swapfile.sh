# SPDX-License-Identifier: GPL-2.0
#
# Swap file: boot 1 turns the swap disk off, makes a 512 MiB swap file on
# the ext4 root (written with dd: swapon and torpor refuse holes and
# unwritten extents), turns it on, takes its resume_offset from "torpor
# offset" (checked against filefrag's first extent), configures the
# Debian way (RESUME=/dev/vda and RESUME_OFFSET= in
# /etc/initramfs-tools/conf.d/resume) and runs "systemctl hibernate".
# Boot 1 is a "noresume" boot, so no resume device is configured yet
# (as before the first boot with resume= for a new swap file): then
# systemd-sleep writes the file's device and offset to
# /sys/power/resume_offset and resume itself, which torpor handles (it
# looks for an image there, finds plain swap and changes nothing), and
# torpor writes the image into the file.
# The host checks the image in a copy of the root disk (torpor verify
# --offset, the workload's marker pages) and makes the initramfs that
# update-initramfs makes with that configuration (in a chroot: in the
# emulated guest it takes minutes).  Boot 2 boots it with
# resume=/dev/vda resume_offset=N and resumes; the resumed system checks
# as in the hibernate scenario, with the swap file plain swap again.
#
# With ROOT_FS=btrfs the root is btrfs (tools/system/rootfs): the file is
# made No_COW first (chattr +C on the empty file, as btrfs requires of a
# swap file, then written with dd), and filefrag is no check there (on
# btrfs FIEMAP gives logical addresses, not places on the disk): "torpor
# offset" asks the kernel where the active swap file starts, and the host
# must find the image at that offset of the raw disk.  Debian 12's
# systemd (252) cannot find a swap file's offset on btrfs and refuses to
# hibernate ("Not enough swap space") unless the resume device and offset
# are configured already, as a boot with resume= and resume_offset= does:
# boot 1 writes them to /sys/power itself before "systemctl hibernate".

SWAPFILE=/swapfile

# resume_conf OFFSET: /etc/initramfs-tools/conf.d/resume for the file.
resume_conf()
{
	printf 'RESUME=/dev/vda\nRESUME_OFFSET=%s\n' "$1"
}

plan()
{
	local offset

	# No resume device configured in boot 1 (as before the first boot
	# with resume= for the new swap file): systemd-sleep writes it.
	sys_boot swapfile resume=noresume
	expect_hibernated
	offset=$(result resume_offset)
	[[ $offset =~ ^[0-9]+$ ]] || scenario_fail "no resume_offset from boot 1"
	echo "# root file system: $(result root_fs), swap file at page $offset"
	[[ $(result root_fs) == "${ROOT_FS/ext4/ext2/ext3}" ]] ||
		scenario_fail "root is $(result root_fs), not $ROOT_FS"
	root_raw
	host_run "$TORPOR" inspect --offset "$offset" "$WORK/root.raw"
	expect_image_markers "$WORK/root.raw" --offset "$offset"
	rm -f "$WORK/root.raw"
	guest_initramfs "$KERNEL" "$WORK/initrd.img" "$(resume_conf "$offset")"
	sys_boot resumed initrd="$WORK/initrd.img" resume="resume=/dev/vda resume_offset=$offset"
	expect_resumed
}

# filefrag -v: the physical block of the file's first extent, in 4 KiB
# blocks (the file system's block size here).
filefrag_offset()
{
	filefrag -v -b4096 "$1" |
		sed -n 's/^ *0: *[0-9]*\.\. *[0-9]*: *\([0-9]*\)\.\..*/\1/p'
}

stage_swapfile()
{
	local offset frag before fs

	expect_torpor_ready
	run swapoff "$(disk_dev swap)"
	fs=$(stat -f -c %T /)
	if [ "$fs" = btrfs ]; then
		run touch $SWAPFILE
		run chattr +C $SWAPFILE
	fi
	run dd if=/dev/zero of=$SWAPFILE bs=1M count=512 status=none
	run chmod 600 $SWAPFILE
	run mkswap $SWAPFILE
	run swapon $SWAPFILE
	offset=$(torpor offset $SWAPFILE) || fail "torpor offset $SWAPFILE failed"
	if [ "$fs" = ext2/ext3 ]; then
		frag=$(filefrag_offset $SWAPFILE)
		[ "$offset" = "$frag" ] || fail "torpor offset says $offset, filefrag $frag"
	fi
	report resume_offset "$offset"
	report root_fs "$fs"
	resume_conf "$offset" >/etc/initramfs-tools/conf.d/resume
	[ "$(cat /sys/power/resume)" = 0:0 ] ||
		fail "/sys/power/resume is $(cat /sys/power/resume) in a noresume boot"
	if [ "$fs" = btrfs ]; then
		echo "$offset" >/sys/power/resume_offset
		block_devno /dev/vda >/sys/power/resume
	fi
	workload_start default
	before=$(sleep_count)
	hibernate_systemctl
	wait_resumed "$before" 120
	# systemd-sleep configured the file itself, through torpor.
	{ [ "$(cat /sys/power/resume)" = "$(block_devno /dev/vda)" ] &&
	  [ "$(cat /sys/power/resume_offset)" = "$offset" ]; } ||
		fail "/sys/power/resume $(cat /sys/power/resume) offset $(cat /sys/power/resume_offset), not /dev/vda at $offset"
	expect_resumed_system_file
}

# As expect_resumed_system, for the swap file: its first page (read past
# the page cache) is the swap signature again and it is active swap.
expect_resumed_system_file()
{
	local sig

	workload_check
	[ "$(systemctl show -p MainPID --value "$WORKER")" = "$(cat "$WORKLOAD_DIR/hog.pid")" ] ||
		fail "$WORKER has a new MainPID"
	expect_journal_sleep
	expect_journal_torpor
	sig=$(dd if=$SWAPFILE bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = SWAPSPACE2 ] || fail "page 0 of $SWAPFILE ends in '$sig', not SWAPSPACE2"
	grep -q "^$SWAPFILE " /proc/swaps || fail "$SWAPFILE is not active swap after the resume"
	check_dmesg_clean
}

stage_resumed()
{
	fail "booted afresh: the image was not resumed ($(dmesg | grep torpor: | tail -n 2 | tr '\n' ' '))"
}
