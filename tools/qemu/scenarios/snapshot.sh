# SPDX-License-Identifier: GPL-2.0
#
# snapshot: snapshot boot (Documentation/admin-guide.rst).  Boot 1 starts
# warmsvc, a service with a slow warm-up (a table built for about 15 s
# under TCG, then queries answered), writes a marker to tmpfs, and runs
# "torpor snapshot" (the swap partition active: the tool swaps it off).
# Then, with the image checked on the host after each boot:
#
#   boots 2-6   resume the snapshot: each is a fresh session of the image
#               that answers a query of the warm service (same PID, same
#               answer), finds the marker written before the snapshot and
#               none of those written after it by earlier sessions, reads
#               16 bytes of /dev/urandom (all five differ), has a clock
#               set from the RTC, ran the hook directory with
#               TORPOR_RESUMES, and the image counts N resumes;
#   boot 7      the other kernel: image kept, not resumed (another build);
#   boot 8      torpor.snapshot=skip: a cold boot, the image kept; the
#               service started cold for the time-to-ready;
#   boot 9      resumes the snapshot again (resume 6);
#   boot 10     (skipped) an ext4 disk mounted read-write: torpor snapshot refuses
#               naming it, the kernel refuses too, nothing is written;
#               then torpor discard ends the snapshot; with the swap
#               partition active the kernel refuses, nothing written;
#   boot 11     a new snapshot with "torpor snapshot --reboot" (a short
#               warm-up, the partition active swap again): QEMU restarts
#               the guest, which resumes it (resume 1) in the same QEMU.
#
# ROUNDS sets the warm-up's work (warmsvc).  Prints the time to a ready
# service, cold and from the snapshot, on the host clock from QEMU's start.
#
# check: kernels=61,612 order=45 budget=480

# shellcheck disable=SC2034 # read by the harness (tools/qemu/initramfs.sh)
GUEST_MODULES=ext4

plan()
{
	local swap resumes n pid answer before cold skip_cold randoms='' snaps=''

	disk swap 512 swap
	disk data 64
	host_run mkfs.ext4 -q -F "$(disk_path data)"
	swap=$(disk_path swap)
	boot snapshot timeout=300 append="$APPEND harness.rounds=${ROUNDS:-2000}"
	expect_poweroff
	cold=$(ready_at "warm service ready")
	pid=$(result svc_pid)
	answer=$(result answer)
	before=$(snapshot_resumes "$swap")
	[[ $before == 0 ]] || scenario_fail "a new snapshot counts '$before' resumes"
	echo "# boot 1: service PID $pid ready at ${cold} s, snapshot written"
	for n in 1 2 3 4 5; do
		snapshot_boot "$swap" "$n" "$pid" "$answer"
		randoms="$randoms $(result random)"
		snaps="$snaps $(ready_at "snapshot session ready")"
	done
	[[ $(echo "$randoms" | tr ' ' '\n' | sed '/^$/d' | sort -u | wc -l) == 5 ]] ||
		scenario_fail "/dev/urandom repeats across boots from the snapshot:$randoms"
	echo "# five boots, five different /dev/urandom reads"

	boot otherkernel kernel="$(other_kernel)" timeout=300 append="$APPEND"
	expect_pass
	echo "# boot $BOOT ($(other_kernel)): $(result kept)"
	resumes=$(snapshot_resumes "$swap")
	[[ $resumes == 5 ]] || scenario_fail "boot $BOOT: image counts '$resumes' resumes, expected 5"

	boot cold timeout=300 append="$APPEND torpor.snapshot=skip harness.rounds=${ROUNDS:-2000}"
	expect_pass
	skip_cold=$(ready_at "warm service ready")
	echo "# boot $BOOT (torpor.snapshot=skip): $(result kept); service ready at $skip_cold s"
	resumes=$(snapshot_resumes "$swap")
	[[ $resumes == 5 ]] || scenario_fail "boot $BOOT: image counts '$resumes' resumes, expected 5"

	snapshot_boot "$swap" 6 "$pid" "$answer"
	snaps="$snaps $(ready_at "snapshot session ready")"

	boot refuse timeout=300 append="$APPEND torpor.snapshot=skip"
	expect_pass
	echo "# boot $BOOT: $(result refused_tool)"
	echo "# boot $BOOT: $(result refused_kernel)"
	echo "# boot $BOOT: $(result refused_active)"
	expect_no_image "$swap"

	# The warm-up's length only matters to the time-to-ready figures.
	boot reboot timeout=300 append="$APPEND harness.rounds=200" reboot=yes
	snapshot_session "$swap" 1
	[[ $(grep -c 'Run /init as init process' "$LOG") == 2 &&
	   $(grep -c 'reboot: Restarting system' "$LOG") == 1 ]] ||
		scenario_fail "boot $BOOT: the guest did not reboot into the snapshot once"
	echo "# boot $BOOT: torpor snapshot --reboot, rebooted into resume 1, ready at $(ready_at "snapshot session ready") s"

	echo "# time to a ready service (host clock from QEMU start):"
	echo "#   cold boot:     ${cold} s (boot 1), ${skip_cold} s (torpor.snapshot=skip)"
	echo "#   snapshot boot:${snaps} s"
}

