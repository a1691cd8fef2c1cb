# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Guest helpers of the system tests (bash, Debian 12 with systemd),
# sourced by systest after the QEMU harness's guest.sh and workload.sh.
#
#	expect_torpor_ready        torpor was loaded at boot by the installed
#	                           files and its version is the checkout's;
#	                           reports the module, its status, the swap
#	                           areas and the resume configuration
#	workload_start [SIZE]      as in workload.sh, but memhog, the live
#	                           process, runs as the systemd service
#	                           systest-worker.service
#	hibernate_systemctl        systemctl hibernate, failing with its message
#	sleep_starts               systemd-sleep's "Entering sleep state"
#	                           messages of this boot, one line
#	sleep_count                how many times systemd-sleep said "System
#	                           returned from sleep state" in this boot
#	wait_resumed COUNT SECONDS wait until sleep_count exceeds COUNT
#	wait_until SECONDS CMD...  run CMD every 0.1 s until it succeeds;
#	                           returns 1 if it still fails after SECONDS
#	expect_resumed_system DEV  after a resume: the workload and the
#	                           service carried on, the journal shows the
#	                           hibernation and the resume by torpor and
#	                           nothing of swsusp, DEV is plain swap again
#	                           and active, the kernel log is clean
#	laptop_prepare             on the laptop profile, before a sleep: the
#	                           NIC up with carrier, a file written and
#	                           fsync'd on the NVMe root, the devices there
#	expect_laptop_resumed      on the laptop profile, after a resume: that
#	                           file reads back from the disk, the USB input
#	                           devices, the DRM console and the NIC's
#	                           carrier are back, no kernel errors since the
#	                           sleep

# systemd's catalog IDs of "Entering sleep state" and "System returned
# from sleep state".
SLEEP_START_ID=6bbd95ee977941e497c48be27c254128
SLEEP_STOP_ID=8811e6df2a8e40f58a94cea26f8ebf14
WORKER=systest-worker.service

expect_torpor_ready()
{
	local want

	want=$(cat /usr/local/src/torpor/VERSION)
	[ -d /sys/power/torpor ] || fail "torpor is not loaded: $(dmesg | grep torpor: | tail -n 3)"
	[ "$(cat /sys/power/torpor/version)" = "$want" ] ||
		fail "torpor $(cat /sys/power/torpor/version) loaded, the checkout is $want"
	report module "$(modinfo -F filename torpor) $(modinfo -F vermagic torpor | cut -d ' ' -f 1)"
	report torpor_status "$(torpor status 2>&1 | tr '\n' ' ')"
	report swaps "$(tail -n +2 /proc/swaps | tr -s ' ' | tr '\n' ';')"
	report sleep_config "disk=$(cat /sys/power/disk) resume=$(cat /sys/power/resume) offset=$(cat /sys/power/resume_offset)"
}

worker_alive()
{
	systemctl -q is-active "$WORKER" ||
		fail "$WORKER stopped: $(journalctl -b -u "$WORKER" -o cat | tail -n 3)"
}

# The live process is a systemd service here (a user's daemon), not a
# child of the stage: its PID is the service's MainPID.
workload_start_hog()
{
	systemd-run --quiet --unit="$WORKER" --property=Type=simple \
		"$DIR/memhog" "$WORKLOAD_ANON_MIB" "$WORKLOAD_DIR/hog.status" ||
		fail "systemd-run $WORKER failed"
	systemctl show -p MainPID --value "$WORKER" >"$WORKLOAD_DIR/hog.pid"
	workload_wait_hog worker_alive
	report worker "$WORKER MainPID $(cat "$WORKLOAD_DIR/hog.pid") round $(cat "$WORKLOAD_DIR/hog.start")"
}

# systemctl hibernate: returns in the resumed system.
hibernate_systemctl()
{
	local out

	log "systemctl hibernate"
	out=$(systemctl hibernate 2>&1) || fail "systemctl hibernate: $out"
}

# The start messages of this boot's sleeps, one line.
sleep_starts()
{
	journalctl -b -q -o cat MESSAGE_ID="$SLEEP_START_ID" | tr '\n' ' '
}

sleep_count()
{
	journalctl -b -q -o cat MESSAGE_ID=$SLEEP_STOP_ID | grep -c . || true
}

wait_until()
{
	local tries=$(($1 * 10))

	shift
	until "$@"; do
		[ $tries -gt 0 ] || return 1
		sleep 0.1
		tries=$((tries - 1))
	done
}

resumed_since()
{
	[ "$(sleep_count)" -gt "$1" ]
}

wait_resumed()
{
	wait_until "$2" resumed_since "$1" ||
		fail "no resume within $2 s: $(journalctl -b -q -o cat | tail -n 3 | tr '\n' ' ')"
}

