# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host side of the QEMU harness, sourced by run-scenario.
#
# A scenario's plan() runs in a subshell under "set -e" with these helpers:
#
#	disk NAME MIB [swap]      create a disk (mkswap'd with "swap"); disks
#	                          are attached in this order to every later boot
#	                          and keep their contents for the whole run
#	disk_path NAME            the disk's image file on the host
#	boot STAGE [kernel=R] [smp=N] [mem=MIB] [append=ARGS] [timeout=S]
#	     [cut_on=REGEX [cut_delay=S]] [blkdebug=NAME:CONFIG]
#	     [drive_opts=OPTS] [ram=prealloc|lazy]
#	                          boot the guest once, running stage_STAGE;
#	                          with cut_on, QEMU is killed (SIGKILL: a power
#	                          cut) S seconds (default 0, fractions allowed)
#	                          after a console line matches REGEX (grep -E),
#	                          and the boot's OUTCOME is "cut"; with
#	                          blkdebug, disk NAME goes through QEMU's
#	                          blkdebug driver with that rule file (errors
#	                          injected for this boot only); drive_opts
#	                          are more -drive options for every disk
#	                          (e.g. throttling.bps-read=N); ram=prealloc
#	                          has QEMU back all of the guest's RAM before
#	                          it starts, lazy (the default) at first touch
#	expect_cut                the last boot was cut (CUT_LINE: the last
#	                          console line before the cut)
#	expect_pass               the last boot's stage passed (SKIP skips)
#	expect_poweroff           the last boot powered off without a verdict
#	result KEY                a KEY=VALUE the last boot reported
#	host_run CMD...           run a host command, fail with its output
#	scenario_fail REASON      fail the run
#	scenario_skip REASON      skip the run
#	other_kernel              the release that is not $KERNEL
#	expect_no_image DISK [OPT...]
#	                          "torpor inspect OPT... DISK" finds plain swap
#	workload_swap_disk SIZE   the swap disk for an image of workload SIZE
#	                          (default or full)
#	expect_image_markers DISK [OPT...]
#	                          the image on DISK passes "torpor verify" and
#	                          holds every marker page of the workload the
#	                          last boot reported (OPT: --offset N for an
#	                          image in a swap file)
#
# and these variables: KERNEL (release under test), KVER_61, KVER_612,
# TORPOR (host torpor tool), WORK (this run's directory), BOOT (number of
# the last boot), OUTCOME (pass, fail, skip, poweroff, panic, stalled,
# error, cut), REASON, BOOT_SECONDS, INIT_SECONDS (when /init started).
# Defaults a run can override with VAR=value: SMP=2 (QEMU's -smp, e.g.
# 4,cores=2,threads=2) CPU=max (QEMU's -cpu) MEM=1024 TIMEOUT=150
# APPEND= TRACE= MODULE_DIR=build (torpor.ko from MODULE_DIR/<release>/)
# TAG= (names a variant of a run: its directory gets "-TAG", its KTAP line
# the tag) DIMM= (MiB of RAM on a DIMM plugged in at start, which is not in
# the firmware's RAM map: the guest's ACPI brings it online as hotplugged
# System RAM, with memhp_default_state=online).

ROOT=$(cd "$HARNESS/../.." && pwd)
BUILD=$ROOT/build
# shellcheck source=tools/versions.sh
. "$ROOT/tools/versions.sh"
KERNELS=$BUILD/kernels
SCENARIOS=$HARNESS/scenarios
TAIL_LINES=40

SMP=2
CPU=max
MEM=1024
TIMEOUT=150
APPEND=
TRACE=
TAG=
DIMM=
MODULE_DIR=$BUILD
TORPOR=$BUILD/torpor

# shellcheck source=tools/qemu/initramfs.sh
. "$HARNESS/initramfs.sh"
# shellcheck source=tools/qemu/workload.sh
. "$HARNESS/workload.sh"

# suspend_to_ram_cpu: for a run whose guest suspends to RAM, QEMU's CPU
# without CMPXCHG16B.  Back from S3, while the second CPU comes up, QEMU
# 7.2's TCG at times leaves garbage flags (TF, DF, reserved bits) in RFLAGS
# right after the CMPXCHG16B of SLUB's per-CPU fast path, and the kernel
# dies of a single-step trap or a double fault.  It happens on 6.12 with
# torpor not even loaded; without CX16 the kernel does without the
# instruction (Documentation/testing.rst, "Suspend to RAM under TCG").
# KEEP_CX16=1 leaves the CPU as it is, to see the fault.
suspend_to_ram_cpu()
{
	[[ ${KEEP_CX16:-0} == 1 ]] || CPU+=,-cx16
}

