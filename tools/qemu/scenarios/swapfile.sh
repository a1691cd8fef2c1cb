# SPDX-License-Identifier: GPL-2.0
#
# swapfile: hibernate to a swap file on ext4 (or btrfs, FS=btrfs) and
# resume from it.
#
# The host makes an empty ext4 disk.  Boot 1 fills it with 3 MiB files and
# deletes every other one, so that the swap file it then creates with dd
# from /dev/zero (no holes) is in dozens of extents and the image must
# cross from one to the next; then mkswap, swapon, finds its offset with
# "torpor offset", sets the resume device and offset as initramfs-tools
# does (/sys/power/resume_offset first, then /sys/power/resume), starts
# the workload and hibernates with "torpor hibernate".  The host checks
# the offset against the file's first block as debugfs reads it from the
# disk, and the image at that offset with "torpor verify".  Boot 2 gets
# resume=/dev/vda resume_offset=N on its command line and resumes from the
# initramfs without mounting the file system: through /sys/power, or with
# RESUME_VIA=param through torpor's module parameters.  The resumed
# system must be the one that hibernated, and its swap file plain swap
# again that swapon takes.  With RESUME_VIA=none boot 2 does not resume:
# it mounts the file system, where swapon refuses the swap file until
# "torpor discard" has given it its swap signature back.
#
# With FS=btrfs the host makes a single-device btrfs instead, and the
# swap file in the same fragmented free space is made with "btrfs
# filesystem mkswapfile" (btrfs-progs from the host in the guest): NOCOW,
# preallocated.  btrfs's FIEMAP gives logical addresses, not places on the
# disk, so before swapon "torpor offset" must refuse, saying that only the
# kernel knows; once the file is active swap it must agree with "btrfs
# inspect-internal map-swapfile -r".  RESUME_VIA=none is for ext4 only: on
# btrfs torpor finds a swap file that is not active swap nowhere.
#
# check: kernels=61,612 order=30 budget=240
# check: kernels=61,612 order=30 args='FS=btrfs TAG=btrfs' budget=300
# check: kernels=612 order=40 args='RESUME_VIA=param TAG=param' budget=180
# check: kernels=61 order=40 args='RESUME_VIA=none TAG=reuse' budget=180

# shellcheck disable=SC2034 # read by the harness (tools/qemu/initramfs.sh)
GUEST_MODULES=ext4
SWAPFILE_MNT=/mnt
SWAPFILE=$SWAPFILE_MNT/swapfile
SWAPFILE_MIB=192

plan()
{
	local via=${RESUME_VIA:-sysfs} type=${FS:-ext4} fs offset extents

	case $via in
	sysfs | param | none) ;;
	*) scenario_fail "RESUME_VIA=$via: not sysfs, param or none" ;;
	esac
	# btrfs keeps two copies of its metadata: 96 MiB more for them.
	case $type/$via in
	ext4/*) disk fs $((2 * SWAPFILE_MIB + 64))
		host_run mkfs.ext4 -q -F -b 4096 "$(disk_path fs)" ;;
	btrfs/none) scenario_fail "RESUME_VIA=none is for ext4 only" ;;
	btrfs/*) disk fs $((2 * SWAPFILE_MIB + 160))
		 host_run mkfs.btrfs -q -f "$(disk_path fs)"
		 GUEST_MODULES=btrfs
		 GUEST_PROGRAMS=btrfs ;;
	*) scenario_fail "FS=$type: not ext4 or btrfs" ;;
	esac
	fs=$(disk_path fs)
	boot hibernate timeout=600 append="$APPEND harness.workload=small harness.fs=$type"
	expect_poweroff
	offset=$(result offset)
	echo "# before the resume device was set: $(result unset)"
	echo "# $(result wrong)"
	echo "# $(result check)"
	echo "# $(result swapon)"
	extents=$(result swapon | sed -n 's/.* extents:\([0-9]*\) .*/\1/p')
	[[ ${extents:-0} -ge 16 ]] ||
		scenario_fail "the swap file is not in pieces: $(result swapon)"
	if [[ $type == btrfs ]]; then
		swapfile_check_btrfs "$offset"
	else
		swapfile_check_offset "$fs" "$offset"
	fi
	expect_image_markers "$fs" --offset "$offset"
	if [[ $via == none ]]; then
		boot reuse append="$APPEND harness.fs=$type"
		expect_pass
		expect_no_image "$fs" --offset "$offset"
		return
	fi
	boot resume timeout=600 \
		append="$APPEND resume=/dev/vda resume_offset=$offset harness.resume_via=$via harness.fs=$type"
	expect_pass
	[[ $(result resumed) == 1 ]] ||
		scenario_fail "boot $BOOT: the resumed system did not report back"
	echo "# boot $BOOT: $(grep -o 'torpor: image loaded.*' "$LOG")"
	expect_no_image "$fs" --offset "$offset"
}

