# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host side of the system tests, sourced by tools/system/run after the
# QEMU harness's tools/qemu/lib.sh, whose run, boot, verdict and failure
# helpers it uses (harness_run, harness_vars, qemu_run, result, host_run,
# expect_pass, boot_failed, expect_image_markers, scenario_fail, ...).
# What differs:
#
# The guest is the Debian 12 system tools/system/rootfs builds, booted
# from its own /boot (kernel and initramfs made by update-initramfs) with
# three disks:
#
#	/dev/vda  root    a copy-on-write overlay of the cached image: every
#	                  run starts from the same pristine system
#	/dev/vdb  swap    1.5 GiB, mkswap'd with the UUID the image's
#	                  RESUME= and fstab name
#	/dev/vdc  systest read-only: the guest side of the run (systest,
#	                  guest.sh, workload.sh, syslib.sh, the scenario,
#	                  memhog, lid), mounted on /srv/systest
#
# A boot runs the stage named by systest.stage= in systest.service once
# the system is up; the stage's verdict and results come back on the
# second serial port as in the QEMU harness.  Scenarios are
# tools/system/scenarios/NAME.sh: plan() for the host, stage_*() for the
# guest (bash).
#
#	sys_boot STAGE [kernel=R] [initrd=FILE] [resume=ARGS] [append=ARGS]
#	         [timeout=S] [cut_on=REGEX [cut_delay=S]]
#	                          boot the guest once; resume= replaces the
#	                          default "resume=UUID=<swap>"; cut_on as the
#	                          QEMU harness's boot
#	expect_hibernated         the last boot hibernated with torpor and
#	                          QEMU exited at the power-off (ACPI S4 in
#	                          platform mode, or a plain power-off); the
#	                          console shows torpor's snapshot and image
#	                          lines and none of the kernel's own
#	                          hibernation
#	expect_resumed            the last boot resumed the image with torpor
#	                          from the initramfs, as torpor loaded (before
#	                          its livepatch; on the laptop, once the LUKS
#	                          volume is open), and the resumed stage passed
#	sys_fetch_swap            make disk_path swap hold the swap area as the
#	                          last boot left it (on the laptop: a copy of
#	                          the swap volume)
#	root_raw                  $WORK/root.raw: the guest's root disk as the
#	                          last boot left it (raw, journal replayed)
#	expect_resumed_dracut     the same from dracut's initramfs: torpor
#	                          loaded plain, the resume asked for through
#	                          /sys/power/resume after its livepatch
#	guest_initramfs RELEASE OUT CONF
#	                          the initramfs update-initramfs makes in the
#	                          image with CONF in conf.d/resume
#	guest_dracut_initramfs RELEASE OUT
#	                          the initramfs Debian's dracut makes in the
#	                          image once it replaces initramfs-tools
#
# PROFILE=laptop runs the scenario on the laptop instead (laptop_boot):
# UEFI, q35, the system on NVMe in Debian's encrypted LVM layout
# (tools/system/laptop builds it), GRUB booting the disk's own kernel and
# initramfs, the LUKS passphrase typed at the prompt, swap as a logical
# volume; the systest disk is the only virtio disk.
#
# Variables: IMAGE (the image directory rootfs printed, or the laptop's),
# SMP, MEM, TIMEOUT (per boot, default 400 s), APPEND, TAG as in the QEMU
# harness; ROOT_FS (ext4, the default, or btrfs: the root disk the run
# boots); PROFILE (virtio, the default, or laptop); SYSTEM_IMAGE=DIR runs
# with that image directory (build/system/image-*) instead of the one
# rootfs builds or finds for the checkout as it is, LAPTOP_IMAGE=DIR with
# that laptop directory (build/system/laptop-*).

# shellcheck disable=SC2153 # ROOT is set by tools/system/run
SYSTEM=$ROOT/tools/system
SYSTEM_SCENARIOS=$SYSTEM/scenarios
TIMEOUT=400
SWAP_MIB=1536
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# shellcheck source=tools/system/common.sh
. "$SYSTEM/common.sh"

# shellcheck source=tools/system/guest/swsusp-lines.sh
. "$SYSTEM/guest/swsusp-lines.sh"

