# SPDX-License-Identifier: GPL-2.0
#
# test-resume: the kernel's test mode, "echo test_resume > /sys/power/disk",
# in one boot.  "echo disk" snapshots, writes the image, reads it back and
# restores it without a power cycle, and returns 0 in the restored system.
# Proof that it really was restored: the kernel log of the restored system
# ends before the image was written (the log buffer is memory too) and then
# goes on with the restored torpor's "resumed" line, whose load time came
# from the loading side; the console shows the image being loaded.  The workload must carry on
# (same memhog, files intact), the status must be clean, the area must be
# plain swap again (swapoff and swapon work) and no image may be left, on
# the disk and on the host.  ROUNDS=N (default 2) rounds in one boot.
#
# check: kernels=61,612 order=30 budget=180

plan()
{
	local rounds=${ROUNDS:-2} loaded

	disk swap 512 swap
	boot test timeout=600 append="$APPEND harness.rounds=$rounds"
	expect_pass
	echo "# workload: $(result workload)"
	grep -E 'torpor: (image written|image loaded|resumed)' "$LOG" |
		sed 's/^\[ *[0-9.]*\] /# /'
	loaded=$(grep -c 'torpor: image loaded' "$LOG") || true
	[[ $loaded == "$rounds" ]] ||
		scenario_fail "console shows $loaded image loads, expected $rounds"
	echo "# $(result rounds)"
	expect_no_image "$(disk_path swap)"
}

# How many lines of the kernel log, as this system sees it, match @1.
test_resume_count()
{
	dmesg | grep -c "$1" || true
}

test_resume_round()
{
	local round=$1 dev=$2 written resumed status

	written=$(test_resume_count 'torpor: image written')
	resumed=$(test_resume_count 'torpor: resumed')
	log "round $round: test_resume"
	hibernate_now
	log "round $round: back"
	[ "$(test_resume_count 'torpor: image written')" = "$written" ] ||
		fail "round $round: the kernel log goes on past the image write: not restored"
	[ "$(test_resume_count 'torpor: resumed')" = $((resumed + 1)) ] ||
		fail "round $round: no 'torpor: resumed' line from the restored system"
	[ "$(cat /sys/power/torpor/load_ms)" -gt 0 ] ||
		fail "round $round: load_ms $(cat /sys/power/torpor/load_ms) after the restore"
	status=$(cat /sys/power/torpor/status)
	[ "$status" = idle ] || fail "round $round: status '$status'"
	[ "$(cat /sys/power/torpor/last_error)" = 0 ] ||
		fail "round $round: last_error $(cat /sys/power/torpor/last_error)"
	workload_check
	expect_swap_again "$dev" active
	check_dmesg_clean
}

stage_test()
{
	local dev round=1

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" test_resume
	workload_start
	while [ $round -le "$(karg harness.rounds)" ]; do
		test_resume_round $round "$dev"
		round=$((round + 1))
	done
	report rounds "$((round - 1)) test_resume rounds, memhog round $(workload_hog_field 1)"
}
