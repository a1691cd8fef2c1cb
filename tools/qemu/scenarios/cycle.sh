# SPDX-License-Identifier: GPL-2.0
#
# cycle: the whole round trip.  Boot 1 starts the workload (tmpfs files
# with checksums, memhog with its counter and memory pattern, a pipe
# stream to a child) and hibernates; the host checks the image; the next
# boot loads torpor and asks for a resume the way an initramfs does
# (MAJ:MIN into /sys/power/resume).  The resumed system must be the one
# that hibernated: "echo disk" returns 0 in it, the files match, memhog
# runs on with the same PID from where its counter stood, the stream has
# no gap, fresh anonymous memory reads as zeros (no page the boot kernel
# left behind), the kernel log has no warning or corruption report, and
# the image is gone from the disk.  With ROUNDS=N (default 2)
# the resumed system hibernates again, N times in all.
#
# With two rounds or more, the last one hibernates with
# /sys/power/torpor/image_size set to IMAGE_SIZE (bytes, default 0: as
# small as reclaim gets it): its image must hold at least a quarter fewer
# pages than the first round's, the workload swapped out meanwhile must
# come back intact, and the resume be as complete as the others.
# IMAGE_SIZE=off leaves image_size alone.
#
# SMP, MEM and APPEND apply to every boot, e.g. APPEND="no5lvl pti=on"
# (SMP=4,cores=2,threads=2 APPEND="nosmt no_console_suspend": SMT
# siblings parked, and the boot kernel must take them down too);
# WORKLOAD=full runs the larger workload (tools/qemu/workload.sh);
# DISK_MODE=platform hibernates through the firmware's ACPI S4 (QEMU's
# PIIX4 offers it; QEMU then exits) instead of a plain power-off, and the
# resume runs the platform's pre-restore method; it needs
# no_console_suspend in APPEND, since the kernel logs its entry into S4
# with consoles suspended, and that line is how the host tells S4 from a
# crash;
# RESUME_VIA=param resumes with the module parameter (insmod torpor.ko
# resume=MAJ:MIN) instead of /sys/power/resume.  A resume by the other
# kernel is resume-crosskernel's.
#
# CUT=1 (resume-cut): every resume is preceded by a boot that is cut off
# (QEMU killed, see boot's cut_on) at a random moment of the image load:
# up to 0.1 s after a line picked at random among the one that records
# the attempt and the load's progress lines from 10% to 90% (see
# cycle_cut_point: tied to the load's progress, not to the clock, so a
# fast host cannot finish the resume before the cut).  The image must
# still be on the disk with one attempt recorded, the next boot must
# resume it as its second attempt, and the run prints where each cut
# landed and the tally.
#
# SOAK=1 (soak): ROUNDS cycles in a row, SMPS ("1 2 4") giving the boots
# their CPUs in turn; after each round's checks the guest reports, with
# the caches dropped, MemAvailable and the memory no counter accounts
# for; the host prints each cycle's time, and the run fails if that
# memory at its lowest in the last three cycles is more than
# SOAK_LEAK_KIB (default 4096) above its lowest in the first three (see
# soak_tally).  The tally ends the run.
#
# WRITE_CUT=1 (hibernate-cut): power cuts during the image write.  Each
# boot hibernates the workload and is cut off at a random moment of the
# write: up to 0.1 s after a line picked at random among torpor's
# snapshot line (the write starts right after it) and the ten progress
# lines of the write (10% to 100%: the last is followed by the flush and
# the signature page; a step takes about 0.1 s here, so the cuts spread
# over the whole write whatever the host's load; see cycle_cut_point).  The area must then hold either
# plain swap (the next boot asks for a resume, finds nothing, and swapon
# takes the area) or an image that "torpor verify" passes in full (the
# next boot resumes it and every check of a round holds) -- never a part
# of one.  Boots go on until ROUNDS cuts landed during the write (at most
# twice as many boots), and the run prints where each landed and the
# tally.
#
# PRESSURE=PCT (pressure): memhog holds PCT % of MemTotal beside the small
# workload's files.  SWAP=fit (default) gives a swap disk just big enough
# for everything in use: PCT % of MEM plus PRESSURE_SLACK_MIB (default
# 160: the kernel, the initramfs and the files); the round must resume
# intact.  SWAP=short gives half of PCT % of MEM: "echo disk" must fail
# with ENOSPC before anything is frozen, naming the shortfall, the
# workload runs on and the area is plain swap, in that boot and on the
# host.
#
# DISK_MODE=suspend (hybrid): "suspend" in /sys/power/disk, the image
# written and then the machine suspended to RAM.  Boot 1 arms the RTC's
# wake alarm (WAKE_S, default 30 s: after the write) and hibernates: the
# RTC must wake this same system, which finds "woke from RAM: image
# discarded" in its log, the workload intact and the area plain swap
# again.  Boot 2 hibernates the cycle's workload the same way with no
# alarm, and the power is cut 2 s after torpor says it suspends (QEMU
# killed: it must not have powered off): the image must be on the disk,
# and boot 3 must resume it with every check of a cycle round.
#
# The 6.12 SMT variant resumes at load (RESUME_VIA=param, as Debian's
# initramfs hook does): enabling the livepatch rewrites some 4,300 call
# sites on 6.12, and with 4 vCPUs on 2 host cores TCG's stale-int3 fault
# during that rewrite killed its resume boot twice in a row in one run.
#
# The hardened variants cover init_on_free, page_poison, nosmt (on a guest
# whose CPUs have SMT siblings: QEMU's default "max" CPU looks like AMD's
# and reports none), pti, 4-level paging and platform mode.  resume-cut:
# power cuts during the resume, 1 in check, CUTS in check-faults (two
# boots a cut and one more).
# check: kernels=61,612 order=30 budget=300
# check: kernels=61 order=40 args='ROUNDS=1 TAG=hardened-smt SMP=4,cores=2,threads=2 CPU=max,vendor=GenuineIntel APPEND="pti=on init_on_free=1 nosmt no_console_suspend"' budget=360
# check: kernels=61 order=40 args='ROUNDS=1 TAG=poison-platform DISK_MODE=platform APPEND="page_poison=1 no_console_suspend"' budget=180
# check: kernels=612 order=40 args='ROUNDS=1 TAG=iof-nosmt SMP=4,cores=2,threads=2 CPU=max,vendor=GenuineIntel APPEND="init_on_free=1 nosmt no_console_suspend" RESUME_VIA=param' budget=360
# check: kernels=612 order=40 args='ROUNDS=1 TAG=hardened-platform DISK_MODE=platform APPEND="no5lvl page_poison=1 no_console_suspend"' budget=180
# check: kernels=61 order=40 args='ROUNDS=1 TAG=smp1 SMP=1' budget=180
# check: kernels=612 order=40 args='ROUNDS=1 TAG=smp4 SMP=4' budget=240
# check: kernels=612 order=40 args='TAG=verify MEM=512 DIMM=512 APPEND="memhp_default_state=online torpor.verify=1"' budget=300
# check: kernels=61,612 order=50 name=resume-cut-{release} args='ROUNDS=1 CUT=1 IMAGE_SIZE=off TAG=cut' budget=240
# check: kernels=61 order=60 name=soak-{release} args='ROUNDS=3 SOAK=1 SMPS="1 2 4" IMAGE_SIZE=off TAG=soak' budget=240
# check: kernels=61,612 order=40 args='DISK_MODE=suspend TAG=hybrid' budget=300
# check: kernels=61,612 order=50 name=hibernate-cut-{release} args='ROUNDS=1 WRITE_CUT=1 TAG=wcut' budget=300
# check: kernels=61 order=30 name=pressure-70-{release} args='PRESSURE=70 TAG=p70' budget=300
# check: kernels=612 order=30 name=pressure-85-short-{release} args='PRESSURE=85 SWAP=short TAG=p85short' budget=120
# check-faults: kernels=61,612 order=50 name=hibernate-cut-{release} args='ROUNDS=$CUTS WRITE_CUT=1 TAG=wcut' budget=60+120*$CUTS
# check-faults: kernels=61,612 order=40 name=pressure-50-{release} args='PRESSURE=50 TAG=p50' budget=300
# check-faults: kernels=61,612 order=40 name=pressure-70-{release} args='PRESSURE=70 TAG=p70' budget=300
# check-faults: kernels=61,612 order=40 name=pressure-85-{release} args='PRESSURE=85 TAG=p85' budget=400
# check-faults: kernels=61,612 order=40 name=pressure-50-short-{release} args='PRESSURE=50 SWAP=short TAG=p50short' budget=120
# check-faults: kernels=61,612 order=40 name=pressure-70-short-{release} args='PRESSURE=70 SWAP=short TAG=p70short' budget=120
# check-faults: kernels=61,612 order=40 name=pressure-85-short-{release} args='PRESSURE=85 SWAP=short TAG=p85short' budget=120
# check-faults: kernels=61,612 order=60 name=soak-{release} args='ROUNDS=20 SOAK=1 SMPS="1 2 4" IMAGE_SIZE=off TAG=soak' budget=1200
# check-faults: kernels=61,612 order=50 name=resume-cut-{release} args='ROUNDS=$CUTS CUT=1 IMAGE_SIZE=off TAG=cut' budget=60+90*$CUTS