# The lid switch, static so it runs in any guest.
lid_build()
{
	local src=$SYSTEM/lid.c out=$BUILD/system/lid

	[[ $out -nt $src ]] && return 0
	mkdir -p "$BUILD/system"
	${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src" ||
		harness_die "cannot build $out"
	mv "$out.tmp" "$out"
}

# systest_disk SCRIPT IMG: IMG, the read-only disk with the guest's side
# of the run, SCRIPT being the stages (the scenario).
systest_disk()
{
	local dir=$WORK/systest

	helper_build memhog
	lid_build
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$SYSTEM/guest/systest" "$SYSTEM/guest/syslib.sh" \
		"$SYSTEM/guest/swsusp-lines.sh" "$HARNESS/guest.sh" \
		"$HARNESS/workload.sh" "$BUILD/qemu/memhog" "$BUILD/system/lid" "$dir/"
	cp "$1" "$dir/scenario.sh"
	mkfs.ext4 -q -F -L systest -d "$dir" "$2" 16M >"$WORK/mkfs.log" 2>&1 ||
		harness_die "mkfs.ext4 of the systest disk: $(tail -n 1 "$WORK/mkfs.log")"
}

# Replaces the QEMU harness's setup (same arguments, same variables): the
# scenario comes from tools/system/scenarios, the disks are the image's
# overlay, the swap disk and the systest disk, the run's directory is
# build/system/run/SCENARIO/RELEASE[-TAG].
harness_setup()
{
	local root_img

	harness_vars "$@"
	read_versions || harness_die "no build/versions.mk (run make deps)"
	# shellcheck disable=SC2153 # set by harness_vars
	[[ $KERNEL == "$KVER_61" || $KERNEL == "$KVER_612" ]] ||
		harness_die "$KERNEL is neither $KVER_61 nor $KVER_612"
	SCENARIO_FILE=$SYSTEM_SCENARIOS/$SCENARIO.sh
	[[ -f $SCENARIO_FILE ]] || harness_die "no scenario $SCENARIO_FILE"
	[[ -x $TORPOR ]] || harness_die "no $TORPOR (make tool)"
	WORK=$SYSTEM_OUT/run/$SCENARIO/$KERNEL${TAG:+-$TAG}
	rm -rf "$WORK"
	mkdir -p "$WORK"
	case ${PROFILE:=virtio} in
	virtio) virtio_setup ;;
	laptop) laptop_setup ;;
	*) harness_die "PROFILE=$PROFILE: not virtio or laptop" ;;
	esac
	systest_disk "$SCENARIO_FILE" "$WORK/systest.img"
	# shellcheck disable=SC2034 # counted by the harness's qemu_run
	BOOT=0
}

virtio_setup()
{
	local root_img

	IMAGE=${SYSTEM_IMAGE:-$("$SYSTEM/rootfs")} || harness_die "building the guest image failed"
	IMAGE=$(cd "$IMAGE" && pwd)
	case ${ROOT_FS:=ext4} in
	ext4) root_img=$IMAGE/root.img ;;
	btrfs) root_img=$IMAGE/root-btrfs.img ;;
	*) harness_die "ROOT_FS=$ROOT_FS: not ext4 or btrfs" ;;
	esac
	qemu-img create -q -f qcow2 -b "$root_img" -F raw "$WORK/root.qcow2" ||
		harness_die "qemu-img create failed"
	truncate -s "${SWAP_MIB}M" "$WORK/swap.img"
	mkswap -U "$SWAP_UUID" "$WORK/swap.img" >"$WORK/mkswap.log" 2>&1 ||
		harness_die "mkswap: $(tail -n 1 "$WORK/mkswap.log")"
}

# The laptop's disk is an overlay of the installed NVMe disk; its UEFI
# variables are the run's own.
laptop_setup()
{
	[[ ${ROOT_FS:=ext4} == ext4 ]] || harness_die "PROFILE=laptop has an ext4 root only"
	IMAGE=${LAPTOP_IMAGE:-$("$SYSTEM/laptop")} || harness_die "building the laptop guest failed"
	IMAGE=$(cd "$IMAGE" && pwd)
	qemu-img create -q -f qcow2 -b "$IMAGE/nvme.img" -F raw "$WORK/nvme.qcow2" ||
		harness_die "qemu-img create failed"
	cp "$OVMF_VARS" "$WORK/ovmf-vars.fd"
}

