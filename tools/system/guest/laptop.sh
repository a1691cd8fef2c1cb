# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The laptop guest's disk layout, shared by its builder on the host
# (tools/system/laptop, which sources this file for laptop_configure)
# and by the stages of its maintenance boots (run by systest in place of
# a scenario: the image's tree boots from a virtio disk, with the
# laptop's NVMe disk beside it):
#
#	stage_install    lays out the NVMe disk the way Debian's installer
#	                 does for "guided - use entire disk and set up
#	                 encrypted LVM" (ESP, /boot, LUKS2 holding an LVM
#	                 volume group with the root and swap_1 volumes), copies
#	                 the laptop's system (the disk "src") onto it and
#	                 installs GRUB's EFI loader from it
#	stage_extract    opens the NVMe disk's volumes read-only and copies the
#	                 swap volume to the disk "swap", for the host to
#	                 inspect

# The names Debian's installer gives on a machine called "systest"; the
# file systems' and LUKS's UUIDs are fixed so that the host can write
# fstab and crypttab before the disk exists.
LAPTOP_VG=systest-vg
LAPTOP_CRYPT=nvme0n1p3_crypt
LAPTOP_NVME=/dev/nvme0n1
LAPTOP_LUKS_UUID=6c75b3a2-0d0e-4b53-8f4c-746f72706f72
LAPTOP_BOOT_UUID=2b8e8d55-6a2f-4f0a-b3c1-746f72706f72
LAPTOP_ROOT_UUID=9a0d6e4f-58c7-4e21-a2b6-746f72706f72
LAPTOP_ESP_ID=7470AAAA

# laptop_open [OPTION...]: open the LUKS volume with the passphrase the
# host put on the command line.
laptop_open()
{
	karg laptop.passphrase | tr -d '\n' |
		cryptsetup open --key-file - "$@" "${LAPTOP_NVME}p3" $LAPTOP_CRYPT ||
		fail "cryptsetup open ${LAPTOP_NVME}p3 failed"
}

laptop_partition()
{
	[ -b $LAPTOP_NVME ] || fail "no NVMe disk $LAPTOP_NVME"
	sfdisk -q $LAPTOP_NVME <<-EOF || fail "sfdisk $LAPTOP_NVME failed"
	label: gpt
	size=64MiB, type=uefi, name="EFI System Partition"
	size=488MiB, type=linux
	type=linux
	EOF
	run udevadm settle
	run mkfs.vfat -F 32 -n ESP -i $LAPTOP_ESP_ID "${LAPTOP_NVME}p1"
	run mkfs.ext4 -q -L boot -U $LAPTOP_BOOT_UUID "${LAPTOP_NVME}p2"
	# A cheap key derivation: every later boot runs it emulated.
	karg laptop.passphrase | tr -d '\n' |
		cryptsetup luksFormat -q --type luks2 --uuid $LAPTOP_LUKS_UUID \
			--pbkdf argon2id --pbkdf-memory 65536 --iter-time 200 \
			--key-file - "${LAPTOP_NVME}p3" ||
		fail "cryptsetup luksFormat failed"
	laptop_open
	run pvcreate -q /dev/mapper/$LAPTOP_CRYPT
	run vgcreate -q $LAPTOP_VG /dev/mapper/$LAPTOP_CRYPT
	run lvcreate -q -y -L "$(karg laptop.swap_mib)m" -n swap_1 $LAPTOP_VG
	run lvcreate -q -y -l 100%FREE -n root $LAPTOP_VG
	run mkswap -q /dev/$LAPTOP_VG/swap_1
	run mkfs.ext4 -q -U $LAPTOP_ROOT_UUID /dev/$LAPTOP_VG/root
}

