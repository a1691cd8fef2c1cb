# SPDX-License-Identifier: GPL-2.0
#
# Hybrid sleep: the workload runs, the RTC's wake alarm is armed and
# "systemctl hybrid-sleep" runs: systemd-sleep selects "suspend" in
# /sys/power/disk, torpor writes the image and suspends to RAM (QEMU's ACPI
# S3), the RTC wakes the machine, and the same system runs on: systemd
# logged the hybrid-sleep, torpor "woke from RAM: image discarded", the
# swap disk is plain swap again, the service and its memory are intact.
# (What a power loss during that sleep does, cycle's DISK_MODE=suspend
# tests: the next boot resumes the image.)
#
# suspend-then-hibernate is not here: systemd 252 hibernates after its
# delay only if the firmware reports a wake by the alarm, and QEMU's
# SMBIOS says "power switch", so systemd takes the wake for the user's and
# stays awake (its journal: "System returned from sleep state", no
# hibernate).

plan()
{
	sys_boot hybrid
	expect_pass
	echo "# $(result hybrid)"
}

WAKE_S=40

# The start messages of this boot's sleeps, one line.
sleep_starts()
{
	journalctl -b -q -o cat MESSAGE_ID="$SLEEP_START_ID" | tr '\n' ' '
}

stage_hybrid()
{
	local before alarm=/sys/class/rtc/rtc0/wakealarm

	expect_torpor_ready
	workload_start default
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
	journalctl -b -k -q -o cat | grep -q 'torpor: woke from RAM: image discarded' ||
		fail "torpor did not wake from RAM: $(journalctl -b -k -q -o cat | grep torpor: | tail -n 2 | tr '\n' ' ')"
	expect_swap_signature "$(disk_dev swap)"
	worker_alive
	workload_check
	report hybrid "$(journalctl -b -k -q -o cat | grep -o 'torpor: woke from RAM.*')"
	check_dmesg_clean
}