# The offset torpor found is where the file system puts the file's first
# block: debugfs reads the extent tree from the disk, not through FIEMAP
# (4 KiB blocks, so a block is a page).
swapfile_check_offset()
{
	local fs=$1 offset=$2 block

	[[ $offset =~ ^[0-9]+$ ]] || scenario_fail "torpor offset printed '$offset'"
	block=$(debugfs -R "bmap ${SWAPFILE#"$SWAPFILE_MNT"} 0" "$fs" 2>/dev/null)
	[[ $block == "$offset" ]] ||
		scenario_fail "torpor offset says $offset, debugfs says block '$block'"
	echo "# torpor offset $offset = the swap file's first block by debugfs"
}

# On btrfs: before swapon torpor refused, saying that only the kernel
# knows; then it gave btrfs-progs' own answer (which reads btrfs's trees).
swapfile_check_btrfs()
{
	local offset=$1 map

	map=$(result map_swapfile)
	echo "# before swapon: $(result inactive)"
	case $(result inactive) in
	*"on btrfs only the kernel knows where the file starts on the device"*) ;;
	*) scenario_fail "torpor offset on the inactive btrfs swap file: $(result inactive)" ;;
	esac
	[[ $offset =~ ^[0-9]+$ && $offset == "$map" ]] ||
		scenario_fail "torpor offset says '$offset', btrfs inspect-internal map-swapfile -r says '$map'"
	echo "# torpor offset $offset = btrfs inspect-internal map-swapfile -r"
}

swapfile_mount()
{
	run mkdir -p "$SWAPFILE_MNT"
	run mount -t "$(karg harness.fs)" "$1" "$SWAPFILE_MNT"
}

# Free space in 3 MiB pieces: the file system filled with 3 MiB files,
# then every other one deleted.
swapfile_fragment()
{
	local i=0 j=0

	while dd if=/dev/zero of="$SWAPFILE_MNT/fill.$i" bs=1M count=3 2>/dev/null; do
		i=$((i + 1))
	done
	run rm "$SWAPFILE_MNT/fill.$i"
	run sync
	while [ $j -lt $i ]; do
		run rm "$SWAPFILE_MNT/fill.$j"
		j=$((j + 2))
	done
	run sync
	[ $i -ge $((2 * SWAPFILE_MIB / 3)) ] ||
		fail "only $i 3 MiB files fit in the file system"
}

# The swap file, made as a user would, in fragmented free space.  The file
# system is mounted again at the end so that its journal is written back
# and the host can read the file's blocks from the disk.
swapfile_create()
{
	local dev=$1

	swapfile_mount "$dev"
	swapfile_fragment
	if [ "$(karg harness.fs)" = btrfs ]; then
		swapfile_create_btrfs
	else
		run dd if=/dev/zero of="$SWAPFILE" bs=1M count=$SWAPFILE_MIB 2>/dev/null
		run chmod 600 "$SWAPFILE"
		run mkswap "$SWAPFILE" >/dev/null
	fi
	run umount "$SWAPFILE_MNT"
	swapfile_mount "$dev"
	run swapon "$SWAPFILE"
	report swapon "$(dmesg | grep -o "Adding .* swap on $SWAPFILE.*")"
}

# btrfs-progs' swap file, and torpor offset before the kernel has it as
# swap: btrfs's FIEMAP gives no place on the disk, so torpor must refuse.
swapfile_create_btrfs()
{
	local out

	run btrfs filesystem mkswapfile -s ${SWAPFILE_MIB}m "$SWAPFILE" >/dev/null
	! out=$(torpor offset "$SWAPFILE" 2>&1) ||
		fail "torpor offset gave $out for a btrfs swap file that is not active"
	report inactive "$out"
}