CYCLE_STREAM=/workload/stream.status

plan()
{
	local rounds=${ROUNDS:-2} size=${WORKLOAD:-default} swap round=1
	local via=${RESUME_VIA:-sysfs} limit=${IMAGE_SIZE:-0} limit_round=none
	local mode=${DISK_MODE:-shutdown} first pages cuts=0 during=0
	local t0 soak=${SOAK:-0} soak_rounds=""

	[[ -z ${WRITE_CUT:-} ]] || { cycle_write_cuts "${ROUNDS:-2}"; return; }
	[[ -z ${PRESSURE:-} ]] || { cycle_pressure "$PRESSURE" "${SWAP:-fit}"; return; }
	[[ $mode != suspend ]] || { cycle_hybrid; return; }
	[[ $via == sysfs || $via == param ]] ||
		scenario_fail "RESUME_VIA=$via: not sysfs or param"
	[[ $mode == shutdown || $mode == platform ]] ||
		scenario_fail "DISK_MODE=$mode: not shutdown or platform"
	[[ $mode == shutdown || " $APPEND " == *" no_console_suspend "* ]] ||
		scenario_fail "DISK_MODE=platform needs no_console_suspend in APPEND"
	[[ $limit == off || $rounds -lt 2 ]] || limit_round=$rounds
	workload_swap_disk "$size"
	swap=$(disk_path swap)
	boot cycle timeout=600 smp="$(cycle_smp 0)" append="$APPEND harness.rounds=$rounds harness.workload=$size harness.image_size=$limit harness.image_size_round=$limit_round harness.disk_mode=$mode harness.soak=$soak"
	expect_poweroff
	cycle_mode_check "$mode"
	echo "# $(result cpu)"
	expect_image_markers "$swap"
	cycle_progress_check writing
	first=$(cycle_image_pages)
	while :; do
		[[ -z ${CUT:-} ]] || cycle_cut "$via" "$swap"
		t0=$SECONDS
		boot resume timeout=600 smp="$(cycle_smp "$round")" \
			append="$APPEND harness.resume_via=$via"
		if [[ $round -lt $rounds ]]; then
			expect_poweroff
			cycle_mode_check "$mode"
		else
			expect_pass
		fi
		# Only the image's own stage reports this, once per resume.
		[[ $(result resumed) == "$round" ]] ||
			scenario_fail "boot $BOOT: resumed round '$(result resumed)', expected $round"
		cycle_report
		cycle_handover_check
		cycle_progress_check loading
		cycle_live_check
		[[ -z ${CUT:-} ]] || cycle_retry_check
		[[ $soak == 0 ]] || soak_round "$round" $((SECONDS - t0))
		[[ $round -lt $rounds ]] || break
		cycle_progress_check writing
		host_run "$TORPOR" verify "$swap"
		round=$((round + 1))
		pages=$(cycle_image_pages)
		echo "# round $round: image of $pages pages (round 1: $first)"
		[[ $round != "$limit_round" || $((pages * 4)) -le $((first * 3)) ]] ||
			scenario_fail "round $round with image_size=$limit: $pages pages, not a quarter fewer than round 1's $first"
	done
	expect_no_image "$swap"
	[[ -z ${CUT:-} ]] ||
		echo "# resume-cut tally: $cuts cuts ($during during the read, $((cuts - during)) after it, before the image kernel ran); $cuts resumed intact, 0 lost"
	[[ $soak == 0 ]] || soak_tally "$rounds"
}

