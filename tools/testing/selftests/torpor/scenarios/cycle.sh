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
# RESUME_KERNEL=other boots the other kernel to resume the image (the
# image's own torpor takes over from the trampoline on); RESUME_VIA=param
# resumes with the module parameter (insmod torpor.ko resume=MAJ:MIN)
# instead of /sys/power/resume.

CYCLE_STREAM=/workload/stream.status

plan()
{
	local rounds=${ROUNDS:-2} size=${WORKLOAD:-default} swap round=1
	local resume_kernel=$KERNEL via=${RESUME_VIA:-sysfs} marker pages

	[[ $via == sysfs || $via == param ]] ||
		scenario_fail "RESUME_VIA=$via: not sysfs or param"
	case $size in
	default) disk swap 512 swap ;;
	full) disk swap 1536 swap ;;
	*) scenario_fail "WORKLOAD=$size: not default or full" ;;
	esac
	[[ ${RESUME_KERNEL:-} != other ]] || resume_kernel=$(other_kernel)
	swap=$(disk_path swap)
	boot cycle timeout=600 append="$APPEND harness.rounds=$rounds harness.workload=$size"
	expect_poweroff
	marker=$(result marker)
	echo "# $(result cpu)"
	host_run "$TORPOR" verify "$swap"
	host_run "$TORPOR" extract "$swap" -o "$WORK/memory.img"
	pages=$(workload_marker_pages "$WORK/memory.img" "$marker")
	rm -f "$WORK/memory.img"
	[[ $pages == "$WORKLOAD_MARKER_PAGES" ]] ||
		scenario_fail "image holds $pages of the $WORKLOAD_MARKER_PAGES marker pages"
	while :; do
		boot resume kernel="$resume_kernel" timeout=600 \
			append="$APPEND harness.resume_via=$via"
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

# The area is plain swap again, on the disk itself (O_DIRECT: the page
# cache still holds the header as swapon read it before hibernating).
cycle_check_swap()
{
	local dev=$1 sig

	sig=$(dd if="$dev" bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = SWAPSPACE2 ] || fail "swap signature after resume: '$sig'"
	run swapoff "$dev"
	run swapon "$dev"
}

# One round: hibernate, and in the resumed system check everything.
cycle_round()
{
	local round=$1 dev=$2 cpus hog stream

	cpus=$(cat /sys/devices/system/cpu/online)
	hog=$(workload_hog_field 1)
	stream=$(cycle_stream_count)
	log "round $round: hibernating (memhog round $hog, stream at $stream)"
	echo disk >/sys/power/state ||
		fail "round $round: echo disk failed: $(dmesg | grep 'torpor:' | tail -n 1)"
	log "resumed, round $round"
	report resumed "$round"
	[ "$(cat /sys/devices/system/cpu/online)" = "$cpus" ] ||
		fail "CPUs online after resume: $(cat /sys/devices/system/cpu/online), before: $cpus"
	[ "$(workload_hog_field 1)" -ge "$hog" ] ||
		fail "memhog counter went back: $(workload_hog_field 1) < $hog"
	workload_check
	report hog "PID $(cat "$WORKLOAD_DIR/hog.pid"): round $hog -> $(workload_hog_field 1)"
	report stream "$(cycle_stream_check "$stream")"
	cycle_check_swap "$dev"
	check_dmesg_clean
}

stage_cycle()
{
	local dev round=1

	dev=$(disk_dev swap)
	run swapon "$dev"
	load_torpor
	cat "/sys/block/${dev#/dev/}/dev" >/sys/power/resume
	echo shutdown >/sys/power/disk
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
	majmin=$(cat "/sys/block/${dev#/dev/}/dev")
	if [ "$(karg harness.resume_via)" = param ]; then
		load_torpor resume="$majmin"
	else
		load_torpor
		echo "$majmin" >/sys/power/resume ||
			fail "resume refused: $(dmesg | grep 'torpor:' | tail -n 1)"
	fi
	fail "no image resumed from $dev: $(dmesg | grep 'torpor:' | tail -n 1)"
}