# The QEMU harness's classification of a boot applies as it is, with one
# addition: a guest that hibernated with torpor is "hibernated", whether
# it powered off or (platform mode) left QEMU through ACPI S4, which
# prints nothing after torpor's last line.
sys_classify()
{
	boot_classify "$@"
	if [[ $OUTCOME == error && $1 -eq 0 ]] && ! guest_triple_faulted &&
	   grep -q 'torpor: image written' "$LOG"; then
		OUTCOME=hibernated
		REASON=
	elif [[ $OUTCOME == poweroff ]] && grep -q 'torpor: image written' "$LOG"; then
		OUTCOME=hibernated
	fi
}

sys_boot()
{
	# shellcheck disable=SC2153 # set by harness_vars
	local stage=$1 kernel=$KERNEL append=$APPEND timeout=$TIMEOUT opt
	local initrd='' resume="resume=UUID=$SWAP_UUID" vmlinuz cut_on='' cut_delay=0

	shift
	for opt; do
		case $opt in
		kernel=*) kernel=${opt#*=} ;;
		initrd=*) initrd=${opt#*=} ;;
		resume=*) resume=${opt#resume=} ;;
		append=*) append=${opt#*=} ;;
		timeout=*) timeout=${opt#*=} ;;
		cut_on=*) cut_on=${opt#*=} ;;
		cut_delay=*) cut_delay=${opt#*=} ;;
		*) scenario_fail "sys_boot: unknown option '$opt'" ;;
		esac
	done
	if [[ $PROFILE == laptop ]]; then
		# GRUB boots the disk's own kernel and initramfs.
		[[ -z $initrd && $resume == "resume=UUID=$SWAP_UUID" ]] ||
			scenario_fail "sys_boot: no initrd= or resume= with PROFILE=laptop"
		CUT_ON=$cut_on CUT_DELAY=$cut_delay laptop_boot "$stage" "$kernel" "$append" "$timeout"
		return
	fi
	vmlinuz=$IMAGE/root/boot/vmlinuz-$kernel
	: "${initrd:=$IMAGE/root/boot/initrd.img-$kernel}"
	[[ -f $vmlinuz && -f $initrd ]] || scenario_fail "no $vmlinuz or $initrd in the image"
	CUT_ON=$cut_on CUT_DELAY=$cut_delay \
	qemu_run sys_classify "$stage" "$kernel" "$SMP" "$MEM" "$timeout" \
		"root=/dev/vda ro console=ttyS0 panic=-1 $resume systest.stage=$stage harness.disks=root,swap,systest" \
		"$append" -kernel "$vmlinuz" -initrd "$initrd" \
		-drive "file=$WORK/root.qcow2,format=qcow2,if=virtio" \
		-drive "file=$WORK/swap.img,format=raw,if=virtio" \
		-drive "file=$WORK/systest.img,format=raw,if=virtio,readonly=on"
}

# laptop_smbios FILE KERNEL ARGS: the SMBIOS system information (type 1)
# of the laptop, whole, because QEMU fixes the wake-up type of the one it
# makes at "power switch": here it is "APM timer" (3), what laptops report
# after an RTC alarm and what systemd's suspend-then-hibernate (252)
# wants before it hibernates.  SKU number (string 5) and family (string
# 6) carry the kernel for GRUB to boot and the test's kernel arguments
# (guest/laptop.sh, laptop_configure).
laptop_smbios()
{
	{
		# type, length, handle; manufacturer, product, version, serial
		# number (strings 1-4); UUID
		printf '\x01\x1b\x00\x01\x01\x02\x03\x04'
		printf '\x00%.0s' {1..16}
		# wake-up type, SKU number, family
		printf '\x03\x05\x06'
		printf '%s\0' QEMU 'torpor laptop' 1 0 "$2" "$3"
		printf '\0'
	} >"$1"
}