harness_die()
{
	echo "run-scenario: $*" >&2
	[[ -d ${WORK:-} ]] && echo "$*" >"$WORK/.reason"
	exit 1
}

scenario_fail()
{
	echo "$*" >"$WORK/.reason"
	exit 1
}

scenario_skip()
{
	echo "$*" >"$WORK/.reason"
	exit 4
}

disk()
{
	local name=$1 mib=$2 kind=${3:-raw} img=$WORK/$1.img

	[[ $name =~ ^[a-z0-9_]+$ ]] || scenario_fail "bad disk name '$name'"
	rm -f "$img"
	truncate -s "${mib}M" "$img"
	case $kind in
	swap) mkswap "$img" >"$WORK/mkswap-$name.log" 2>&1 ||
		scenario_fail "mkswap $img: $(tail -n 1 "$WORK/mkswap-$name.log")" ;;
	raw) ;;
	*) scenario_fail "disk $name: unknown kind '$kind'" ;;
	esac
	DISKS+=("$name")
}

disk_path()
{
	echo "$WORK/$1.img"
}

other_kernel()
{
	if [[ $KERNEL == "$KVER_61" ]]; then
		echo "$KVER_612"
	else
		echo "$KVER_61"
	fi
}

result()
{
	sed -n "s/^$1=//p" "$WORK/boot$BOOT.verdict" | tail -n 1
}

host_run()
{
	local out=$WORK/host.log rc=0

	echo "# host: $*"
	echo "+ $*" >>"$out"
	"$@" >>"$out" 2>&1 || rc=$?
	if [[ $rc -ne 0 ]]; then
		tail -n "$TAIL_LINES" "$out" | sed 's/^/# /'
		scenario_fail "host: '$*' failed (exit $rc)"
	fi
}

expect_no_image()
{
	local out

	out=$("$TORPOR" inspect "${@:2}" "$1" 2>&1) &&
		scenario_fail "torpor inspect finds an image on $1: $out"
	[[ $out == *"no torpor image (swap signature present)"* ]] ||
		scenario_fail "torpor inspect $1: $out"
	echo "# host: $out"
}

workload_swap_disk()
{
	case $1 in
	default) disk swap 512 swap ;;
	full) disk swap 1536 swap ;;
	*) scenario_fail "WORKLOAD=$1: not default or full" ;;
	esac
}

expect_image_markers()
{
	local marker pages

	marker=$(result marker)
	host_run "$TORPOR" verify "${@:2}" "$1"
	host_run "$TORPOR" extract "${@:2}" "$1" -o "$WORK/memory.img"
	pages=$(workload_marker_pages "$WORK/memory.img" "$marker")
	# The extracted memory is as large as the guest's: do not keep it.
	rm -f "$WORK/memory.img"
	[[ $pages == "$WORKLOAD_MARKER_PAGES" ]] ||
		scenario_fail "image holds $pages of the $WORKLOAD_MARKER_PAGES marker pages"
	echo "# image holds all $pages marker pages of $marker"
}

initrd_for()
{
	local rel=$1 out=$WORK/initrd-$1.cpio

	[[ -f $out ]] || initramfs_build "$rel" "$out" >&2
	echo "$out"
}

boot()
{
	local stage=$1 kernel=$KERNEL smp=$SMP mem=$MEM append=$APPEND
	local timeout=$TIMEOUT opt drives=() name initrd vmlinuz names
	local cut_on='' cut_delay=0 blkdebug='' drive_opts='' reboot='' file
	local ram=()

	shift
	for opt; do
		case $opt in
		kernel=*) kernel=${opt#*=} ;;
		smp=*) smp=${opt#*=} ;;
		mem=*) mem=${opt#*=} ;;
		append=*) append=${opt#*=} ;;
		timeout=*) timeout=${opt#*=} ;;
		cut_on=*) cut_on=${opt#*=} ;;
		cut_delay=*) cut_delay=${opt#*=} ;;
		blkdebug=*) blkdebug=${opt#*=} ;;
		drive_opts=*) drive_opts=${opt#*=} ;;
		reboot=yes) reboot=yes ;;
		ram=prealloc) ram=(-mem-prealloc) ;;
		ram=lazy) ram=() ;;
		*) scenario_fail "boot: unknown option '$opt'" ;;
		esac
	done
	vmlinuz=$KERNELS/$kernel/boot/vmlinuz-$kernel
	[[ -f $vmlinuz ]] || scenario_fail "no $vmlinuz (run make deps)"
	initrd=$(initrd_for "$kernel")
	for name in "${DISKS[@]}"; do
		file=$(disk_path "$name")
		[[ ${blkdebug%%:*} != "$name" ]] || file=blkdebug:${blkdebug#*:}:$file
		drives+=(-drive "file=$file,format=raw,if=virtio${drive_opts:+,$drive_opts}")
	done
	names=$(IFS=,; echo "${DISKS[*]}")
	CUT_ON=$cut_on CUT_DELAY=$cut_delay REBOOT=$reboot \
	qemu_run boot_classify "$stage" "$kernel" "$smp" "$mem" "$timeout" \
		"console=ttyS0 panic=-1 harness.stage=$stage harness.disks=$names" "$append" \
		-kernel "$vmlinuz" -initrd "$initrd" "${drives[@]}" "${ram[@]}"
}

