# SPDX-License-Identifier: GPL-2.0
#
# hibernate-lockdown: lockdown raised at run time, after torpor loaded
# (booted with lockdown=, the unsigned torpor.ko could not load; the
# Debian guest's system-lockdown covers that boot).  "echo disk" is then
# refused by torpor's livepatched hibernate() exactly as by the kernel's
# own: EPERM, and the lockdown LSM's line the only one logged for it, no
# torpor line beside it, while torpor's status names the reason.  The
# workload runs on and the swap area stays plain swap.  Then the kernel's
# own hibernate(), with torpor unloaded, must refuse with the same errno
# and the same lines.
#
# check: kernels=61,612 order=20 budget=60

plan()
{
	local swap

	disk swap 64 swap
	swap=$(disk_path swap)
	boot lockdown
	expect_pass
	echo "# torpor: $(result torpor)"
	echo "# kernel: $(result kernel)"
	echo "# status: $(result status)"
	echo "# check: $(result check)"
	expect_no_image "$swap"
}

# refusal_lines: "echo disk" must fail with EPERM; prints the kernel log
# lines it added, without their timestamps.  Every read of
# /sys/power/state or /sys/power/disk under lockdown asks lockdown too and
# logs a line of its own, so the refusal's lines are only those logged
# while the write ran.
refusal_lines()
{
	local before out

	before=$(dmesg | wc -l)
	out=$( (echo disk >/sys/power/state) 2>&1) &&
		fail "echo disk succeeded under lockdown"
	case $out in
	*"Operation not permitted"*) ;;
	*) fail "echo disk under lockdown: '$out', expected EPERM" ;;
	esac
	dmesg | sed -e "1,${before}d" -e 's/^\[[^]]*\] //'
}

# expect_one_lockdown_line WHO LINES: LINES, the log of one refusal, are
# exactly the lockdown LSM's line for hibernation.
expect_one_lockdown_line()
{
	case $2 in
	"Lockdown: "*": hibernation is restricted; see man kernel_lockdown.7") ;;
	*) fail "$1's refusal logged, not the one Lockdown line: $(echo "$2" | tr '\n' '|')" ;;
	esac
}

stage_lockdown()
{
	local dev torpor kernel status check

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start small
	mount -t securityfs securityfs /sys/kernel/security
	grep -q '\[none\]' /sys/kernel/security/lockdown ||
		fail "lockdown before the test: $(cat /sys/kernel/security/lockdown)"
	echo integrity >/sys/kernel/security/lockdown
	grep -q '\[integrity\]' /sys/kernel/security/lockdown ||
		fail "lockdown not raised: $(cat /sys/kernel/security/lockdown)"

	torpor=$(refusal_lines)
	expect_one_lockdown_line torpor "$torpor"
	report torpor "$torpor"
	status=$(cat /sys/power/torpor/status)
	[ "$status" = "error: hibernation is restricted by lockdown (integrity)" ] ||
		fail "status '$status' after the lockdown refusal"
	[ "$(cat /sys/power/torpor/last_error)" = -1 ] ||
		fail "last_error $(cat /sys/power/torpor/last_error), expected -1"
	report status "$status"
	! grep -qw disk /sys/power/state ||
		fail "/sys/power/state offers disk under lockdown: $(cat /sys/power/state)"
	check=$(torpor hibernate --check 2>&1) &&
		fail "torpor hibernate --check is ready under lockdown: $check"
	case $check in
	*"hibernation is restricted by kernel lockdown (integrity in /sys/kernel/security/lockdown"*) ;;
	*) fail "torpor hibernate --check under lockdown: $check" ;;
	esac
	report check "$check"
	! dmesg | grep -q 'Freezing user space' || fail "refused only after freezing user space"
	workload_check
	expect_swap_again "$dev" active

	unload_torpor
	kernel=$(refusal_lines)
	expect_one_lockdown_line kernel "$kernel"
	[ "$kernel" = "$torpor" ] || fail "the kernel logged '$kernel', torpor '$torpor'"
	report kernel "$kernel"
	workload_check
	expect_swap_signature "$dev"
	check_kernel_sane
}