# The host time of the boot's console line "harness: @1".
ready_at()
{
	sed -n "s/^\[ *\([0-9.]*\)\] harness: $1.*/\1/p" "$LOG" | head -n 1
}

# The resumes the image on @1 counts.
snapshot_resumes()
{
	"$TORPOR" inspect --json "$1" 2>&1 | sed -n 's/^ *"resumes": \([0-9]*\),*$/\1/p'
}

# snapshot_session SWAP N: the last boot passed in session N of the
# snapshot on SWAP, which counts N resumes and verifies.
snapshot_session()
{
	local n

	expect_pass
	[[ $(result resumes) == "$2" ]] ||
		scenario_fail "boot $BOOT: session of resume '$(result resumes)', expected $2"
	n=$(snapshot_resumes "$1")
	[[ $n == "$2" ]] || scenario_fail "boot $BOOT: image counts '$n' resumes, expected $2"
	host_run "$TORPOR" verify "$1"
}

# snapshot_boot SWAP N PID ANSWER: resume N from the snapshot.
snapshot_boot()
{
	boot resume timeout=300 append="$APPEND"
	snapshot_session "$1" "$2"
	[[ $(result svc_pid) == "$3" && $(result answer) == "$4" ]] ||
		scenario_fail "boot $BOOT: service PID $(result svc_pid) answered '$(result answer)', expected PID $3 and '$4'"
	echo "# boot $BOOT: resume $2, warm service PID $3 answered at $(ready_at "snapshot session ready") s; clock $(result clock)"
}

warm_start()
{
	local i=0

	mkdir -p /tmp/warm
	warmsvc /tmp/warm "$(karg harness.rounds)" &
	while [ ! -s /tmp/warm/ready ]; do
		i=$((i + 1))
		[ $i -le 1200 ] || fail "warm service not ready after 120 s"
		sleep 0.1
	done
	log "warm service ready, PID $(cat /tmp/warm/ready)"
	report svc_pid "$(cat /tmp/warm/ready)"
}

warm_query()
{
	echo "$1" >/tmp/warm/q
	cat /tmp/warm/a
}

# snapshot_take [OPTION]: with the swap partition active swap and the
# resume device, a warm service, a marker and a hook, then "torpor
# snapshot OPTION".  Returns in every session resumed from the snapshot,
# after checking it.
snapshot_take()
{
	local dev r resumes boot_time out pid answer now

	dev=$(disk_dev swap)
	run swapon "$dev"
	load_torpor
	block_devno "$dev" >/sys/power/resume ||
		fail "resume device $dev refused: $(last_torpor_line)"
	warm_start
	pid=$(cat /tmp/warm/ready)
	answer=$(warm_query 4242)
	report answer "$answer"
	echo before >/tmp/marker-before
	mkdir -p /etc/torpor/snapshot.d
	# shellcheck disable=SC2016 # expanded by the hook
	printf '#!/bin/sh\necho "$TORPOR_RESUMES" >/tmp/hook-ran\n' >/etc/torpor/snapshot.d/10-mark
	chmod +x /etc/torpor/snapshot.d/10-mark
	boot_time=$(date +%s)
	out=$(torpor snapshot "$@" 2>&1) || fail "torpor snapshot $*: $out"
	# Every boot from the snapshot goes on here, in a fresh session.
	r=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	now=$(warm_query 4242)
	report answer "$now"
	log "snapshot session ready"
	resumes=$(cat /sys/power/torpor/snapshot_resumes)
	report resumes "$resumes"
	report random "$r"
	report svc_pid "$(cat /tmp/warm/ready)"
	report clock "$(date)"
	kill -0 "$pid" || fail "the warm service (PID $pid) is gone"
	[ "$now" = "$answer" ] ||
		fail "the warm service answered '$now', before the snapshot '$answer'"
	# The kernel refuses an active swap partition (stage_refuse): the
	# tool swaps it off.
	case $out in
	*"swapping off $dev: the snapshot keeps it for itself"*"resumed from the snapshot, resume $resumes"*) ;;
	*) fail "torpor snapshot $* said: '$out'" ;;
	esac
	[ "$(cat /tmp/hook-ran)" = "$resumes" ] ||
		fail "the snapshot hook saw '$(cat /tmp/hook-ran)', resume $resumes"
	[ "$(date +%s)" -gt "$boot_time" ] || fail "the clock is back at the snapshot's: $(date)"
	expect_file /tmp/marker-before
	for f in /tmp/marker-after-*; do
		[ ! -e "$f" ] || fail "$f, written after the snapshot, is here"
	done
	echo after >"/tmp/marker-after-$resumes"
	dmesg | grep -q "torpor: snapshot resumed, resume $resumes: random pool reseeded" ||
		fail "no reseed logged: $(last_torpor_line)"
	[ "$(cat /sys/power/torpor/snapshot)" = 0 ] || fail "snapshot still armed after the resume"
	grep -q "^$dev " /proc/swaps && fail "$dev is swap in the resumed system"
	# Not active swap: no room there for a hibernation (kernel/swap.c).
	[ "$(cut -d ' ' -f 3 /sys/power/torpor/room)" = 0 ] ||
		fail "room '$(cat /sys/power/torpor/room)': the snapshot's area offered to a hibernation"
	check_kernel_sane
}

