# SPDX-License-Identifier: GPL-2.0
#
# hibernate-noswap: "echo disk > /sys/power/state" without a usable resume
# device fails at once with its own errno and log line, and leaves the
# workload running: first with no resume device at all (ENODEV), then with
# one that is swap-formatted but not active (EINVAL).  In neither case does
# the disk change.

plan()
{
	local swap

	disk swap 64 swap
	swap=$(disk_path swap)
	cp "$swap" "$WORK/swap.orig"
	boot refuse
	expect_pass
	echo "# ENODEV: $(result errno-19)"
	echo "# EINVAL: $(result errno-22)"
	cmp -s "$swap" "$WORK/swap.orig" || scenario_fail "the swap disk was written to"
	rm -f "$WORK/swap.orig"
}

# expect_refusal ERRNO MESSAGE LOG: "echo disk" fails with the errno whose
# text is MESSAGE, torpor logs LOG and its status shows the error.
expect_refusal()
{
	local out status

	out=$( (echo disk >/sys/power/state) 2>&1) &&
		fail "echo disk succeeded, expected '$2'"
	case $out in
	*"$2"*) ;;
	*) fail "echo disk: '$out', expected '$2'" ;;
	esac
	dmesg | grep -q "torpor: $3" || fail "no 'torpor: $3' in the kernel log"
	status=$(cat /sys/power/torpor/status)
	case $status in
	error:*) ;;
	*) fail "status '$status' after a failed hibernation" ;;
	esac
	[ "$(cat /sys/power/torpor/last_error)" = "$1" ] ||
		fail "last_error $(cat /sys/power/torpor/last_error), expected $1"
	report "errno$1" "$out / $status"
}

stage_refuse()
{
	local dev

	dev=$(disk_dev swap)
	load_torpor
	workload_start
	expect_refusal -19 "No such device" \
		"no resume device: write the swap device to /sys/power/resume"
	cat "/sys/block/${dev#/dev/}/dev" >/sys/power/resume
	expect_refusal -22 "Invalid argument" \
		"resume device $(cat "/sys/block/${dev#/dev/}/dev") offset 0 is not an active swap area"
	workload_check
	check_kernel_sane
}
