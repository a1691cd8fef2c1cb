# SPDX-License-Identifier: GPL-2.0
#
# resume-crash: a resume that dies after the hand-over, before the resumed
# kernel retires its image, is retried once, then the image is discarded.
# Boot 1 sets the test-only switch torpor.test_fault=FAULTS (default 1)
# and hibernates with the small workload; on resume attempts 1..FAULTS the
# resumed kernel panics right after its devices are back.  Each of these
# boots must leave the image on the disk with its attempts counted.
#
#   FAULTS=1  boot 3 (attempt 2) resumes the system that hibernated: the
#             same memhog PID, its memory pattern and the files intact,
#             the area swap again;
#   FAULTS=2  boot 4 finds both attempts used up: the image is discarded
#             with "image discarded: 2 resumes ...", the boot goes on and
#             swapon takes the area.
#
# check: kernels=61 order=50 args='FAULTS=1' budget=180
# check: kernels=612 order=50 args='FAULTS=2 TAG=twice' budget=240
# check-faults: kernels=61,612 order=50 args='FAULTS=2 TAG=twice' budget=240

plan()
{
	local faults=${FAULTS:-1} swap attempt pid

	[[ $faults == 1 || $faults == 2 ]] || scenario_fail "FAULTS=$faults: not 1 or 2"
	disk swap 256 swap
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND harness.test_fault=$faults"
	expect_poweroff
	pid=$(result hog_pid)
	for attempt in $(seq 1 "$faults"); do
		boot resume timeout=300 append="$APPEND"
		[[ $OUTCOME == panic && $REASON == *"test_fault=$faults: resumed kernel dies on resume attempt $attempt"* ]] ||
			boot_failed "expected the test_fault panic of attempt $attempt, got $OUTCOME${REASON:+: $REASON}"
		crash_attempts_check "$swap" "$attempt"
		echo "# boot $BOOT: resumed kernel died on attempt $attempt, image kept"
	done
	if [[ $faults == 1 ]]; then
		boot resume timeout=300 append="$APPEND"
		expect_pass
		grep -q 'torpor: resuming image of .*attempt 2 of 2' "$LOG" ||
			scenario_fail "boot $BOOT: the retry is not logged as attempt 2 of 2"
		[[ $(result resumed) == "PID $pid" ]] ||
			scenario_fail "boot $BOOT: resumed '$(result resumed)', hibernated with memhog PID $pid"
		echo "# boot $BOOT: attempt 2 resumed memhog PID $pid, $(result hog_rounds) rounds"
	else
		boot discarded timeout=300 append="$APPEND"
		expect_pass
		echo "# boot $BOOT: $(result discarded)"
	fi
	expect_no_image "$swap"
}

# The image on @1 survived, with @2 attempts recorded.
crash_attempts_check()
{
	local n

	n=$("$TORPOR" inspect --json "$1" 2>&1 |
	    sed -n 's/^ *"resume_attempts": \([0-9]*\),$/\1/p') || true
	[[ $n == "$2" ]] ||
		scenario_fail "boot $BOOT: after the crash the image holds resume_attempts '$n', expected $2"
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	karg harness.test_fault >/sys/module/torpor/parameters/test_fault ||
		fail "cannot set torpor.test_fault"
	workload_start small
	report hog_pid "$(cat "$WORKLOAD_DIR/hog.pid")"
	log "hibernating with test_fault=$(karg harness.test_fault)"
	hibernate_now
	log "resumed"
	report resumed "PID $(cat "$WORKLOAD_DIR/hog.pid")"
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}

# On success this does not return: the image's stage goes on instead.
stage_resume()
{
	resume_from_swap image
}

stage_discarded()
{
	expect_refused_saying "$(disk_dev swap)" discarded \
		'torpor: image discarded: 2 resumes.*'
}