# The laptop: q35 with ACPI S3 and S4, UEFI (Debian's OVMF), GRUB from
# the NVMe disk's ESP, USB keyboard and tablet on xHCI, a DRM display,
# HD audio, an e1000e NIC (user networking: its link is up), and the
# systest disk on virtio.  GRUB boots the kernel the SMBIOS names, with
# the test's arguments (laptop_smbios); the swap disk the guest sees is
# the swap volume.
laptop_boot()
{
	local stage=$1 kernel=$2 append=$3 timeout=$4 args

	args="systest.stage=$stage systest.profile=laptop"
	args+=" harness.disks=systest,swap:/dev/mapper/systest--vg-swap_1"
	args+="${TRACE:+ harness.trace=1}${append:+ $append}"
	laptop_smbios "$WORK/smbios-type1.bin" "$kernel" "$args"
	CONSOLE_FEED=laptop_passphrase \
	qemu_run sys_classify "$stage" "$kernel" "$SMP" "$MEM" "$timeout" "" "" \
		-machine q35 -global ICH9-LPC.disable_s3=0 -global ICH9-LPC.disable_s4=0 \
		-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
		-drive "if=pflash,format=raw,file=$WORK/ovmf-vars.fd" \
		-drive "file=$WORK/nvme.qcow2,format=qcow2,if=none,id=nvme" \
		-device nvme,serial=torpor-nvme,drive=nvme \
		-device qemu-xhci -device usb-kbd -device usb-tablet \
		-vga none -device bochs-display \
		-audiodev none,id=audio -device intel-hda -device hda-duplex,audiodev=audio \
		-netdev user,id=net -device e1000e,netdev=net \
		-drive "file=$WORK/systest.img,format=raw,if=virtio,readonly=on" \
		-smbios "file=$WORK/smbios-type1.bin"
	# GRUB boots its first entry when the one named is not there.
	grep -q "Linux version $kernel " "$LOG" || boot_failed "GRUB did not boot $kernel"
}

# laptop_passphrase FIFO TIMEOUT: type the LUKS passphrase at each of the
# initramfs's prompts, as the user at the keyboard does.
laptop_passphrase()
{
	local fifo=$1 polls=$(($2 * 10)) typed=0 prompts

	# qemu_run stops it when QEMU is gone.
	while [[ $polls -gt 0 ]]; do
		prompts=$(grep -c 'Please unlock disk' "$LOG" 2>/dev/null) || true
		if [[ ${prompts:-0} -gt $typed ]]; then
			printf '%s\n' "$LAPTOP_PASSPHRASE" >"$fifo"
			typed=$prompts
		fi
		polls=$((polls - 1))
		sleep 0.1
	done
}

# laptop_maintenance STAGE NVME-DRIVE SWAP: a maintenance boot of the
# laptop guest running STAGE of guest/laptop.sh, from the layer IMAGE
# (tools/system/laptop): its maintenance system boots from an overlay of
# maint.img (vda), the laptop's system root.img is the read-only "src"
# (vdb), then the systest disk and SWAP, a raw file ("swap", vdd);
# NVME-DRIVE is QEMU's -drive options for the NVMe disk.  The tree's fstab names the virtio guest's
# swap disk, absent here: systemd.swap=0 spares the boot its 90 s wait.
# Uses WORK and BOOT as a run does: callers within a run give it a WORK
# of its own.
laptop_maintenance()
{
	local stage=$1 nvme=$2 swap=$3

	mkdir -p "$WORK"
	systest_disk "$SYSTEM/guest/laptop.sh" "$WORK/systest.img"
	qemu-img create -q -f qcow2 -b "$IMAGE/maint.img" -F raw "$WORK/root.qcow2" ||
		harness_die "qemu-img create failed"
	[[ -f $swap ]] || truncate -s "${SWAP_MIB}M" "$swap"
	qemu_run boot_classify "$stage" "$KVER_612" 2 1024 1800 \
		"root=/dev/vda ro console=ttyS0 panic=-1 noresume systemd.swap=0 systest.stage=$stage harness.disks=root,src,systest,swap laptop.passphrase=$LAPTOP_PASSPHRASE laptop.swap_mib=$SWAP_MIB" "" \
		-kernel "$IMAGE/maint-vmlinuz" -initrd "$IMAGE/maint-initrd" \
		-drive "file=$WORK/root.qcow2,format=qcow2,if=virtio" \
		-drive "file=$IMAGE/root.img,format=raw,if=virtio,readonly=on" \
		-drive "file=$WORK/systest.img,format=raw,if=virtio,readonly=on" \
		-drive "file=$swap,format=raw,if=virtio" \
		-drive "$nvme,if=none,id=nvme" -device nvme,serial=torpor-nvme,drive=nvme
	rm -f "$WORK/root.qcow2"
}

