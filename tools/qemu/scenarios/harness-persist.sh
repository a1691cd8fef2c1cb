# SPDX-License-Identifier: GPL-2.0
#
# harness-persist: self-test of the QEMU harness.  A disk keeps what one
# boot wrote for the next boot of the same run, each boot can use another
# kernel and CPU count, and a guest that powers off without a verdict (as a
# hibernating one does) is told apart from one that passes.
#
# check: kernels=61 order=10 name=harness-persist budget=60

plan()
{
	local marker

	marker=torpor-marker-$$-$RANDOM
	disk data 8
	boot write smp=1 append="harness.marker=$marker"
	expect_poweroff
	host_run grep -q -a "$marker" "$(disk_path data)"
	boot read kernel="$(other_kernel)" smp=2
	expect_pass
	[[ $(result marker) == "$marker" ]] ||
		scenario_fail "boot 2 read '$(result marker)', expected '$marker'"
	[[ $(result cpus) == 2 ]] ||
		scenario_fail "boot 2 saw $(result cpus) CPUs, expected 2"
}

stage_write()
{
	local dev

	dev=$(disk_dev data)
	karg harness.marker | dd of="$dev" conv=fsync 2>/dev/null
	poweroff -f
}

stage_read()
{
	local dev

	dev=$(disk_dev data)
	report marker "$(head -n 1 "$dev")"
	report cpus "$(nproc)"
}