# qemu_run CLASSIFY STAGE KERNEL SMP MEM TIMEOUT CMDLINE APPEND QEMU-ARG...
#
# Boot N+1 of both harnesses: QEMU with SMP CPUs and MEM MiB, the kernel
# command line CMDLINE (plus harness.trace=1 with TRACE set) then APPEND,
# the console to bootN.log and the second serial port to bootN.verdict;
# CUT_ON and CUT_DELAY in the environment: see boot's cut_on; REBOOT=yes
# lets a guest's reboot restart it in the same QEMU (see boot's reboot);
# QEMU-ARG... names the kernel, the initramfs and the drives (a machine
# whose firmware boots from a disk has no kernel: CMDLINE empty, no
# -append); CONSOLE_FEED names a function that types on the console
# ("FUNCTION FIFO TIMEOUT": what it writes to FIFO is the console's
# input, see tools/system/lib.sh, laptop_passphrase).  Killed
# after TIMEOUT s.  "CLASSIFY RC TIMEOUT" sets OUTCOME and REASON from
# QEMU's exit status and the logs; the boot is started once more after an
# early death (boot_early_failure).  Writes bootN.summary.
qemu_run()
{
	local classify=$1 stage=$2 kernel=$3 smp=$4 mem=$5 timeout=$6
	local cmdline="$7${TRACE:+ harness.trace=1}${8:+ $8}" start rc attempt cutter
	local feeder input=/dev/null kernel_args=() no_reboot=(-no-reboot)
	local memory=$mem dimm=()

	[[ -z $7 ]] || kernel_args=(-append "$cmdline")
	if [[ -n $DIMM ]]; then
		memory="$mem,slots=1,maxmem=$((mem + DIMM))M"
		dimm=(-object "memory-backend-ram,id=dimm,size=${DIMM}M"
		      -device "pc-dimm,memdev=dimm")
	fi
	[[ ${REBOOT:-} != yes ]] || no_reboot=()
	shift 8
	BOOT=$((BOOT + 1))
	LOG=$WORK/boot$BOOT.log
	echo "# boot $BOOT: stage $stage on $kernel, $smp CPUs$([[ $CPU == max ]] || echo " (-cpu $CPU)"), $mem MiB${DIMM:+ + $DIMM MiB DIMM}"
	for attempt in 1 2; do
		rc=0
		start=$(date +%s.%N)
		rm -f "$WORK/qemu.pid" "$WORK/boot$BOOT.cut"
		cutter=
		if [[ -n ${CUT_ON:-} ]]; then
			qemu_cut "$CUT_ON" "${CUT_DELAY:-0}" "$timeout" &
			cutter=$!
		fi
		feeder=
		if [[ -n ${CONSOLE_FEED:-} ]]; then
			input=$WORK/console.in
			rm -f "$input"
			mkfifo "$input"
			"$CONSOLE_FEED" "$input" "$timeout" &
			feeder=$!
		fi
		timeout -k 5 "$timeout" qemu-system-x86_64 -nodefaults -nographic \
			-accel tcg -cpu "$CPU" -m "$memory" -smp "$smp" "${no_reboot[@]}" \
			"${kernel_args[@]}" "${dimm[@]}" "$@" -pidfile "$WORK/qemu.pid" \
			-d cpu_reset -D "$WORK/boot$BOOT.resets" \
			-serial stdio -serial "file:$WORK/boot$BOOT.verdict" \
			0<>"$input" 2>&1 | "$HARNESS/timestamp" >"$LOG" || rc=${PIPESTATUS[0]}
		[[ -z $cutter ]] || wait "$cutter" || true
		# The console has no one left to answer.
		[[ -z $feeder ]] || { kill "$feeder" 2>/dev/null; wait "$feeder" || true; }
		# The guest's tty turns "\n" into "\r\n".
		sed -i 's/\r$//' "$WORK/boot$BOOT.verdict"
		BOOT_SECONDS=$(echo "$(date +%s.%N) $start" | awk '{ printf "%.1f", $1 - $2 }')
		"$classify" "$rc" "$timeout"
		boot_early_failure || break
	done
	boot_summary "$stage" "$kernel" "$smp" "$mem" >"$WORK/boot$BOOT.summary"
	echo "# boot $BOOT: $OUTCOME${REASON:+ ($REASON)} after $BOOT_SECONDS s"
}

