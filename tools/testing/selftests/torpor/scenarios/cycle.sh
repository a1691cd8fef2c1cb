# SPDX-License-Identifier: GPL-2.0
#
# cycle: the whole round trip.  Boot 1 starts the workload (tmpfs files
# with checksums, memhog with its counter and memory pattern, a pipe
# stream to a child) and hibernates; the host checks the image; the next
# boot loads torpor and asks for a resume the way an initramfs does
# (MAJ:MIN into /sys/power/resume).  The resumed system must be the one
# that hibernated: "echo disk" returns 0 in it, the files match, memhog
# runs on with the same PID from where its counter stood, the stream has
# no gap, and the image is gone from the disk.  With ROUNDS=N (default 2)
# the resumed system hibernates again, N times in all.
#
# SMP, MEM and APPEND apply to every boot, e.g. APPEND="no5lvl pti=on";
# WORKLOAD=full runs the larger workload (tools/qemu/workload.sh);
# RESUME_VIA=param resumes with the module parameter (insmod torpor.ko
# resume=MAJ:MIN) instead of /sys/power/resume.  A resume by the other
# kernel is resume-crosskernel's.

CYCLE_STREAM=/workload/stream.status

plan()
{
	local rounds=${ROUNDS:-2} size=${WORKLOAD:-default} swap round=1
	local via=${RESUME_VIA:-sysfs}

	[[ $via == sysfs || $via == param ]] ||
		scenario_fail "RESUME_VIA=$via: not sysfs or param"
	workload_swap_disk "$size"
	swap=$(disk_path swap)
	boot cycle timeout=600 append="$APPEND harness.rounds=$rounds harness.workload=$size"
	expect_poweroff
	echo "# $(result cpu)"
	expect_image_markers "$swap"
	while :; do
		boot resume timeout=600 append="$APPEND harness.resume_via=$via"
		if [[ $round -lt $rounds ]]; then
			expect_poweroff
		else
			expect_pass
		fi
		# Only the image's own stage reports this, once per resume.
		[[ $(result resumed) == "$round" ]] ||
			scenario_fail "boot $BOOT: resumed round '$(result resumed)', expected $round"
		cycle_report
		[[ $round -lt $rounds ]] || break
		host_run "$TORPOR" verify "$swap"
		round=$((round + 1))
	done
	expect_no_image "$swap"
}

# What the resumed system saw, and how long the resume took on the host's
# clock: from QEMU's start to the first line the image printed.
cycle_report()
{
	local t

	t=$(sed -n 's/^\[ *\([0-9.]*\)\] harness: resumed.*/\1/p' "$LOG")
	echo "# boot $BOOT: resumed after ${t:-?} s; $(grep -o 'torpor: image loaded.*' "$LOG")"
	echo "# memhog $(result hog) stream $(result stream)"
}

# A child reads consecutive numbers from a pipe; a number out of sequence
# ends it with GAP in its status.
cycle_stream_start()
{
	(
		i=0
		while :; do
			i=$((i + 1))
			echo "$i"
			[ $((i % 50)) -ne 0 ] || usleep 20000
		done
	) | awk -v status="$CYCLE_STREAM" '
		$1 != n + 1 { print "GAP", n, $1 > status; close(status); exit 1 }
		{ n = $1 }
		n % 100 == 0 { print n > status; close(status) }' &
}

# The stream's last count; the file is rewritten in place, so retry.
cycle_stream_count()
{
	local n tries=50

	while [ $tries -gt 0 ]; do
		n=$(cat "$CYCLE_STREAM" 2>/dev/null) || true
		case $n in
		GAP*) fail "pipe stream: $n" ;;
		[0-9]*) echo "$n"; return 0 ;;
		esac
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "pipe stream: no count in $CYCLE_STREAM"
}

# The stream flows on from @1 (the count before hibernating) without a gap.
cycle_stream_check()
{
	local before=$1 now tries=600

	now=$(cycle_stream_count)
	[ "$now" -ge "$before" ] || fail "pipe stream went back: $now < $before"
	while [ "$(cycle_stream_count)" -lt $((now + 500)) ] && [ $tries -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(cycle_stream_count)" -ge $((now + 500)) ] ||
		fail "pipe stream stalled at $(cycle_stream_count)"
	echo "$before -> $(cycle_stream_count)"
}

# One round: hibernate, and in the resumed system check everything.
cycle_round()
{
	local round=$1 dev=$2 cpus hog stream

	cpus=$(cat /sys/devices/system/cpu/online)
	hog=$(workload_hog_field 1)
	stream=$(cycle_stream_count)
	log "round $round: hibernating (memhog round $hog, stream at $stream)"
	hibernate_now
	log "resumed, round $round"
	report resumed "$round"
	[ "$(cat /sys/devices/system/cpu/online)" = "$cpus" ] ||
		fail "CPUs online after resume: $(cat /sys/devices/system/cpu/online), before: $cpus"
	[ "$(workload_hog_field 1)" -ge "$hog" ] ||
		fail "memhog counter went back: $(workload_hog_field 1) < $hog"
	workload_check
	report hog "PID $(cat "$WORKLOAD_DIR/hog.pid"): round $hog -> $(workload_hog_field 1)"
	report stream "$(cycle_stream_check "$stream")"
	expect_swap_again "$dev" active
	check_dmesg_clean
}

stage_cycle()
{
	local dev round=1

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	report cpu "$(nproc) CPUs, la57: $(grep -c -w la57 /proc/cpuinfo)," \
		"meltdown: $(cat /sys/devices/system/cpu/vulnerabilities/meltdown)"
	workload_start "$(karg harness.workload)"
	cycle_stream_start
	while [ $round -le "$(karg harness.rounds)" ]; do
		cycle_round $round "$dev"
		round=$((round + 1))
	done
}

# The initramfs way: the resume device's MAJ:MIN into /sys/power/resume,
# or as torpor's resume parameter.  On success neither returns: the
# image's stage goes on instead.
stage_resume()
{
	local dev majmin

	dev=$(disk_dev swap)
	majmin=$(block_devno "$dev")
	if [ "$(karg harness.resume_via)" = param ]; then
		load_torpor resume="$majmin"
	else
		load_torpor
		echo "$majmin" >/sys/power/resume ||
			fail "resume refused: $(last_torpor_line)"
	fi
	fail "no image resumed from $dev: $(last_torpor_line)"
}