# A resume_offset one page off: --check must name the right one.  (The
# page there holds no image, so setting the device resumes nothing.)
swapfile_check_wrong()
{
	local dev=$1 offset=$2 check

	echo $((offset + 1)) >/sys/power/resume_offset
	block_devno "$dev" >/sys/power/resume ||
		fail "resume device refused: $(last_torpor_line)"
	! check=$(torpor hibernate --check 2>&1) ||
		fail "torpor hibernate --check passed with resume_offset $((offset + 1)): $check"
	case $check in
	*"resume_offset is $((offset + 1)) but swap file $SWAPFILE starts at page $offset: echo $offset > /sys/power/resume_offset") ;;
	*) fail "torpor hibernate --check with resume_offset $((offset + 1)): $check" ;;
	esac
	report wrong "$check"
}

stage_hibernate()
{
	local dev offset check

	dev=$(disk_dev fs)
	load_torpor
	swapfile_create "$dev"
	offset=$(torpor offset "$SWAPFILE") || fail "torpor offset $SWAPFILE failed"
	report offset "$offset"
	if [ "$(karg harness.fs)" = btrfs ]; then
		report map_swapfile "$(btrfs inspect-internal map-swapfile -r "$SWAPFILE")"
	fi
	! check=$(torpor hibernate --check 2>&1) ||
		fail "torpor hibernate --check passed without a resume device: $check"
	case $check in
	*"no resume device (/sys/power/resume is 0:0)"*) report unset "$check" ;;
	*) fail "torpor hibernate --check without a resume device: $check" ;;
	esac
	echo shutdown >/sys/power/disk
	swapfile_check_wrong "$dev" "$offset"
	echo "$offset" >/sys/power/resume_offset
	block_devno "$dev" >/sys/power/resume ||
		fail "resume device refused: $(last_torpor_line)"
	check=$(torpor hibernate --check 2>&1) || fail "torpor hibernate --check: $check"
	report check "$check"
	workload_start "$(karg harness.workload)"
	log "hibernating to $SWAPFILE on $dev, offset $offset"
	torpor hibernate || fail "torpor hibernate failed: $(last_torpor_line)"
	log "resumed"
	report resumed 1
	workload_check
	expect_swap_signature "$SWAPFILE"
	swapfile_expect_plain
	run swapoff "$SWAPFILE"
	# Found without the kernel's help too (not on btrfs: see above).
	[ "$(karg harness.fs)" = btrfs ] || swapfile_expect_plain
	run swapon "$SWAPFILE"
	grep -q "^$SWAPFILE " /proc/swaps || fail "$SWAPFILE not in /proc/swaps"
	check_dmesg_clean
}

# torpor finds the swap file's device and offset and plain swap there.
swapfile_expect_plain()
{
	local out

	out=$(torpor inspect --swap-file "$SWAPFILE" 2>&1) &&
		fail "torpor inspect --swap-file finds an image: $out"
	case $out in
	*"no torpor image (swap signature present)") ;;
	*) fail "torpor inspect --swap-file $SWAPFILE: $out" ;;
	esac
}

# No resume: the image is found through the file, refused as swap, then
# discarded through the file, and the swap file is swap again.
stage_reuse()
{
	swapfile_mount "$(disk_dev fs)"
	run torpor verify --swap-file "$SWAPFILE"
	! swapon "$SWAPFILE" 2>/dev/null || fail "swapon took $SWAPFILE while it holds an image"
	run torpor discard --swap-file "$SWAPFILE"
	swapfile_expect_plain
	run swapon "$SWAPFILE"
	grep -q "^$SWAPFILE " /proc/swaps || fail "$SWAPFILE not in /proc/swaps"
	check_dmesg_clean
}

# As initramfs-tools does: resume_offset= and resume= from the command
# line, the offset first; the file system stays unmounted.
stage_resume()
{
	local majmin offset

	majmin=$(block_devno "$(karg resume)")
	offset=$(karg resume_offset)
	if [ "$(karg harness.resume_via)" = param ]; then
		load_torpor resume="$majmin" resume_offset="$offset"
	else
		load_torpor
		echo "$offset" >/sys/power/resume_offset
		echo "$majmin" >/sys/power/resume ||
			fail "resume refused: $(last_torpor_line)"
	fi
	fail "no image resumed from $majmin offset $offset: $(last_torpor_line)"
}
