# SPDX-License-Identifier: GPL-2.0
#
# sleep-repeat: hybrid sleep ROUNDS times (default 4) in one boot, each
# woken by the RTC WAKE_S (default 10) s after it starts: the alarm must
# not go off before the machine is in S3, or nothing wakes it.  Every
# round torpor writes the image, suspends to RAM, wakes and discards the
# image; the workload runs through all of them.  At the end the workload
# is intact, the swap area holds no image and swapon takes it, and the
# kernel log is clean.
#
# METHOD=mem is the control: the same rounds as plain suspend to RAM
# ("echo mem"), torpor not loaded.  A crash on the way back from RAM that
# the control shows too is the platform's, not torpor's (testing.rst,
# "Suspend to RAM under TCG").  KEEP_CX16=1 runs either without the
# workaround explained there (suspend_to_ram_cpu in tools/qemu/lib.sh).
#
# check: kernels=61,612 order=40 args='ROUNDS=2' budget=180

plan()
{
	local rounds=${ROUNDS:-4} wake_s=${WAKE_S:-10} method=${METHOD:-hybrid}

	suspend_to_ram_cpu
	workload_swap_disk default
	boot sleep timeout=$((90 + rounds * (wake_s + 10))) \
		append="$APPEND harness.rounds=$rounds harness.wake_s=$wake_s harness.method=$method no_console_suspend"
	expect_pass
	echo "# $(result rounds) rounds of $(result method) on -cpu $CPU"
	[[ $method != hybrid ]] || expect_no_image "$(disk_path swap)"
}

stage_sleep()
{
	local dev method rounds i=0 alarm=/sys/class/rtc/rtc0/wakealarm
	local klog=/tmp/sleep-repeat.klog round=/tmp/sleep-repeat.round

	method=$(karg harness.method)
	rounds=$(karg harness.rounds)
	dev=$(disk_dev swap)
	[ -e $alarm ] || fail "no RTC wake alarm ($alarm)"
	case $method in
	hybrid) prepare_hibernation "$dev" suspend ;;
	mem) ;;
	*) fail "METHOD=$method: not hybrid or mem" ;;
	esac
	workload_start small
	# Round by round: the whole log of many rounds outgrows the ring.
	dmesg -c >$klog
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		echo 0 >$alarm
		echo "+$(karg harness.wake_s)" >$alarm
		log "round $i of $rounds: $method"
		case $method in
		hybrid) hibernate_now ;;
		mem) echo mem >/sys/power/state || fail "echo mem failed in round $i" ;;
		esac
		dmesg -c >$round
		cat $round >>$klog
		[ "$method" = mem ] ||
			grep -q 'torpor: woke from RAM: image discarded' $round ||
			fail "round $i: $(grep 'torpor:' $round | tail -n 1)"
	done
	[ "$method" = mem ] || expect_swap_again "$dev" active
	workload_check
	kernel_log_sane <$klog
	report rounds "$i"
	report method "$method"
}
