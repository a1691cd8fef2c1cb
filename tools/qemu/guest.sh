# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Guest side of the QEMU harness, sourced by /init (busybox ash).
#
# /init runs harness_main, which loads the disk drivers and the scenario's
# GUEST_MODULES, sources the scenario and runs its stage_<name> function
# (name from the kernel argument harness.stage=) in a subshell under
# "set -e".  The stage's outcome goes to the verdict channel, the second
# serial port:
#
#	KEY=VALUE                  from report()
#	TORPOR-VERDICT PASS        the stage returned 0
#	TORPOR-VERDICT FAIL reason fail(), or a command failed under set -e
#	TORPOR-VERDICT SKIP reason skip()
#
# then the guest powers off.  A stage that hibernates never returns in the
# boot it started in: its verdict is written by the resumed image, in the
# boot that restores it.
#
# Kernel arguments are named harness.* rather than torpor.*: the kernel
# hands torpor.* arguments to the torpor module as parameters.

VERDICT_TTY=/dev/ttyS1
HARNESS_DIR=/etc/harness
TORPOR_KO=/lib/modules/$(uname -r)/extra/torpor.ko

log()
{
	echo "harness: $*"
}

harness_verdict()
{
	[ -e /tmp/.harness-verdict ] && return 0
	: >/tmp/.harness-verdict
	echo "TORPOR-VERDICT $*" >"$VERDICT_TTY"
	log "verdict $*"
}

# --- helpers for scenarios' stage functions ---

# fail REASON: end the stage with a FAIL verdict.
fail()
{
	harness_verdict FAIL "$*"
	exit 1
}

# skip REASON: end the stage with a SKIP verdict.
skip()
{
	harness_verdict SKIP "$*"
	exit 4
}

# report KEY VALUE...: hand a result to the host (see result() in lib.sh).
report()
{
	local key="$1"

	shift
	echo "$key=$*" >"$VERDICT_TTY"
	log "result $key=$*"
}

# run CMD...: run a command, fail the stage with its name if it fails.
run()
{
	"$@" || fail "'$*' failed (exit $?)"
}

# karg NAME: print the value of kernel argument NAME=value.
karg()
{
	local arg

	# shellcheck disable=SC2013 # kernel arguments are words, not lines
	for arg in $(cat /proc/cmdline); do
		case $arg in
		"$1"=*)
			echo "${arg#*=}"
			return 0
			;;
		esac
	done
	return 1
}

# disk_dev NAME: the block device of the disk the host plan called NAME.
# harness.disks lists the virtio disks in order (vda, vdb...) and, as
# NAME:PATH, devices the guest makes itself (a logical volume).
disk_dev()
{
	local name i=0

	for name in $(karg harness.disks | tr , ' '); do
		case $name in
		"$1":*)
			echo "${name#*:}"
			return 0
			;;
		*:*)
			continue
			;;
		"$1")
			echo "/dev/vd$(echo abcdefghijklmnopqrstuvwxyz | cut -c$((i + 1)))"
			return 0
			;;
		esac
		i=$((i + 1))
	done
	fail "no disk named '$1' (disks: $(karg harness.disks))"
}

# expect_file PATH...: each file exists and can be read.
expect_file()
{
	local f

	for f; do
		cat "$f" >/dev/null 2>&1 || fail "cannot read $f"
	done
}

# expect_no_file PATH...: none of the paths exists.
expect_no_file()
{
	local f

	for f; do
		[ ! -e "$f" ] || fail "$f still exists"
	done
}

# load_torpor [PARAM=VALUE...]: load torpor.ko after the modules it needs.
# shellcheck disable=SC2120 # the scenarios pass the parameters
load_torpor()
{
	harness_load_modules "$HARNESS_DIR/torpor-deps"
	[ -f "$TORPOR_KO" ] || fail "no torpor.ko for $(uname -r) in the initramfs"
	# As modprobe would: the command line's torpor.NAME=VALUE words first.
	# shellcheck disable=SC2046 # one word per parameter
	insmod "$TORPOR_KO" $(tr ' ' '\n' </proc/cmdline | sed -n 's/^torpor\.//p') "$@" ||
		fail "insmod torpor.ko $* failed (exit $?)"
}

# A livepatch module can only go once its patch is disabled and the
# transition back to the original functions has finished.
unload_torpor()
{
	local i=0

	echo 0 > /sys/kernel/livepatch/torpor/enabled ||
		fail "disabling the torpor livepatch failed"
	while [ -d /sys/kernel/livepatch/torpor ]; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "torpor livepatch still present after 30 s"
		sleep 0.1
	done
	rmmod torpor || fail "rmmod torpor failed (exit $?)"
}

# block_devno DEV: the MAJ:MIN of block device DEV, as /sys/power/resume
# takes it.
block_devno()
{
	cat "/sys/block/${1#/dev/}/dev"
}