# qemu_cut REGEX DELAY TIMEOUT: the power cut of boot's cut_on.  Polls
# the host-timestamped console, so the cut comes at most ~50 ms after the
# line plus DELAY; the last line QEMU printed goes to bootN.cut.
qemu_cut()
{
	local regex=$1 delay=$2 polls=$(($3 * 20)) pid

	until [[ -s $WORK/qemu.pid ]] && grep -qE -- "$regex" "$LOG" 2>/dev/null; do
		polls=$((polls - 1))
		[[ $polls -gt 0 ]] || return 0
		pid=$(cat "$WORK/qemu.pid" 2>/dev/null) || true
		[[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	sleep "$delay"
	pid=$(cat "$WORK/qemu.pid" 2>/dev/null) || return 0
	kill -KILL "$pid" 2>/dev/null || return 0
	sleep 0.2
	tail -n 1 "$LOG" >"$WORK/boot$BOOT.cut"
}

# A kernel that dies before /init never ran torpor or a stage and read
# no disk: that is the emulator (TCG now and then trips over the kernel's
# own code patching), not the test.  Such a boot is said out loud, its log
# kept, and started once more (qemu_run's attempt); a second early death
# fails the run.
boot_early_failure()
{
	[[ -z $INIT_SECONDS && $OUTCOME =~ ^(panic|stalled|error)$ ]] || return 1
	[[ $attempt -eq 1 ]] || return 1
	mv "$LOG" "$WORK/boot$BOOT.early-failure.log"
	echo "# boot $BOOT: the kernel died before /init ($OUTCOME${REASON:+: $REASON});" \
	     "not a torpor failure, log kept in boot$BOOT.early-failure.log; booting again once"
}

# guest_triple_faulted: the boot ended in a triple fault, which
# -no-reboot turns into a quiet exit of QEMU with status 0, as a
# power-off or ACPI S4 would; QEMU's reset log tells them apart.  Not one
# the machine reset after (reboot=yes), nor one on the way of the
# kernel's own restart, whose last method is a triple fault.
guest_triple_faulted()
{
	[[ $(grep -E '^(Triple fault|CPU Reset)' "$WORK/boot$BOOT.resets" 2>/dev/null |
	     tail -n 1) == 'Triple fault' ]] &&
		! grep -q 'reboot: Restarting system' "$LOG"
}

boot_classify()
{
	local rc=$1 timeout=$2 verdict

	verdict=$(sed -n 's/^TORPOR-VERDICT //p' "$WORK/boot$BOOT.verdict" | tail -n 1)
	# The first: a boot with reboot=yes starts /init once more.
	INIT_SECONDS=$(sed -n 's/^\[ *\([0-9.]*\)\] .*Run \/init as init process.*/\1/p' "$LOG" | head -n 1)
	REASON=
	if [[ -f $WORK/boot$BOOT.cut ]]; then
		OUTCOME='cut'
		CUT_LINE=$(cat "$WORK/boot$BOOT.cut")
		REASON="cut after: $CUT_LINE"
	elif grep -q 'Kernel panic' "$LOG"; then
		OUTCOME=panic
		REASON=$(grep -o -m 1 'Kernel panic.*' "$LOG")
	elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
		OUTCOME=stalled
		if [[ -n $verdict ]]; then
			REASON="verdict $verdict but no power-off after $timeout s"
		else
			REASON="no verdict after $timeout s"
		fi
	elif guest_triple_faulted; then
		OUTCOME=error
		REASON="the guest triple-faulted (QEMU's reset log: boot$BOOT.resets)"
	elif [[ $rc -ne 0 ]]; then
		OUTCOME=error
		REASON="qemu exited with status $rc"
	elif [[ -n $verdict ]]; then
		OUTCOME=$(echo "${verdict%% *}" | tr '[:upper:]' '[:lower:]')
		if [[ $verdict == *" "* ]]; then
			REASON=${verdict#* }
		fi
	elif grep -q -e 'reboot: Power down' \
		-e 'ACPI: PM: Preparing to enter system sleep state S4' "$LOG"; then
		# Off, or in ACPI S4 (hibernation in platform mode): QEMU exits.
		OUTCOME=poweroff
	else
		OUTCOME=error
		REASON="QEMU exited without a verdict or a power-off"
	fi
}

boot_summary()
{
	echo "stage=$1"
	echo "kernel=$2"
	echo "smp=$3"
	echo "mem=$4"
	echo "outcome=$OUTCOME"
	echo "reason=$REASON"
	echo "seconds=$BOOT_SECONDS"
	echo "init_seconds=$INIT_SECONDS"
}

# Show what the guest printed last and end the run.
boot_failed()
{
	local what=$1

	echo "# --- last $TAIL_LINES console lines of boot $BOOT ($LOG) ---"
	tail -n "$TAIL_LINES" "$LOG" | sed 's/^/# /'
	echo "# ---"
	if [[ $OUTCOME == stalled ]]; then
		echo "# STALLED: $REASON"
	else
		echo "# FAIL: $what"
	fi
	scenario_fail "boot $BOOT: $what"
}

expect_pass()
{
	case $OUTCOME in
	pass) ;;
	skip) scenario_skip "$REASON" ;;
	fail) boot_failed "$REASON" ;;
	poweroff) boot_failed "guest powered off without a verdict" ;;
	*) boot_failed "$OUTCOME${REASON:+: $REASON}" ;;
	esac
}