# The cycle stage's arguments for one round of workload @1, memhog at @2
# % of RAM (0: the workload's own size), hibernating in mode @3 (default
# shutdown) with image_size left alone.
cycle_one_round()
{
	echo "$APPEND harness.rounds=1 harness.workload=$1 harness.image_size=0 harness.image_size_round=none harness.disk_mode=${3:-shutdown} harness.soak=0 harness.anon_pct=${2:-0}"
}

# The boot after a hibernation resumes round 1, every check of the round
# holds, and the image is gone.
cycle_resume_once()
{
	boot resume timeout=900 append="$APPEND harness.resume_via=sysfs"
	expect_pass
	[[ $(result resumed) == 1 ]] ||
		scenario_fail "boot $BOOT: resumed round '$(result resumed)', expected 1"
	cycle_report
	expect_no_image "$1"
}

# WRITE_CUT=1: boots cut off during the image write until @1 cuts landed
# in it, each followed by the boot that resumes the image or finds none.
cycle_write_cuts()
{
	local want=$1 swap boots=0 during=0 resumed=0 clean=0 point anchor delay
	local where pct out

	workload_swap_disk default
	swap=$(disk_path swap)
	while [[ $during -lt $want ]]; do
		[[ $boots -lt $((want * 2)) ]] ||
			scenario_fail "only $during of $boots cuts landed during the write"
		boots=$((boots + 1))
		point=$(cycle_cut_point 'torpor:.snapshot:.' writing 10)
		anchor=${point% *} delay=${point##* }
		boot cycle timeout=600 append="$(cycle_one_round default)" \
			cut_on="$anchor" cut_delay="$delay"
		if [[ $OUTCOME == poweroff ]]; then
			where="after the power-off"
		else
			expect_cut
			pct=$(sed -n 's/.*torpor: writing image: \([0-9]*%\).*/\1/p' "$LOG" | tail -n 1)
			if grep -q 'torpor: image written:' "$LOG"; then
				where="after the write"
			else
				where="during the write (last progress line: ${pct:-none})"
				during=$((during + 1))
			fi
		fi
		out=$("$TORPOR" inspect "$swap" 2>&1) || true
		if [[ $out == *"no torpor image (swap signature present)"* ]]; then
			echo "# boot $BOOT: power cut $delay s after '$anchor', $where: plain swap on the disk"
			boot clean
			expect_pass
			clean=$((clean + 1))
		else
			host_run "$TORPOR" verify "$swap"
			echo "# boot $BOOT: power cut $delay s after '$anchor', $where: a complete image on the disk"
			cycle_resume_once "$swap"
			resumed=$((resumed + 1))
		fi
	done
	echo "# hibernate-cut tally: $boots cuts ($during during the write, $((boots - during)) after it); $resumed resumed intact, $clean booted clean with swap usable, 0 corrupt"
}

# DISK_MODE=suspend: woken by the RTC, then cut off while suspended.
cycle_hybrid()
{
	local swap

	suspend_to_ram_cpu
	workload_swap_disk default
	swap=$(disk_path swap)
	# The console stays on across the sleep: a boot that dies on its way
	# back from RAM, before the console resumes, says why.
	boot hybrid_wake timeout=600 \
		append="$APPEND harness.wake_s=${WAKE_S:-30} no_console_suspend"
	expect_pass
	echo "# woken: $(result hybrid)"
	expect_no_image "$swap"
	boot cycle timeout=600 \
		append="$(cycle_one_round default 0 suspend)" \
		cut_on='torpor: image written, suspending to RAM' cut_delay=2
	expect_cut
	! grep -q 'torpor: woke from RAM' "$LOG" ||
		scenario_fail "boot $BOOT: woke from RAM with no alarm set"
	echo "# boot $BOOT: power cut while suspended to RAM"
	expect_image_markers "$swap"
	cycle_resume_once "$swap"
}

# PRESSURE=PCT: @1 % of RAM in memhog, swap @2 (fit or short).
cycle_pressure()
{
	local pct=$1 mib swap

	case $2 in
	fit) mib=$((MEM * pct / 100 + ${PRESSURE_SLACK_MIB:-160})) ;;
	short) mib=$((MEM * pct / 200)) ;;
	*) scenario_fail "SWAP=$2: not fit or short" ;;
	esac
	disk swap "$mib" swap
	swap=$(disk_path swap)
	echo "# host: memhog holds $pct % of RAM, $mib MiB of swap ($2)"
	if [[ $2 == short ]]; then
		boot pressure_short timeout=600 append="$(cycle_one_round small "$pct")"
		expect_pass
		echo "# workload: $(result workload); $(result workload_meminfo)"
		echo "# $(result errno-28)"
		expect_no_image "$swap"
		return
	fi
	boot cycle timeout=900 append="$(cycle_one_round small "$pct")"
	expect_poweroff
	echo "# workload: $(result workload); $(result workload_meminfo)"
	grep -E 'torpor: (snapshot|image written)' "$LOG" | sed 's/^\[ *[0-9.]*\] /# /'
	expect_image_markers "$swap"
	cycle_resume_once "$swap"
}

