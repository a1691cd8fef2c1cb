# SPDX-License-Identifier: GPL-2.0
#
# stress: hibernate a busy system.  The host makes an ext4 file system on
# a second disk.  Boot 1 mounts it, starts the small workload (memhog,
# files), a CPU hog on every CPU, a fork storm (batches of short-lived
# processes, at most STRESS_FORKS at a time) and a writer that appends
# numbered records to a file on the ext4 disk, fsync'ing each one before
# it counts it.  Just before "echo disk" it reports the writer's count:
# those records were on the disk before the freeze.  After the resume
# the hogs and the fork storm run on, the writer goes on appending, the
# workload checks pass; then everything stops and the records must be
# 1, 2, ... without a gap, at least as many as were reported.  The guest
# unmounts the file system and the host runs "e2fsck -fn" on it: it must
# be clean.  Two boots and a host fsck a kernel.
#
# check: kernels=61,612 order=30 budget=120

# shellcheck disable=SC2034 # read by the harness (tools/qemu/initramfs.sh)
GUEST_MODULES=ext4
STRESS_MNT=/mnt
STRESS_RECORDS=$STRESS_MNT/records
STRESS_DIR=/stress
STRESS_FORKS=8

plan()
{
	local swap fs

	disk swap 512 swap
	disk fs 64
	fs=$(disk_path fs)
	host_run mkfs.ext4 -q -F -b 4096 "$fs"
	swap=$(disk_path swap)
	boot stress timeout=600 append="$APPEND"
	expect_poweroff
	echo "# boot $BOOT: $(result load)"
	echo "# boot $BOOT: $(result synced) records fsync'd before hibernating"
	host_run "$TORPOR" verify "$swap"
	boot resume timeout=600 append="$APPEND"
	expect_pass
	[[ $(result resumed) == 1 ]] ||
		scenario_fail "boot $BOOT: the resumed system did not report back"
	echo "# boot $BOOT: $(grep -o 'torpor: image loaded.*' "$LOG")"
	echo "# boot $BOOT: after the resume $(result going_on)"
	echo "# boot $BOOT: $(result records)"
	host_run e2fsck -fn "$fs"
	echo "# host: e2fsck -fn $fs: clean"
	expect_no_image "$swap"
}

# The writer: record N is one line, fsync'd, and only then counted in
# $STRESS_DIR/synced.
stress_writer()
{
	local i=0

	while :; do
		i=$((i + 1))
		echo "record $i" >>"$STRESS_RECORDS"
		sync "$STRESS_RECORDS"
		echo $i >"$STRESS_DIR/synced.new"
		mv "$STRESS_DIR/synced.new" "$STRESS_DIR/synced"
	done
}

# Batches of STRESS_FORKS short-lived processes, counted.
stress_forks()
{
	local n=0 j

	while :; do
		for j in $(seq $STRESS_FORKS); do
			sh -c "exit $j" &
		done
		wait
		n=$((n + 1))
		# Renamed into place: a reader never sees the file empty.
		echo $n >"$STRESS_DIR/forks.new"
		mv "$STRESS_DIR/forks.new" "$STRESS_DIR/forks"
	done
}

stress_hog()
{
	while :; do
		:
	done
}

# stress_count FILE: the count FILE holds (0 before the first).
stress_count()
{
	cat "$1" 2>/dev/null || echo 0
}

stress_start()
{
	local cpu

	mkdir -p "$STRESS_DIR"
	for cpu in $(seq "$(nproc)"); do
		stress_hog &
		echo $! >>"$STRESS_DIR/pids"
	done
	stress_forks &
	echo $! >>"$STRESS_DIR/pids"
	stress_writer &
	echo $! >>"$STRESS_DIR/pids"
	stress_wait_more "$STRESS_DIR/synced" 0 50
	stress_wait_more "$STRESS_DIR/forks" 0 5
	report load "$(nproc) CPU hogs, a fork storm, a writer; $(cat /proc/loadavg)"
}

# stress_wait_more FILE FROM N: FILE's count passes FROM + N within 120 s.
stress_wait_more()
{
	local tries=1200

	while [ "$(stress_count "$1")" -lt $(($2 + $3)) ] && [ $tries -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(stress_count "$1")" -ge $(($2 + $3)) ] ||
		fail "$1 stuck at $(stress_count "$1") (from $2, wanted $3 more)"
}

# Every process of the stress still runs; the writer and the fork storm
# go on.
stress_going_on()
{
	local pid synced forks

	while read -r pid; do
		kill -0 "$pid" 2>/dev/null || fail "stress process $pid is gone"
	done <"$STRESS_DIR/pids"
	synced=$(stress_count "$STRESS_DIR/synced")
	forks=$(stress_count "$STRESS_DIR/forks")
	stress_wait_more "$STRESS_DIR/synced" "$synced" 20
	stress_wait_more "$STRESS_DIR/forks" "$forks" 5
	report going_on "writer $synced -> $(stress_count "$STRESS_DIR/synced"), fork batches $forks -> $(stress_count "$STRESS_DIR/forks")"
}

# Stop the stress; the records are 1..N in order, N at least @1.
stress_records_check()
{
	local pid out

	while read -r pid; do
		kill "$pid"
		wait "$pid" || true
	done <"$STRESS_DIR/pids"
	out=$(awk -v min="$1" '
		$0 != "record " NR { print "line " NR ": \"" $0 "\""; bad = 1; exit }
		END { if (!bad && NR < min) print NR " records, fewer than " min; else if (!bad) print NR }' \
		"$STRESS_RECORDS")
	case $out in
	*[!0-9]*) fail "records: $out" ;;
	esac
	report records "$out records, 1 to $out without a gap; $1 fsync'd before hibernating"
}

stage_stress()
{
	local dev synced

	dev=$(disk_dev swap)
	mkdir -p "$STRESS_MNT"
	run mount -t ext4 "$(disk_dev fs)" "$STRESS_MNT"
	prepare_hibernation "$dev" shutdown
	workload_start small
	stress_start
	synced=$(stress_count "$STRESS_DIR/synced")
	report synced "$synced"
	hibernate_now
	report resumed 1
	stress_going_on
	workload_check
	stress_records_check "$synced"
	run umount "$STRESS_MNT"
	check_dmesg_clean
}

stage_resume()
{
	local devno

	devno=$(block_devno "$(disk_dev swap)")
	load_torpor
	echo "$devno" >/sys/power/resume || fail "resume refused: $(last_torpor_line)"
	fail "no image resumed: $(last_torpor_line)"
}
