# SPDX-License-Identifier: GPL-2.0
#
# systemctl suspend-then-hibernate: the workload runs and systemd-sleep
# suspends to RAM (QEMU's ACPI S3) with its RTC alarm HibernateDelaySec
# (20 s) ahead; the alarm wakes the machine, systemd finds the wake-up was
# the alarm's and hibernates, torpor writes the image and the machine goes
# off (ACPI S4).  Boot 2 resumes it from the initramfs; the resumed system
# checks what the hibernate scenario checks, and that the journal shows
# the suspend before the hibernation.
#
# systemd 252 hibernates only when the SMBIOS system information reports
# a wake-up by timer; QEMU's own says "power switch", on which systemd
# takes the wake for the user's and stays awake.  The laptop profile's
# SMBIOS says "APM timer", as laptops do after an RTC alarm: the scenario
# needs PROFILE=laptop.

plan()
{
	[[ $PROFILE == laptop ]] ||
		scenario_skip "needs PROFILE=laptop (an SMBIOS that reports wake-ups by timer)"
	suspend_to_ram_cpu
	sys_boot s2h
	expect_hibernated
	sys_boot resumed
	expect_resumed
}

DELAY_S=20

torpor_resumed()
{
	journalctl -b -k -q -o cat | grep -q 'torpor: resumed: '
}

stage_s2h()
{
	expect_torpor_ready
	workload_start default
	laptop_prepare
	mkdir -p /run/systemd/sleep.conf.d
	printf '[Sleep]\nHibernateDelaySec=%ss\n' $DELAY_S >/run/systemd/sleep.conf.d/systest.conf
	log "systemctl suspend-then-hibernate, HibernateDelaySec=${DELAY_S}s"
	systemctl suspend-then-hibernate || fail "systemctl suspend-then-hibernate failed"
	# Only the resumed system gets here.
	wait_until $((DELAY_S + 300)) torpor_resumed ||
		fail "no resume: $(sleep_starts)"
	case $(sleep_starts) in
	*"'suspend'"*"'hibernate'"*) ;;
	*) fail "the journal has no suspend, then hibernate: $(sleep_starts)" ;;
	esac
	journalctl -b -k -q -o cat | grep -q 'PM: suspend entry' ||
		fail "the kernel never suspended to RAM"
	wait_until 60 expect_journal_sleep_done ||
		fail "systemd-sleep did not return from the hibernation"
	expect_resumed_system "$(disk_dev swap)"
	expect_laptop_resumed
	report s2h "$(sleep_starts)"
}

# The hibernation's "System returned from sleep state" follows the
# suspend's.
expect_journal_sleep_done()
{
	[ "$(sleep_count)" -ge 2 ]
}

stage_resumed()
{
	fail "booted afresh: the image was not resumed ($(dmesg | grep torpor: | tail -n 2 | tr '\n' ' '))"
}