# The CPUs of boot @1 after the first (0 for the first): SMPS, a list
# taken in turn ("1 2 4"), or SMP.  The image kernel keeps the first
# boot's CPUs whatever the boot kernel has (see Documentation/testing.rst).
cycle_smp()
{
	echo "${SMPS:-$SMP}" | awk -v n="$1" '{ print $(n % NF + 1) }'
}

# SOAK=1: the boot that resumed round @1 took @2 s on the host's clock,
# hibernating the next round included.  The memory the round left
# unaccounted for (cycle_meminfo) goes with it to plan's soak_rounds for
# soak_tally.
soak_round()
{
	local unlisted

	unlisted=$(result mem_unlisted)
	soak_rounds="$soak_rounds$1 $2 $unlisted
"
	echo "# soak cycle $1: $2 s, boot on $(sed -n 's/^smp=//p' "$WORK/boot$BOOT.summary") CPUs, MemAvailable $(result mem_available) kB, unaccounted $unlisted kB"
}

# No leak per cycle: the memory left unaccounted for, at its lowest in
# the last three rounds, at most SOAK_LEAK_KIB (default 4096) above its
# lowest in the first three.  On 6.12 it swings by 10 MiB and more
# between rounds, most likely free pages parked on the per-CPU lists
# (they grow after a large free, as check_fresh_memory's): those only
# add to it, so the lowest of a few rounds is the figure to compare.
soak_tally()
{
	echo "$soak_rounds" | awk -v r="$1" -v tolerance="${SOAK_LEAK_KIB:-4096}" '
		function lowest(from, to,   i, m) {
			for (i = from; i <= to; i++)
				if (i == from || u[i] < m)
					m = u[i]
			return m
		}
		NF { n++; t[n] = $2; u[n] = $3; s += $2
		     if (n == 1 || $2 < min) min = $2; if ($2 > max) max = $2 }
		END {
			w = n < 3 ? n : 3
			first = lowest(1, w); last = lowest(n - w + 1, n)
			printf "# soak tally: %d cycles, %d resumed intact; %d/%d/%d s a cycle (min/avg/max); unaccounted memory at its lowest %d kB in cycles 1-%d, %d kB in cycles %d-%d (%+d kB)\n", r, r, min, s / n, max, first, w, last, n - w + 1, n, last - first
			if (last - first > tolerance) {
				printf "unaccounted memory grew by %d kB over %d cycles (tolerance %d kB): a leak per cycle\n", last - first, n, tolerance
				exit 1
			}
		}' >"$WORK/soak.tally" || true
	head -n 1 "$WORK/soak.tally"
	[ "$(wc -l <"$WORK/soak.tally")" -eq 1 ] ||
		scenario_fail "$(tail -n 1 "$WORK/soak.tally")"
}

