# SPDX-License-Identifier: GPL-2.0
#
# hibernate: "echo disk > /sys/power/state" with a workload running writes
# an image that the torpor tool on the host finds valid and that holds the
# workload's memory, then powers the guest off.  A second boot that does
# not resume can discard the image and use the area as swap again.
#
# WORKLOAD=full runs the workload that fills about 60% of memory (see
# tools/qemu/workload.sh) instead of the default one.  The power-off mode
# is "shutdown": the harness recognises its "reboot: Power down".
#
# check: kernels=61,612 order=20 budget=120
# check: kernels=61 order=25 args='WORKLOAD=full TAG=full' budget=240

plan()
{
	local size=${WORKLOAD:-default} swap

	workload_swap_disk "$size"
	swap=$(disk_path swap)
	boot hibernate timeout=600 append="$APPEND harness.workload=$size"
	expect_poweroff
	hibernate_report
	host_show "$TORPOR" inspect "$swap"
	expect_image_markers "$swap"
	boot reuse
	expect_pass
	expect_no_image "$swap"
}

# Print the workload and what the guest logged about the image.
hibernate_report()
{
	local t0 t1

	echo "# workload: $(result workload); $(result workload_meminfo)"
	grep -E 'torpor: (snapshot|image written)' "$LOG" | sed 's/^\[ *[0-9.]*\] /# /'
	t0=$(sed -n 's/^\[ *\([0-9.]*\)\] harness: hibernating.*/\1/p' "$LOG")
	t1=$(sed -n 's/^\[ *\([0-9.]*\)\] .*reboot: Power down.*/\1/p' "$LOG")
	echo "# echo disk -> power off: $(echo "$t1 $t0" | awk '{ printf "%.1f", $1 - $2 }') s (host clock)"
}

# host_run, and print the command's output.
host_show()
{
	local lines=0

	[[ -f $WORK/host.log ]] && lines=$(wc -l <"$WORK/host.log")
	host_run "$@"
	tail -n +$((lines + 2)) "$WORK/host.log" | sed 's/^/# /'
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start "$(karg harness.workload)"
	log "hibernating to $dev ($(block_devno "$dev"))"
	hibernate_now
	fail "echo disk returned without powering off: $(cat /sys/power/torpor/status)"
}

# No resume requested: torpor loads and leaves the image alone, the kernel
# refuses it as swap until "torpor discard" restores the swap signature.
stage_reuse()
{
	local dev

	dev=$(disk_dev swap)
	load_torpor
	! swapon "$dev" 2>/dev/null || fail "swapon took $dev while it holds an image"
	run torpor discard "$dev"
	expect_swap_again "$dev" inactive
	run swapoff "$dev"
	check_dmesg_clean
}
