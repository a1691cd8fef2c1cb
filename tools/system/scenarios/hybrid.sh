# SPDX-License-Identifier: GPL-2.0
#
# Hybrid sleep: the workload runs, the RTC's wake alarm is armed and
# "systemctl hybrid-sleep" runs: systemd-sleep selects "suspend" in
# /sys/power/disk, torpor writes the image and suspends to RAM (QEMU's ACPI
# S3), the RTC wakes the machine, and the same system runs on: systemd
# logged the hybrid-sleep, torpor "woke from RAM: image discarded", the
# swap disk is plain swap again, the service and its memory are intact.
#
# POWER_LOSS=1: the power goes 2 s into the suspend (QEMU killed), and
# boot 2 resumes the image from the initramfs; the resumed system checks
# the same, torpor's "resumed" line instead of the wake from RAM.
#
# suspend-then-hibernate has a scenario of its own.

plan()
{
	suspend_to_ram_cpu
	if [[ ${POWER_LOSS:-0} == 1 ]]; then
		sys_boot hybrid cut_on='torpor: image written, suspending to RAM' cut_delay=2
		expect_cut
		sys_boot resumed
		expect_resumed
	else
		sys_boot hybrid
		expect_pass
	fi
	echo "# $(result hybrid)"
}

WAKE_S=40

stage_hybrid()
{
	local before how alarm=/sys/class/rtc/rtc0/wakealarm

	expect_torpor_ready
	workload_start default
	laptop_prepare
	[ -e $alarm ] || fail "no RTC wake alarm ($alarm)"
	echo 0 >$alarm
	echo +$WAKE_S >$alarm
	before=$(sleep_count)
	log "systemctl hybrid-sleep, the RTC to wake it in $WAKE_S s"
	systemctl hybrid-sleep || fail "systemctl hybrid-sleep failed"
	wait_resumed "$before" $((WAKE_S + 120))
	case $(sleep_starts) in
	*"'hybrid-sleep'"*) ;;
	*) fail "no hybrid-sleep in the journal: $(sleep_starts)" ;;
	esac
	# Woken from RAM, or resumed from the image after a power loss.
	how=$(journalctl -b -k -q -o cat |
		grep -o -E 'torpor: (woke from RAM: image discarded|resumed: .*)') ||
		fail "torpor neither woke from RAM nor resumed: $(journalctl -b -k -q -o cat | grep torpor: | tail -n 2 | tr '\n' ' ')"
	expect_swap_signature "$(disk_dev swap)"
	worker_alive
	workload_check
	report hybrid "$how"
	check_dmesg_clean
	expect_laptop_resumed
}

# Boot 2 of POWER_LOSS=1 gets here only if the initramfs did not resume
# the image.
stage_resumed()
{
	fail "booted afresh: the image was not resumed ($(dmesg | grep torpor: | tail -n 2 | tr '\n' ' '))"
}