# cycle_cut_point START PHASE LAST: where a power cut goes, as "REGEX
# DELAY": up to 0.1 s after a line picked at random among START (a
# regex without blanks: the phase's first line) and the PHASE (writing,
# loading) progress lines from 10% up to LAST*10%.  The regex takes any
# progress line from the picked one on, since a step overtaken by a later
# one is not logged.
cycle_cut_point()
{
	local step regex=$1 phase=$2 alt

	step=$((RANDOM % ($3 + 1)))
	if [[ $step -gt 0 ]]; then
		alt=$(seq -s '|' "${step}0" 10 100)
		regex="torpor:.$phase.image:.($alt)%"
	fi
	echo "$regex $(awk -v seed="$RANDOM" 'BEGIN { srand(seed); printf "%.2f", rand() * 0.1 }')"
}

# One boot cut off during the resume (CUT=1): counted in plan's cuts and
# during.  The image must survive it with one attempt recorded.
cycle_cut()
{
	local point anchor delay attempts where pct

	point=$(cycle_cut_point 'torpor:.resuming.image.of' loading 9)
	anchor=${point% *} delay=${point##* }
	boot resume timeout=600 append="$APPEND harness.resume_via=$1" \
		cut_on="$anchor" cut_delay="$delay"
	expect_cut
	attempts=$("$TORPOR" inspect --json "$2" 2>&1 |
		   sed -n 's/^ *"resume_attempts": \([0-9]*\),$/\1/p') || true
	[[ $attempts == 1 ]] ||
		scenario_fail "boot $BOOT: image lost or not counted after a power cut during the resume (resume_attempts '${attempts}')"
	! grep -q 'torpor: resumed:' "$LOG" ||
		scenario_fail "boot $BOOT: cut after the image kernel ran, not during the read: lower the delay"
	if grep -q 'torpor: image loaded in' "$LOG"; then
		where="after the load"
	else
		pct=$(sed -n 's/.*torpor: loading image: \([0-9]*%\).*/\1/p' "$LOG" | tail -n 1)
		where="during the read (last progress line: ${pct:-none})"
		during=$((during + 1))
	fi
	cuts=$((cuts + 1))
	echo "# boot $BOOT: power cut $delay s after '$anchor', $where; image kept, 1 attempt"
}

# The resume after a cut was the image's second attempt.
cycle_retry_check()
{
	grep -q 'torpor: resuming image of .*attempt 2 of 2' "$LOG" ||
		scenario_fail "boot $BOOT: the resume after the cut is not logged as attempt 2 of 2"
}

# What the resumed system saw, and how long the resume took on the host's
# clock: from QEMU's start to the first line the image printed.
cycle_report()
{
	local t

	t=$(sed -n 's/^\[ *\([0-9.]*\)\] harness: resumed.*/\1/p' "$LOG")
	echo "# boot $BOOT: resumed after ${t:-?} s; $(grep -o 'torpor: image loaded.*' "$LOG")"
	echo "# memhog $(result hog) stream $(result stream)"
	echo "# fresh memory: $(result fresh_memory)"
}

# The boot that just ended went off the way DISK_MODE says: platform
# through the firmware's S4 (QEMU's PIIX4 ACPI), and the image says so.
cycle_mode_check()
{
	local s4=no

	grep -q 'ACPI: PM: Preparing to enter system sleep state S4' "$LOG" && s4=yes
	if [[ $1 == platform ]]; then
		[[ $s4 == yes ]] || scenario_fail "boot $BOOT: platform mode, but S4 was not entered"
		"$TORPOR" inspect "$(disk_path swap)" | grep -q 'flags.*platform' ||
			scenario_fail "boot $BOOT: the image is not marked platform mode"
	else
		[[ $s4 == no ]] || scenario_fail "boot $BOOT: S4 entered in $1 mode"
	fi
}

# With no_console_suspend in APPEND the boot kernel's console runs up to
# the jump: every CPU but the boot one, SMT siblings parked by nosmt
# included, must have gone offline (into torpor's play_dead) after the
# image was loaded and before the image's own "Enabling non-boot CPUs".
cycle_handover_check()
{
	local cpus down

	[[ " $APPEND " == *" no_console_suspend "* ]] || return 0
	cpus=$(result cpus_present)
	down=$(sed -n '/torpor: image loaded in/,/Enabling non-boot CPUs/p' "$LOG" |
	       grep -c 'CPU [0-9]* is now offline') || true
	echo "# boot $BOOT: $down of $((cpus - 1)) non-boot CPUs offline for the hand-over"
	[[ $down -eq $((cpus - 1)) ]] ||
		scenario_fail "boot $BOOT: $down of $((cpus - 1)) non-boot CPUs went offline before the hand-over"
}

# The console showed @1 (writing or loading) at most every 10%, up to
# 100%, with a speed.
cycle_progress_check()
{
	local n

	n=$(grep -c "torpor: $1 image: [0-9]*%, [0-9]* MB/s" "$LOG") || true
	[[ $n -ge 1 && $n -le 10 ]] ||
		scenario_fail "boot $BOOT: $n '$1 image' progress lines, expected 1 to 10"
	grep -q "torpor: $1 image: 100%" "$LOG" ||
		scenario_fail "boot $BOOT: $1 progress never reached 100%"
}

# The initramfs saw the load move in /sys/power/torpor/progress.
cycle_live_check()
{
	grep -q 'harness: progress: loading [1-9][0-9]*/[0-9]* pages' "$LOG" ||
		scenario_fail "boot $BOOT: /sys/power/torpor/progress never showed the load under way"
}

# Pages in the image the last boot wrote, as torpor logged them.
cycle_image_pages()
{
	local n

	n=$(sed -n 's/.*torpor: image written: \([0-9]*\) pages.*/\1/p' "$LOG" | tail -n 1)
	[[ -n $n ]] || scenario_fail "boot $BOOT: no 'image written' line"
	echo "$n"
}

# A child reads consecutive numbers from a pipe; a number out of sequence
# ends it with GAP in its status.
cycle_stream_start()
{
	(
		i=0
		while :; do
			i=$((i + 1))
			echo "$i"
			[ $((i % 50)) -ne 0 ] || usleep 20000
		done
	) | awk -v status="$CYCLE_STREAM" '
		$1 != n + 1 { print "GAP", n, $1 > status; close(status); exit 1 }
		{ n = $1 }
		n % 100 == 0 { print n > status; close(status) }' &
}

# The stream's last count; the file is rewritten in place, so retry.
cycle_stream_count()
{
	local n tries=50

	while [ $tries -gt 0 ]; do
		n=$(cat "$CYCLE_STREAM" 2>/dev/null) || true
		case $n in
		GAP*) fail "pipe stream: $n" ;;
		[0-9]*) echo "$n"; return 0 ;;
		esac
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "pipe stream: no count in $CYCLE_STREAM"
}