# laptop_configure TREE: the installed system's configuration, as the
# installer writes it, plus the test's: GRUB on the serial console, the
# kernel and its test arguments taken from the SMBIOS system information
# the host sets (tools/system/lib.sh, laptop_smbios): "SKU number" names
# the kernel to boot, "family" the arguments to add.  The initramfs is
# built on the host, in a chroot, where cryptsetup-initramfs cannot see
# the LUKS volume under the root: crypttab's "initramfs" option has it
# opened all the same.
laptop_configure()
{
	local t=$1

	cat >"$t/etc/fstab" <<-EOF
	/dev/mapper/systest--vg-root / ext4 errors=remount-ro 0 1
	UUID=$LAPTOP_BOOT_UUID /boot ext4 defaults 0 2
	UUID=${LAPTOP_ESP_ID:0:4}-${LAPTOP_ESP_ID:4:4} /boot/efi vfat umask=0077 0 1
	/dev/mapper/systest--vg-swap_1 none swap sw 0 0
	LABEL=systest /srv/systest ext4 ro,nofail 0 0
	EOF
	echo "$LAPTOP_CRYPT UUID=$LAPTOP_LUKS_UUID none luks,discard,initramfs" >"$t/etc/crypttab"
	echo "RESUME=/dev/mapper/systest--vg-swap_1" >"$t/etc/initramfs-tools/conf.d/resume"
	cat >>"$t/etc/default/grub" <<-'EOF'
	GRUB_TIMEOUT=0
	GRUB_TERMINAL=console
	GRUB_CMDLINE_LINUX_DEFAULT='console=tty0 console=ttyS0 panic=-1 $systest_args'
	EOF
	# GRUB's own ids of the entries, named by the root file system's UUID;
	# the entries of a submenu see only exported variables.
	cat >"$t/etc/grub.d/01_systest" <<-EOS
	#!/bin/sh
	cat <<'EOF'
	insmod smbios
	smbios --type 1 --get-string 26 --set systest_args
	export systest_args
	if smbios --type 1 --get-string 25 --set systest_kernel; then
	  set default="gnulinux-advanced-$LAPTOP_ROOT_UUID>gnulinux-\$systest_kernel-advanced-$LAPTOP_ROOT_UUID"
	fi
	EOF
	EOS
	chmod 755 "$t/etc/grub.d/01_systest"
}

stage_install()
{
	local t=/target src=/mnt/src fs kernel

	laptop_partition
	mkdir -p $t $src
	run mount -o ro,noload "$(disk_dev src)" $src
	run mount /dev/$LAPTOP_VG/root $t
	mkdir -p $t/boot
	run mount "${LAPTOP_NVME}p2" $t/boot
	mkdir -p $t/boot/efi
	run mount "${LAPTOP_NVME}p1" $t/boot/efi
	log "copying the system"
	run cp -a $src/. $t/
	for fs in dev dev/pts proc sys run; do
		run mount --bind /$fs $t/$fs
	done
	run chroot $t grub-install --target=x86_64-efi --efi-directory=/boot/efi \
		--removable --no-nvram
	run chroot $t update-grub
	for kernel in "$t"/boot/vmlinuz-*; do
		kernel=${kernel##*/vmlinuz-}
		grep -q "'gnulinux-$kernel-advanced-$LAPTOP_ROOT_UUID'" $t/boot/grub/grub.cfg ||
			fail "grub.cfg has no entry for $kernel that GRUB can pick by its id"
	done
	for fs in run sys proc dev/pts dev boot/efi boot ''; do
		run umount $t/$fs
	done
	run vgchange -q -a n $LAPTOP_VG
	run cryptsetup close $LAPTOP_CRYPT
	sync
}

stage_extract()
{
	laptop_open --readonly
	run vgchange -q -a y $LAPTOP_VG
	# Past the page cache: copying through it costs as much again under TCG.
	run dd if=/dev/$LAPTOP_VG/swap_1 of="$(disk_dev swap)" bs=4M \
		iflag=direct oflag=direct status=none
	run vgchange -q -a n $LAPTOP_VG
	run cryptsetup close $LAPTOP_CRYPT
}
