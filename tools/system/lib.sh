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
#	         [timeout=S]
#	                          boot the guest once; resume= replaces the
#	                          default "resume=UUID=<swap>"
#	expect_hibernated         the last boot hibernated with torpor and
#	                          QEMU exited at the power-off (ACPI S4 in
#	                          platform mode, or a plain power-off); the
#	                          console shows torpor's snapshot and image
#	                          lines and none of the kernel's own
#	                          hibernation
#	expect_resumed            the last boot resumed the image with torpor
#	                          from the initramfs, as torpor loaded (before
#	                          its livepatch), and the resumed stage passed
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
# Variables: IMAGE (the image directory rootfs printed), SMP, MEM, TIMEOUT
# (per boot, default 400 s), APPEND, TAG as in the QEMU harness; ROOT_FS
# (ext4, the default, or btrfs: the root disk the run boots);
# SYSTEM_IMAGE=DIR runs with that image directory (build/system/image-*)
# instead of the one rootfs builds or finds for the checkout as it is.

# shellcheck disable=SC2153 # ROOT is set by tools/system/run
SYSTEM=$ROOT/tools/system
SYSTEM_SCENARIOS=$SYSTEM/scenarios
TIMEOUT=400
SWAP_MIB=1536

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

# The read-only disk with the guest's side of the run.
systest_disk()
{
	local dir=$WORK/systest

	helper_build memhog
	lid_build
	mkdir -p "$dir"
	cp "$SYSTEM/guest/systest" "$SYSTEM/guest/syslib.sh" \
		"$SYSTEM/guest/swsusp-lines.sh" "$HARNESS/guest.sh" \
		"$HARNESS/workload.sh" "$BUILD/qemu/memhog" "$BUILD/system/lid" "$dir/"
	cp "$SCENARIO_FILE" "$dir/scenario.sh"
	mkfs.ext4 -q -F -L systest -d "$dir" "$WORK/systest.img" 16M >"$WORK/mkfs.log" 2>&1 ||
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
	IMAGE=${SYSTEM_IMAGE:-$("$SYSTEM/rootfs")} || harness_die "building the guest image failed"
	IMAGE=$(cd "$IMAGE" && pwd)
	WORK=$SYSTEM_OUT/run/$SCENARIO/$KERNEL${TAG:+-$TAG}
	rm -rf "$WORK"
	mkdir -p "$WORK"
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
	systest_disk
	# shellcheck disable=SC2034 # counted by the harness's qemu_run
	BOOT=0
}

# The QEMU harness's classification of a boot applies as it is, with one
# addition: a guest that hibernated with torpor is "hibernated", whether
# it powered off or (platform mode) left QEMU through ACPI S4, which
# prints nothing after torpor's last line.
sys_classify()
{
	boot_classify "$@"
	if [[ $OUTCOME == error && $1 -eq 0 ]] && grep -q 'torpor: image written' "$LOG"; then
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
	local initrd='' resume="resume=UUID=$SWAP_UUID" vmlinuz

	shift
	for opt; do
		case $opt in
		kernel=*) kernel=${opt#*=} ;;
		initrd=*) initrd=${opt#*=} ;;
		resume=*) resume=${opt#resume=} ;;
		append=*) append=${opt#*=} ;;
		timeout=*) timeout=${opt#*=} ;;
		*) scenario_fail "sys_boot: unknown option '$opt'" ;;
		esac
	done
	vmlinuz=$IMAGE/root/boot/vmlinuz-$kernel
	: "${initrd:=$IMAGE/root/boot/initrd.img-$kernel}"
	[[ -f $vmlinuz && -f $initrd ]] || scenario_fail "no $vmlinuz or $initrd in the image"
	qemu_run sys_classify "$stage" "$kernel" "$SMP" "$MEM" "$timeout" \
		"root=/dev/vda ro console=ttyS0 panic=-1 $resume systest.stage=$stage harness.disks=root,swap,systest" \
		"$append" -kernel "$vmlinuz" -initrd "$initrd" \
		-drive "file=$WORK/root.qcow2,format=qcow2,if=virtio" \
		-drive "file=$WORK/swap.img,format=raw,if=virtio" \
		-drive "file=$WORK/systest.img,format=raw,if=virtio,readonly=on"
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

expect_resumed()
{
	expect_resumed_common at_load
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