# The stream flows on from @1 (the count before hibernating) without a gap.
cycle_stream_check()
{
	local before=$1 now tries=600

	now=$(cycle_stream_count)
	[ "$now" -ge "$before" ] || fail "pipe stream went back: $now < $before"
	while [ "$(cycle_stream_count)" -lt $((now + 500)) ] && [ $tries -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(cycle_stream_count)" -ge $((now + 500)) ] ||
		fail "pipe stream stalled at $(cycle_stream_count)"
	echo "$before -> $(cycle_stream_count)"
}

# One round: hibernate, and in the resumed system check everything.
cycle_round()
{
	local round=$1 dev=$2 cpus hog stream

	cpus=$(cat /sys/devices/system/cpu/online)
	hog=$(workload_hog_field 1)
	stream=$(cycle_stream_count)
	[ "$round" != "$(karg harness.image_size_round)" ] || cycle_image_size
	log "round $round: hibernating (memhog round $hog, stream at $stream)"
	hibernate_now
	log "resumed, round $round"
	report resumed "$round"
	[ "$(cat /sys/devices/system/cpu/online)" = "$cpus" ] ||
		fail "CPUs online after resume: $(cat /sys/devices/system/cpu/online), before: $cpus"
	[ "$(workload_hog_field 1)" -ge "$hog" ] ||
		fail "memhog counter went back: $(workload_hog_field 1) < $hog"
	workload_check
	report hog "PID $(cat "$WORKLOAD_DIR/hog.pid"): round $hog -> $(workload_hog_field 1)"
	report stream "$(cycle_stream_check "$stream")"
	expect_swap_again "$dev" active
	check_fresh_memory
	check_dmesg_clean
	check_restore_verified
	[ "$(karg harness.soak)" = 0 ] || cycle_meminfo
}

# For SOAK's leak check, with the page cache and slab caches dropped:
# MemAvailable, and the memory no counter accounts for: not free, not
# on an LRU list (anonymous, tmpfs, swap cache, page cache; ramfs is
# unevictable), not reclaimable slab, stacks or page tables.  What a
# leak per cycle adds to: how much of the workload sits in swap moves
# MemAvailable by 10 MiB and more between rounds, not this.
cycle_meminfo()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	report mem_available "$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)"
	report mem_unlisted "$(awk '
		$1 == "MemTotal:" { n += $2 }
		$1 ~ /^(MemFree|Active|Inactive|Unevictable|SReclaimable|KernelStack|PageTables):$/ { n -= $2 }
		END { print n }' /proc/meminfo)"
}

