# SPDX-License-Identifier: GPL-2.0
#
# Lid close: boot 1 starts the workload and a virtual lid (lid.c, a
# uinput device with SW_LID, run as the service systest-lid); udev must
# tag it power-switch and logind watch it.  Closing the lid makes logind
# hibernate (HandleLidSwitch=hibernate in logind.conf.d), through torpor.
# Boot 2 resumes; in the resumed system the lid opens by itself (lid.c)
# and everything is checked as in the hibernate scenario, plus logind's
# "Lid closed" and the lid's own "open" after the resume.

plan()
{
	sys_boot lid
	expect_hibernated
	sys_fetch_swap
	expect_image_markers "$(disk_path swap)"
	sys_boot resumed
	expect_resumed
}

LID_UNIT=systest-lid.service
LID_NAME=/run/systest-lid.name

lid_named()
{
	[ -s $LID_NAME ]
}

logind_watches()
{
	journalctl -b -q -o cat -u systemd-logind | grep -q "Watching system buttons on $1"
}

# The lid's last word, once the resume has happened, is that it is open.
lid_open()
{
	journalctl -b -q -o cat -u $LID_UNIT | tail -n 1 | grep -q 'lid: open'
}

# The lid's event device, tagged power-switch and watched by logind.
lid_ready()
{
	local input dev

	wait_until 30 lid_named ||
		fail "the lid did not start: $(journalctl -b -u $LID_UNIT -o cat | tail -n 2)"
	input=$(cat $LID_NAME)
	udevadm settle -t 30 || true
	dev=/dev/input/$(basename /sys/devices/virtual/input/"$input"/event*)
	udevadm info "$dev" | grep -q 'power-switch' ||
		fail "udev did not tag $dev power-switch: $(udevadm info "$dev" | tr '\n' ' ')"
	wait_until 30 logind_watches "$dev" || fail "logind does not watch $dev"
	report lid "$dev $(udevadm info -q property "$dev" | grep -E '^(ID_INPUT_SWITCH|TAGS)=' | tr '\n' ' ')"
}

stage_lid()
{
	local before

	expect_torpor_ready
	workload_start default
	laptop_prepare
	systemd-run --quiet --unit=$LID_UNIT "$DIR/lid" $LID_NAME ||
		fail "systemd-run $LID_UNIT failed"
	lid_ready
	# logind ignores the lid for HoldoffTimeoutSec (10 s) after boot.
	while [ "$(cut -d . -f 1 /proc/uptime)" -lt 15 ]; do
		sleep 1
	done
	before=$(sleep_count)
	log "closing the lid"
	systemctl kill -s USR1 $LID_UNIT
	wait_resumed "$before" 300
	# Only the resumed system gets here.
	wait_until 10 lid_open ||
		fail "the lid did not open after the resume: $(journalctl -b -q -o cat -u $LID_UNIT | tr '\n' ' ')"
	journalctl -b -q -o cat -u systemd-logind | grep -q 'Lid closed' ||
		fail "logind did not log 'Lid closed'"
	report logind "$(journalctl -b -q -o cat -u systemd-logind | grep -E 'Lid|ibernat' | tr '\n' ' ')"
	expect_resumed_system "$(disk_dev swap)"
	expect_laptop_resumed
}

stage_resumed()
{
	fail "booted afresh: the image was not resumed ($(dmesg | grep torpor: | tail -n 2 | tr '\n' ' '))"
}
