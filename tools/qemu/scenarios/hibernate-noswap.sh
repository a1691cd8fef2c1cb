# SPDX-License-Identifier: GPL-2.0
#
# hibernate-noswap: "echo disk > /sys/power/state" without a usable resume
# device fails at once with its own errno and log line, and leaves the
# workload running: first with no resume device at all (ENODEV), then with
# one that is swap-formatted but not active (EINVAL).  In neither case does
# the disk change.
#
# check: kernels=61,612 order=20 budget=60

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

stage_refuse()
{
	local dev

	dev=$(disk_dev swap)
	load_torpor
	workload_start
	expect_hibernate_refused -19 "No such device" \
		"no resume device: write the swap device to /sys/power/resume"
	block_devno "$dev" >/sys/power/resume
	expect_hibernate_refused -22 "Invalid argument" \
		"resume device $(block_devno "$dev") offset 0 is not an active swap area"
	workload_check
	check_kernel_sane
}