# image_size for this round; it stays set in the resumed system.
cycle_image_size()
{
	local size

	size=$(karg harness.image_size)
	echo "$size" >/sys/power/torpor/image_size ||
		fail "image_size $size refused"
	[ "$(cat /sys/power/torpor/image_size)" = "$size" ] ||
		fail "image_size reads $(cat /sys/power/torpor/image_size), not $size"
	report image_size "$size"
}

# memhog's share for PRESSURE: harness.anon_pct % of MemTotal, if set.
cycle_pressure_hog()
{
	local pct

	pct=$(karg harness.anon_pct) || return 0
	[ "$pct" != 0 ] || return 0
	# shellcheck disable=SC2034 # read by workload_start (workload.sh)
	WORKLOAD_ANON_MIB=$(awk -v pct="$pct" \
		'$1 == "MemTotal:" { print int($2 * pct / 100 / 1024) }' /proc/meminfo)
}

stage_cycle()
{
	local dev round=1

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" "$(karg harness.disk_mode)"
	report cpu "$(nproc) CPUs, la57: $(grep -c -w la57 /proc/cpuinfo)," \
		"meltdown: $(cat /sys/devices/system/cpu/vulnerabilities/meltdown)"
	cycle_pressure_hog
	workload_start "$(karg harness.workload)"
	cycle_stream_start
	while [ $round -le "$(karg harness.rounds)" ]; do
		cycle_round $round "$dev"
		round=$((round + 1))
	done
}