# The kernel's log in this boot's journal: torpor's "resumed" line (the
# image's log ends at the atomic copy, before torpor's snapshot and
# image lines, which only the console of the hibernating boot shows),
# none of swsusp's lines.
expect_journal_torpor()
{
	local kernel line

	kernel=$(journalctl -b -k -q -o cat)
	line=$(echo "$kernel" | grep -E -m 1 "$SWSUSP_LINES") &&
		fail "the kernel's own hibernation ran: $line"
	echo "$kernel" | grep -q 'torpor: resumed: ' || fail "no 'torpor: resumed:' in the journal"
	report journal_torpor "$(echo "$kernel" | grep 'torpor: resumed:')"
}

expect_journal_sleep()
{
	local start stop

	start=$(journalctl -b -q -o cat MESSAGE_ID=$SLEEP_START_ID | tail -n 1)
	stop=$(journalctl -b -q -o cat MESSAGE_ID=$SLEEP_STOP_ID | tail -n 1)
	case $start in
	*hibernate*) ;;
	*) fail "the journal has no 'Entering sleep state hibernate' (last: '$start')" ;;
	esac
	[ -n "$stop" ] || fail "the journal has no 'System returned from sleep state'"
	report journal_sleep "$start / $stop"
	report sleep_resume_writes "$(journalctl -b -q -o cat -u systemd-hibernate.service |
		grep -i -E 'resume|offset' | tr '\n' ' ')"
}

expect_resumed_system()
{
	local pid

	workload_check
	pid=$(systemctl show -p MainPID --value "$WORKER")
	[ "$pid" = "$(cat "$WORKLOAD_DIR/hog.pid")" ] ||
		fail "$WORKER MainPID $pid, was $(cat "$WORKLOAD_DIR/hog.pid")"
	report worker_after "$WORKER MainPID $pid round $(workload_hog_field 1) passes $(workload_hog_field 2)"
	expect_journal_sleep
	expect_journal_torpor
	expect_swap_signature "$1"
	# /proc/swaps names a logical volume by its dm node.
	grep -q "^$(readlink -f "$1") " /proc/swaps || fail "$1 is not active swap after the resume"
	check_dmesg_clean
}

LAPTOP_FILE=/var/tmp/systest-fsync
LAPTOP_SUM=/run/systest-fsync.sum

# The laptop profile (tools/system/lib.sh, laptop_boot) says so on the
# command line.
laptop()
{
	[ "$(karg systest.profile)" = laptop ]
}

laptop_nic()
{
	local dev

	for dev in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$dev/device/driver")")" = e1000e ] || continue
		basename "$dev"
		return 0
	done
	fail "no e1000e network interface"
}

nic_carrier()
{
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

# The devices a laptop user would miss after a resume: typing, pointing,
# the screen, the network.
expect_laptop_devices()
{
	local input name con nic

	input=$(grep '^N: Name=' /proc/bus/input/devices)
	for name in 'QEMU USB Keyboard' 'QEMU USB Tablet'; do
		echo "$input" | grep -q "$name" || fail "no $name: $(echo "$input" | tr '\n' ' ')"
	done
	[ "$(basename "$(readlink -f /sys/class/drm/card0/device/driver)")" = bochs-drm ] ||
		fail "no bochs-drm card0: $(ls /sys/class/drm)"
	con=$(grep -l 'frame buffer device' /sys/class/vtconsole/vtcon*/name) ||
		fail "no frame buffer console: $(cat /sys/class/vtconsole/vtcon*/name | tr '\n' ' ')"
	[ "$(cat "${con%/name}/bind")" = 1 ] || fail "the frame buffer console is not bound"
	echo "systest: console check" >/dev/tty1 || fail "cannot write to the DRM console"
	nic=$(laptop_nic)
	wait_until 20 nic_carrier "$nic" || fail "$nic has no carrier"
	report laptop_devices "usb: keyboard tablet; drm: $(cat "${con%/name}/name"); $nic carrier up"
}

laptop_prepare()
{
	laptop || return 0
	run ip link set dev "$(laptop_nic)" up
	expect_laptop_devices
	run dd if=/dev/urandom of=$LAPTOP_FILE bs=1M count=8 conv=fsync status=none
	sha256sum <$LAPTOP_FILE >$LAPTOP_SUM
	date +%s >/run/systest-sleep.start
}

expect_laptop_resumed()
{
	local errors

	laptop || return 0
	# What the resumed system reads must come from the NVMe disk, not the
	# page cache the image brought back.
	sync
	echo 3 >/proc/sys/vm/drop_caches
	[ "$(sha256sum <$LAPTOP_FILE)" = "$(cat $LAPTOP_SUM)" ] ||
		fail "$LAPTOP_FILE, fsync'd before the sleep, reads back changed from the NVMe disk"
	expect_laptop_devices
	errors=$(journalctl -k -p err -q -o cat --since "@$(cat /run/systest-sleep.start)")
	[ -z "$errors" ] || fail "kernel errors since the sleep: $(echo "$errors" | head -n 3 | tr '\n' ' ')"
}