# sys_fetch_swap: make disk_path swap hold the swap area as the last boot
# left it.  The laptop's is a volume inside LUKS, which the host cannot
# open: a maintenance boot unlocks it, read-only, from a throw-away
# overlay of the laptop's disk, and copies it out.
sys_fetch_swap()
{
	local swap nvme=file=$WORK/nvme.qcow2,format=qcow2,snapshot=on

	[[ $PROFILE == laptop ]] || return 0
	swap=$(disk_path swap)
	rm -f "$swap"
	# Not one of the run's boots: its own directory, count and outcome.
	# shellcheck disable=SC2034 # qemu_run's, restored on return
	local WORK=$WORK/extract BOOT=0 LOG OUTCOME REASON BOOT_SECONDS INIT_SECONDS
	laptop_maintenance extract "$nvme" "$swap"
	[[ $OUTCOME == pass ]] ||
		scenario_fail "the boot copying the swap volume ended $OUTCOME${REASON:+ ($REASON)}"
	echo "# swap volume copied out by a maintenance boot (extract/)"
}

# expect_console_clean: the last boot's console shows none of the
# kernel's own hibernation lines.
expect_console_clean()
{
	local line

	line=$(grep -E -m 1 "$SWSUSP_LINES" "$LOG") || return 0
	boot_failed "the kernel's own hibernation ran: $line"
}

# expect_console LINE...: each extended regexp matches a console line.
expect_console()
{
	local re

	for re; do
		grep -q -E "$re" "$LOG" || boot_failed "no console line matching '$re'"
	done
}

expect_hibernated()
{
	case $OUTCOME in
	hibernated) ;;
	pass) boot_failed "expected a hibernation, the stage returned and passed" ;;
	*) boot_failed "expected a hibernation, got $OUTCOME${REASON:+: $REASON}" ;;
	esac
	expect_console 'torpor: snapshot: [0-9]+ pages saved' \
		'torpor: image written: [0-9]+ pages'
	expect_console_clean
	echo "# $(grep -o -m 1 'torpor: image written: .*' "$LOG")"
}

# The initramfs hook found the resume device and torpor resumed while it
# loaded: the boot kernel never enabled torpor's livepatch.
expect_resumed_at_load()
{
	awk '/torpor: resuming image of/ { exit found }
	     /livepatch: enabling patch .torpor./ { found = 1 }' "$LOG" ||
		boot_failed "torpor enabled its livepatch before resuming: the hook did not pass resume= at load"
}