# SWAP=short: refused before anything is frozen, naming the shortfall;
# the workload runs on, the area is plain swap.
stage_pressure_short()
{
	local dev

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	cycle_pressure_hog
	workload_start small
	expect_swap_too_small "$dev"
}

# DISK_MODE=suspend, woken: the RTC alarm ends the suspend to RAM, and
# "echo disk" returns in this same system, its image discarded.
stage_hybrid_wake()
{
	local dev alarm=/sys/class/rtc/rtc0/wakealarm

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" suspend
	workload_start small
	[ -e $alarm ] || fail "no RTC wake alarm ($alarm)"
	echo 0 >$alarm
	echo "+$(karg harness.wake_s)" >$alarm
	log "hibernating in suspend mode, woken by the RTC in $(karg harness.wake_s) s"
	hibernate_now
	dmesg | grep -q 'torpor: image written, suspending to RAM' ||
		fail "echo disk returned without suspending: $(last_torpor_line)"
	dmesg | grep -q 'torpor: woke from RAM: image discarded' ||
		fail "no 'woke from RAM: image discarded': $(last_torpor_line)"
	report hybrid "$(dmesg | grep -o 'torpor: woke from RAM.*')"
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}

# WRITE_CUT: the boot after a cut that left no image.
stage_clean()
{
	expect_no_resume "$(disk_dev swap)"
}

# Log /sys/power/torpor/progress as it changes, until the boot kernel is
# replaced by the image (insmod creates the file).  A small image loads in
# a few hundred ms with both CPUs busy: poll often, and without a fork.
cycle_watch_progress()
{
	local last="" now

	while :; do
		now=""
		read -r now 2>/dev/null </sys/power/torpor/progress || true
		[ "$now" = "$last" ] || log "progress: $now"
		last=$now
		usleep 20000
	done
}

# The initramfs way: the resume device's MAJ:MIN into /sys/power/resume,
# or as torpor's resume parameter.  On success neither returns: the
# image's stage goes on instead.
stage_resume()
{
	local dev majmin

	dev=$(disk_dev swap)
	majmin=$(block_devno "$dev")
	report cpus_present "$(set -- /sys/devices/system/cpu/cpu[0-9]*; echo $#)"
	cycle_watch_progress &
	if [ "$(karg harness.resume_via)" = param ]; then
		load_torpor resume="$majmin"
	else
		load_torpor
		echo "$majmin" >/sys/power/resume ||
			fail "resume refused: $(last_torpor_line)"
	fi
	fail "no image resumed from $dev: $(last_torpor_line)"
}