expect_cut()
{
	[[ $OUTCOME == cut ]] ||
		boot_failed "expected a power cut, got $OUTCOME${REASON:+: $REASON}"
}

expect_poweroff()
{
	case $OUTCOME in
	poweroff) ;;
	pass) boot_failed "expected a power-off, the stage returned and passed" ;;
	*) boot_failed "expected a power-off, got $OUTCOME${REASON:+: $REASON}" ;;
	esac
}

# harness_vars VAR=value...: a run's settings, as globals (the setup that
# takes them is a function).
harness_vars()
{
	local arg

	for arg; do
		[[ $arg =~ ^[A-Z_][A-Z0-9_]*= ]] || harness_die "not VAR=value: '$arg'"
		declare -g "$arg"
	done
}

harness_setup()
{
	harness_vars "$@"
	read_versions || harness_die "no build/versions.mk (run make deps)"
	[[ -f $KERNELS/$KERNEL/.extracted ]] ||
		harness_die "no extracted kernel $KERNEL in $KERNELS (run make deps)"
	if [[ $SCENARIO == */* ]]; then
		SCENARIO_FILE=$(readlink -f "$SCENARIO")
		SCENARIO=$(basename "$SCENARIO" .sh)
	else
		SCENARIO_FILE=$SCENARIOS/$SCENARIO.sh
	fi
	[[ -f $SCENARIO_FILE ]] || harness_die "no scenario $SCENARIO_FILE"
	WORK=$BUILD/qemu/$SCENARIO/$KERNEL${TAG:+-$TAG}
	rm -rf "$WORK"
	mkdir -p "$WORK"
	DISKS=()
	BOOT=0
}

# harness_run SCENARIO RELEASE [VAR=value...]: run one scenario, print one
# KTAP result line, return 0 (pass), 1 (fail) or 4 (skip).
harness_run()
{
	local rc=0 reason name

	[[ $# -ge 2 ]] || harness_die "usage: run-scenario SCENARIO RELEASE [VAR=value...]"
	SCENARIO=$1
	KERNEL=$2
	shift 2
	harness_setup "$@"
	echo "# scenario $SCENARIO on $KERNEL ($WORK)"
	set +e
	(
		set -e
		# shellcheck disable=SC1090 # the scenario is chosen at run time
		. "$SCENARIO_FILE"
		plan
	)
	rc=$?
	set -e
	reason=$(cat "$WORK/.reason" 2>/dev/null || true)
	name="$SCENARIO $KERNEL${TAG:+ $TAG}"
	case $rc in
	0) echo "ok 1 $name" ;;
	4) echo "ok 1 $name # SKIP $reason" ;;
	*) echo "not ok 1 $name # ${reason:-plan failed (exit $rc)}"
	   rc=1 ;;
	esac
	[[ $rc -eq 1 || -z ${TIDY:-} ]] || harness_tidy
	return $rc
}

# harness_tidy: drop the disks and initramfs archives of a run that
# passed or was skipped, keeping its logs.  make check sets TIDY=1: kept,
# its runs' disks alone would take some 15 GB, more than a CI machine
# may have free.  A failed run keeps everything, for a look.
harness_tidy()
{
	find "$WORK" -type f \( -name '*.img' -o -name '*.qcow2' -o -name '*.cpio' \
		-o -name '*.raw' \) -delete
}
