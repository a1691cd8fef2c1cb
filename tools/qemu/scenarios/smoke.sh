# SPDX-License-Identifier: GPL-2.0
#
# smoke: torpor loads on this kernel (so every kernel symbol it needs was
# resolved), publishes its sysfs files, answers "torpor status", and unloads
# without leaving its sysfs directory behind.
#
# check: kernels=61,612 order=10 budget=60

plan()
{
	boot check
	expect_pass
	echo "# torpor $(result version) loaded on $(result kernel)"
}

stage_check()
{
	load_torpor
	check_dmesg_clean
	expect_file /sys/power/torpor/version /sys/power/torpor/status
	report version "$(cat /sys/power/torpor/version)"
	report kernel "$(uname -r)"
	run torpor status
	unload_torpor
	expect_no_file /sys/power/torpor
	check_dmesg_clean
}