# last_torpor_line: torpor's latest kernel log line, to say why.
last_torpor_line()
{
	dmesg | grep 'torpor:' | tail -n 1
}

# resume_from_swap WHAT: load torpor and ask it to resume from the disk
# "swap"; returns only to fail, naming WHAT that was not resumed.
resume_from_swap()
{
	local dev

	dev=$(disk_dev swap)
	load_torpor
	block_devno "$dev" >/sys/power/resume ||
		fail "resume refused: $(last_torpor_line)"
	fail "no $1 resumed from $dev: $(last_torpor_line)"
}

# prepare_hibernation DEV MODE: DEV becomes active swap, torpor is loaded,
# /sys/power/resume points at DEV and /sys/power/disk selects MODE
# (shutdown, test_resume).
prepare_hibernation()
{
	run swapon "$1"
	load_torpor
	block_devno "$1" >/sys/power/resume ||
		fail "resume device $1 refused: $(last_torpor_line)"
	echo "$2" >/sys/power/disk
	grep -q "\[$2\]" /sys/power/disk || fail "/sys/power/disk: $(cat /sys/power/disk)"
}

# hibernate_now: "echo disk" to /sys/power/state.  After a power-off it
# never returns in this boot; it returns in the system the image restored.
hibernate_now()
{
	echo disk >/sys/power/state || fail "echo disk failed: $(last_torpor_line)"
}

# hibernate_small DEV: hibernate to DEV with the small workload running and
# power off; like hibernate_now, it returns only in the restored system.
hibernate_small()
{
	prepare_hibernation "$1" shutdown
	workload_start small
	hibernate_now
}

# expect_hibernate_refused ERRNO MESSAGE LOG: "echo disk" fails with the
# errno whose text is MESSAGE, torpor logs LOG, its status shows an error
# and last_error is ERRNO.  Reports errnoERRNO.
expect_hibernate_refused()
{
	local out status

	out=$( (echo disk >/sys/power/state) 2>&1) &&
		fail "echo disk succeeded, expected '$2'"
	case $out in
	*"$2"*) ;;
	*) fail "echo disk: '$out', expected '$2'" ;;
	esac
	dmesg | grep -q "torpor: $3" || fail "no 'torpor: $3' in the kernel log"
	status=$(cat /sys/power/torpor/status)
	case $status in
	error:*) ;;
	*) fail "status '$status' after a failed hibernation" ;;
	esac
	[ "$(cat /sys/power/torpor/last_error)" = "$1" ] ||
		fail "last_error $(cat /sys/power/torpor/last_error), expected $1"
	report "errno$1" "$out / $status"
}

# expect_swap_too_small DEV: with the workload running, "echo disk" fails
# with ENOSPC before anything is frozen, naming the shortfall of the resume
# area DEV; the workload runs on and DEV is still active, plain swap.
expect_swap_too_small()
{
	expect_hibernate_refused -28 "No space left on device" \
		"swap too small for the image: [0-9]* pages to save need at least [0-9]* slots even after reclaim, [0-9]* free in the resume area ([0-9]* short)"
	! dmesg | grep -q 'Freezing user space' ||
		fail "refused only after freezing user space"
	workload_check
	expect_swap_again "$1" active
	check_kernel_sane
}

# expect_resume_refused DEV: torpor, loaded now, refuses a resume from DEV
# requested the initramfs way (MAJ:MIN into /sys/power/resume), and its
# status shows an error.  A request that succeeds without resuming fails.
expect_resume_refused()
{
	local devno

	devno=$(block_devno "$1")
	load_torpor
	! echo "$devno" 2>/dev/null >/sys/power/resume ||
		fail "resume from $devno returned success without resuming: $(last_torpor_line)"
	case $(cat /sys/power/torpor/status) in
	error:*) ;;
	*) fail "status '$(cat /sys/power/torpor/status)' after the refusal" ;;
	esac
}

# expect_swap_signature DEV: page 0 of DEV, read from the disk itself
# (O_DIRECT: the page cache may hold it as swapon or torpor read it),
# ends in the swap signature.
expect_swap_signature()
{
	local sig

	sig=$(dd if="$1" bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = SWAPSPACE2 ] || fail "page 0 of $1 ends in '$sig', not SWAPSPACE2"
}

# expect_swap_again DEV active|inactive: DEV holds plain swap and swapon
# takes it; "active": it is in use as swap now, and swapoff must work
# first.  DEV is active swap afterwards.
expect_swap_again()
{
	expect_swap_signature "$1"
	[ "$2" != active ] || run swapoff "$1"
	run swapon "$1"
	grep -q "^$1 " /proc/swaps || fail "$1 not in /proc/swaps"
}