# dracut's initramfs loads torpor before udev starts (systemd-modules-load
# with the modules-load.d file dracut copies in, or else torpor's pre-udev
# hook), before any disk shows up, so nothing passes resume= at load:
# torpor enables its livepatch, then dracut's resume module
# (systemd-hibernate-resume in Debian's systemd-based initramfs) writes
# the device to /sys/power/resume, whose store method the livepatch
# replaced, before the initramfs hands over to the root.
expect_resumed_in_dracut()
{
	local reason

	reason=$(awk '
		/Welcome to .*dracut-[0-9].*\(Initramfs\)/ { initrd = 1 }
		/Starting .*initrd-switch-root\.service/ { initrd = 0; left = 1 }
		/livepatch: enabling patch .torpor./ { patched = 1 }
		/torpor: resuming image of/ {
			if (left)
				print "torpor resumed after the initramfs handed over to the root"
			else if (!initrd)
				print "no dracut initramfs before the resume"
			else if (!patched)
				print "torpor resumed before it enabled its livepatch: not through /sys/power/resume"
			exit
		}' "$LOG")
	[[ -z $reason ]] || boot_failed "$reason"
}

# expect_resumed_common HOW: expect_resumed_HOW checks how torpor was
# asked to resume.
expect_resumed_common()
{
	expect_pass
	expect_console 'torpor: resuming image of' 'torpor: image loaded in [0-9]+ ms' \
		'torpor: resumed: image loaded'
	expect_console_clean
	"expect_resumed_$1"
	echo "# $(grep -o -m 1 'torpor: image loaded in .*' "$LOG")"
}

# On the laptop the swap volume appears only once the initramfs opened
# the LUKS volume, after torpor loaded: initramfs-tools' own resume hands
# it over.
expect_resumed_after_unlock()
{
	awk '/cryptsetup: nvme0n1p3_crypt: set up successfully/ { open = 1 }
	     /torpor: resuming image of/ { exit !open }' "$LOG" ||
		boot_failed "torpor resumed before the initramfs opened the LUKS volume"
}

expect_resumed()
{
	if [[ $PROFILE == laptop ]]; then
		expect_resumed_common after_unlock
	else
		expect_resumed_common at_load
	fi
}

expect_resumed_dracut()
{
	expect_resumed_common in_dracut
}

# root_raw: $WORK/root.raw, a raw copy of the guest's root disk as the
# last boot left it, on ext4 with the journal replayed (a hibernated system
# synced its files, but their metadata may be in the journal only; btrfs
# commits them with the sync).
root_raw()
{
	host_run qemu-img convert -O raw "$WORK/root.qcow2" "$WORK/root.raw"
	[[ $ROOT_FS != ext4 ]] ||
		e2fsck -E journal_only -y "$WORK/root.raw" >>"$WORK/host.log" 2>&1 || true
}

# guest_initramfs RELEASE OUT CONF: the initramfs "update-initramfs -u -k
# RELEASE" makes in the guest with the line CONF as its
# /etc/initramfs-tools/conf.d/resume, made in a chroot of an overlay of
# the image's tree (the cached tree stays as it is): in the emulated
# guest it takes minutes.
guest_initramfs()
{
	local rel=$1 out=$2 conf=$3 ov=$WORK/overlay

	rm -rf "$ov"
	mkdir -p "$ov/upper" "$ov/work" "$ov/merged"
	export -f in_chroot
	export DEBS
	# shellcheck disable=SC2016 # the inner shell expands them
	unshare --mount --propagation private -- bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged"
		printf "%s\n" "$4" >"$2/merged/etc/initramfs-tools/conf.d/resume"
		in_chroot "$2/merged" update-initramfs -u -k "$3"
		cp "$2/merged/boot/initrd.img-$3" "$5"' \
		sh "$IMAGE/root" "$ov" "$rel" "$conf" "$out" >>"$WORK/host.log" 2>&1 ||
		scenario_fail "update-initramfs for $rel in an overlay of the image failed (host.log)"
	rm -rf "$ov"
}

# guest_dracut_initramfs RELEASE OUT: the initramfs for RELEASE that
# Debian's dracut package makes when it replaces initramfs-tools in the
# image: "apt-get install dracut" in a chroot of an overlay of the image's
# tree, whose trigger builds a generic (not host-only) initramfs for each
# kernel with torpor's dracut module from the DKMS install, as on a user's
# system.  Both are kept in the image's directory, named by a hash of this
# function, and reused: the image's hash covers torpor's sources, and the
# download and the two builds take a minute or two.  OUT is a hard link.
guest_dracut_initramfs()
{
	local rel=$1 out=$2 ov=$WORK/overlay cache

	cache=$IMAGE/dracut-$(declare -f guest_dracut_initramfs | sha256sum | cut -c 1-16)
	if [[ ! -f $cache/.complete ]]; then
		rm -rf "$ov" "$IMAGE"/dracut-*
		mkdir -p "$ov/upper" "$ov/work" "$ov/merged" "$cache.tmp"
		export -f in_chroot
		export DEBS
		# The image's resolv.conf is empty: apt needs the host's.
		# shellcheck disable=SC2016 # the inner shell expands them
		unshare --mount --propagation private -- bash -c '
			set -e
			mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged"
			cp /etc/resolv.conf "$2/merged/etc/resolv.conf"
			in_chroot "$2/merged" apt-get update
			in_chroot "$2/merged" apt-get install -y --no-install-recommends dracut
			cp "$2/merged"/boot/initrd.img-* "$3/"' \
			sh "$IMAGE/root" "$ov" "$cache.tmp" >>"$WORK/host.log" 2>&1 ||
			scenario_fail "installing dracut in an overlay of the image failed (host.log)"
		rm -rf "$ov"
		touch "$cache.tmp/.complete"
		mv "$cache.tmp" "$cache"
	fi
	[[ -f $cache/initrd.img-$rel ]] || scenario_fail "dracut made no initramfs for $rel"
	ln -f "$cache/initrd.img-$rel" "$out"
}
