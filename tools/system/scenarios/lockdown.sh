# SPDX-License-Identifier: GPL-2.0
#
# Booted with lockdown=integrity, "systemctl hibernate" is refused as the
# kernel refuses it, and the system runs on.  Module signature enforcement
# refuses torpor.ko (DKMS builds it unsigned, or signed with a key the
# kernel does not trust), so no torpor code runs: lockdown takes "disk"
# out of /sys/power/state, logind finds no hibernation and refuses the
# verb; the lockdown LSM logs its one line for logind's look at
# /sys/power/state (and one for every other read of it in the boot).
# The service keeps running with its memory intact, nothing was frozen or
# written, and the swap disk stays plain, active swap.  (A lockdown raised
# at run time, with torpor loaded, is the QEMU scenario
# hibernate-lockdown.)

plan()
{
	sys_boot lockdown append="$APPEND lockdown=integrity"
	expect_pass
	expect_console_clean
	echo "# $(result refused)"
	echo "# $(result lockdown_lines)"
	echo "# $(result module)"
	expect_no_image "$(disk_path swap)"
}

# This boot's kernel log, as the journal has it.
kernel_log()
{
	journalctl -b -k -q -o cat
}

stage_lockdown()
{
	local out lines dev before

	dev=$(disk_dev swap)
	grep -q '\[integrity\]' /sys/kernel/security/lockdown ||
		fail "lockdown: $(cat /sys/kernel/security/lockdown)"
	[ ! -d /sys/power/torpor ] || fail "torpor loaded under lockdown=integrity"
	out=$(kernel_log | grep -m 1 'Lockdown: .*: unsigned module loading is restricted') ||
		fail "no lockdown refusal of torpor.ko: $(kernel_log | grep -i -E 'torpor|lockdown' | tail -n 3 | tr '\n' ' ')"
	report module "$out"
	! grep -qw disk /sys/power/state || fail "/sys/power/state offers disk: $(cat /sys/power/state)"
	workload_start small

	log "systemctl hibernate, under lockdown"
	# The ring buffer, not the journal, which may not have the refusal's
	# lines yet when systemctl returns.
	before=$(dmesg | wc -l)
	out=$(systemctl hibernate 2>&1) && fail "systemctl hibernate succeeded under lockdown: $out"
	case $out in
	*'Sleep verb "hibernate" not supported'*) ;;
	*) fail "systemctl hibernate under lockdown: $out" ;;
	esac
	report refused "$out"
	# logind's one look at /sys/power/state for this refusal.
	lines=$(dmesg --notime | sed "1,${before}d" | grep -i lockdown) || true
	[ "$lines" = "Lockdown: systemd-logind: hibernation is restricted; see man kernel_lockdown.7" ] ||
		fail "the refusal logged, not the one Lockdown line of logind: $(echo "$lines" | tr '\n' '|')"
	report lockdown_lines "$(kernel_log | grep -c 'Lockdown: .*: hibernation is restricted') Lockdown lines for hibernation in this boot, by" \
		"$(kernel_log | sed -n 's/^Lockdown: \(.*\): hibernation is restricted.*/\1/p' | sort -u | tr '\n' ' ')"

	[ "$(sleep_count)" = 0 ] || fail "systemd-sleep ran: $(journalctl -b -q -o cat MESSAGE_ID="$SLEEP_START_ID")"
	! kernel_log | grep -q -E 'Freezing user space|torpor:' ||
		fail "hibernation started: $(kernel_log | grep -E 'Freezing user space|torpor:' | head -n 1)"
	worker_alive
	workload_check
	expect_swap_signature "$dev"
	grep -q "^$dev " /proc/swaps || fail "$dev is not active swap"
	check_kernel_sane
}