# expect_no_resume DEV: torpor, loaded now, finds no image on DEV when a
# resume is requested the initramfs way: the request succeeds, torpor
# stays idle, DEV is plain swap that swapon takes, the kernel log is
# clean.  DEV is active swap afterwards.
expect_no_resume()
{
	load_torpor
	block_devno "$1" >/sys/power/resume ||
		fail "resume request on $1 failed: $(last_torpor_line)"
	[ "$(cat /sys/power/torpor/status)" = idle ] ||
		fail "status '$(cat /sys/power/torpor/status)' with no image"
	expect_swap_again "$1" inactive
	check_kernel_sane
}

# expect_refused_saying DEV KEY REGEX: a resume from DEV is refused, with
# a torpor line matching REGEX (reported as KEY); DEV is plain swap again,
# swapon takes it, and the kernel log is clean.
expect_refused_saying()
{
	local line

	expect_resume_refused "$1"
	line=$(dmesg | grep -o -e "$3") ||
		fail "no refusal matching '$3': $(last_torpor_line)"
	report "$2" "$line"
	expect_swap_again "$1" inactive
	run swapoff "$1"
	check_kernel_sane
}

# check_kernel_sane: no kernel warning, BUG or oops in the kernel log (an
# expected torpor error is fine).
check_kernel_sane()
{
	dmesg | kernel_log_sane
}

# kernel_log_sane: the same of a kernel log on stdin.
kernel_log_sane()
{
	local bad

	bad=$(grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|memory corruption' |
	      head -n 1) || true
	[ -z "$bad" ] || fail "kernel log: $bad"
}

# check_fresh_memory: three quarters of free memory, taken as fresh
# anonymous pages, read as zeros (freshzero).  After a resume that shows
# whether free frames still hold what the boot kernel left there.
check_fresh_memory()
{
	local kb out

	kb=$(sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	out=$(freshzero $((kb * 3 / 4 / 1024))) ||
		fail "fresh anonymous memory is not zero: $out"
	report fresh_memory "$out"
}

# check_restore_verified: with torpor.verify=1 (Documentation/module.rst)
# the resumed kernel checked every frame it restored, right after the
# landing, and found each as the boot kernel loaded it: its report
# follows the last resume's line.
check_restore_verified()
{
	local last

	[ "$(karg torpor.verify)" = 1 ] || return 0
	last=$(dmesg | grep -e 'torpor: resumed:' -e 'torpor: verify: ' | grep -A 1 'torpor: resumed:' | tail -n 1)
	case $last in
	*'torpor: verify: all '*' restored frames hold what the boot kernel loaded'*) ;;
	*) fail "restore not verified: '${last#*] }'" ;;
	esac
	report verified "${last#*verify: }"
}

# check_dmesg_clean: no torpor error and no kernel warning, BUG or oops.
check_dmesg_clean()
{
	local bad

	bad=$(dmesg -r | grep -E '^<[0-3]>.*torpor:' | head -n 1) || true
	[ -z "$bad" ] || fail "kernel log: $bad"
	check_kernel_sane
}

# --- the harness itself ---

harness_insmod()
{
	local name=${1##*/}

	# No subshells: under TCG each fork costs tens of milliseconds, and
	# the resume request waits for these modules.
	name=${name%.ko}
	case $name in
	*-*) name=$(echo "$name" | tr - _) ;;
	esac
	[ -d "/sys/module/$name" ] && return 0
	# A failing optional module (a driver for a CPU feature the guest
	# lacks) is not fatal; whatever really needed it fails loudly later.
	insmod "$1" || log "could not load $1"
}

harness_load_modules()
{
	local path

	while read -r path; do
		[ -n "$path" ] && harness_insmod "$path"
	done <"$1"
}

harness_wait_disks()
{
	local name letter tries

	for name in $(karg harness.disks | tr , ' '); do
		name=${name%%:*}
		letter=$(disk_dev "$name")
		tries=50
		while [ ! -b "$letter" ] && [ $tries -gt 0 ]; do
			sleep 0.1
			tries=$((tries - 1))
		done
		[ -b "$letter" ] || log "disk $name ($letter) did not appear"
	done
}

harness_run_stage()
{
	local stage=$1 rc

	if ! type "stage_$stage" >/dev/null 2>&1; then
		harness_verdict FAIL "the scenario has no stage_$stage"
		return
	fi
	log "stage $stage on $(uname -r), $(nproc) CPUs"
	if karg harness.trace >/dev/null; then
		(set -ex; "stage_$stage")
	else
		(set -e; "stage_$stage")
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		harness_verdict PASS
	else
		harness_verdict FAIL "stage $stage: a command failed (exit $rc; TRACE=1 shows which)"
	fi
}

harness_main()
{
	harness_load_modules "$HARNESS_DIR/boot-modules"
	harness_load_modules "$HARNESS_DIR/guest-modules"
	harness_wait_disks
	# shellcheck source=tools/qemu/workload.sh
	. /lib/harness/workload.sh
	# shellcheck source=/dev/null # the run's scenario, checked on its own
	. /lib/harness/scenario.sh
	harness_run_stage "$(karg harness.stage)"
	sync
	poweroff -f
	while :; do
		sleep 60
	done
}