stage_snapshot()
{
	snapshot_take
}

# The guest reboots into the snapshot with the same command line, so this
# stage runs twice in the one QEMU: the second time it resumes.
stage_reboot()
{
	if torpor inspect "$(disk_dev swap)" >/dev/null 2>&1; then
		resume_from_swap snapshot
	fi
	snapshot_take --reboot
	grep -q '\[reboot\]' /sys/power/disk ||
		fail "/sys/power/disk '$(cat /sys/power/disk)' in the snapshot, not reboot"
}

# On success this does not return: the snapshot's session goes on instead.
stage_resume()
{
	resume_from_swap snapshot
}

# Another kernel build keeps the snapshot and boots without it.
stage_otherkernel()
{
	local dev line

	dev=$(disk_dev swap)
	load_torpor
	! block_devno "$dev" 2>/dev/null >/sys/power/resume ||
		fail "resume from the other kernel's snapshot returned success"
	line=$(dmesg | grep -o 'torpor: snapshot image kept, not resumed: made by.*') ||
		fail "no refusal naming the build: $(last_torpor_line)"
	report kept "$line"
	! swapon "$dev" 2>/dev/null || fail "swapon took $dev: the snapshot is gone"
	check_kernel_sane
}

# torpor.snapshot=skip, from the command line as modprobe would pass it.
stage_cold()
{
	local dev line

	dev=$(disk_dev swap)
	load_torpor
	block_devno "$dev" >/sys/power/resume ||
		fail "resume request failed: $(last_torpor_line)"
	line=$(dmesg | grep -o 'torpor: snapshot image kept, not resumed: torpor.snapshot=skip') ||
		fail "no skip logged: $(last_torpor_line)"
	[ "$(cat /sys/power/torpor/status)" = idle ] ||
		fail "status '$(cat /sys/power/torpor/status)' after the skip"
	report kept "$line"
	warm_start
	! swapon "$dev" 2>/dev/null || fail "swapon took $dev: the snapshot is gone"
	check_kernel_sane
}

stage_refuse()
{
	local dev data out sum

	dev=$(disk_dev swap)
	data=$(disk_dev data)
	mkdir -p /mnt
	run mount -t ext4 "$data" /mnt
	# Skipped: the resume device is set without resuming the snapshot.
	load_torpor
	block_devno "$dev" >/sys/power/resume || fail "resume request failed"
	sum=$(dd if="$dev" bs=4096 count=1 2>/dev/null | md5sum)
	out=$(torpor snapshot 2>&1) && fail "torpor snapshot went on with $data mounted read-write"
	case $out in
	*"/mnt ($data, ext4) is mounted read-write"*) ;;
	*) fail "torpor snapshot: '$out'" ;;
	esac
	report refused_tool "$out"
	echo 1 >/sys/power/torpor/snapshot
	expect_hibernate_refused -16 "Device or resource busy" \
		"snapshot refused: ${data#/dev/} (ext4) is mounted read-write"
	report refused_kernel "$(dmesg | grep -o 'torpor: snapshot refused.*' | tail -n 1)"
	[ "$(dd if="$dev" bs=4096 count=1 2>/dev/null | md5sum)" = "$sum" ] ||
		fail "the refused snapshot changed the swap header of $dev"
	run umount /mnt
	run torpor discard "$dev"
	expect_swap_again "$dev" inactive
	# torpor snapshot swaps it off; armed by hand, the kernel refuses.
	echo 1 >/sys/power/torpor/snapshot
	expect_hibernate_refused -16 "Device or resource busy" \
		"snapshot refused: resume device $(block_devno "$dev") is active swap"
	report refused_active "$(dmesg | grep -o 'torpor: snapshot refused.*' | tail -n 1)"
	expect_swap_again "$dev" active
	run swapoff "$dev"
	check_kernel_sane
}
