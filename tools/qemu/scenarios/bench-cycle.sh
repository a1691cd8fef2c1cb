# SPDX-License-Identifier: GPL-2.0
#
# bench-cycle: the benchmark's rounds on one kernel, one workload and one
# CPU count (tools/bench/bench runs it for every combination).  Each round
# hibernates and resumes the same workload once with each method, in turn:
#
#	torpor       torpor loaded, its image on the swap disk
#	swsusp       torpor not loaded: the kernel's own hibernation, with
#	             resume= semantics (MAJ:MIN into /sys/power/resume)
#	swsusp-lz4   the same with hibernate.compressor=lz4 on both boots
#	             (6.12 only, 6.1 has no choice of compressor; BENCH_LZ4=0
#	             leaves it out)
#
# Every hibernation starts on a new swap disk (zeros and a swap header),
# so the 4 KiB blocks that are not zero after the power-off are what the
# hibernation wrote.  Times are the host's clock (console prefixes).
# Results go to $WORK/bench.tsv, one line of KEY=VALUE per hibernation.
#
# ROUNDS (default 3), BENCH_WORKLOAD=w1|w2|w3 (default w1), SMP, APPEND,
# BENCH_DISK=fast|laptop (default fast: the disks as fast as the host's
# page cache), BENCH_FLUSH=none|host (default none: see plan()),
# BENCH_SWAP=written|sparse (default written: see bench_fresh_swap()),
# BENCH_RAM=prealloc|lazy (default prealloc: see plan()),
# BENCH_METHODS (some of the methods above, to compare two
# builds of torpor alone, say; default all of them), BENCH_CPU (QEMU's
# -cpu, default BENCH_CPU_DEFAULT).

BENCH_DATA_DIR=/data
BENCH_DATA_FILE=$BENCH_DATA_DIR/cache
# The laptop profile's SSD, in MB/s (10^6 bytes): an NVMe drive of a
# current laptop, in sequential reads and writes.
BENCH_LAPTOP_READ_MBPS=2000
BENCH_LAPTOP_WRITE_MBPS=1000
# QEMU's max CPU without the fast string instructions (ERMS, FSRM, FSRS),
# with which the kernel clears pages and memory with rep stosb and copies
# with rep movsb.
# A real CPU runs those fastest; TCG runs them a byte a step, several times
# slower than the loops the kernel uses without them, which would make
# clearing and copying memory weigh far more against the rest than on any
# real machine (performance.rst, "The guest's CPU").
BENCH_CPU_DEFAULT=max,-erms,-fsrm,-fsrs

plan()
{
	local rounds=${ROUNDS:-3} workload=${BENCH_WORKLOAD:-w1} swap_mib=512
	local methods="torpor swsusp" round method args data_mib=0 anon_mib=4 mem=$MEM

	# W3's swap holds what each method pushes out before its snapshot
	# (torpor above about half of RAM in use, swsusp down to 2/5 of RAM)
	# and then its image: about all of the memory in use, plus a margin.
	case $workload in
	w1) ;;
	w2) swap_mib=1024 data_mib=400 ;;
	w3) mem=4096 swap_mib=5120 data_mib=512 anon_mib=2800 ;;
	*) scenario_fail "BENCH_WORKLOAD=$workload: not w1, w2 or w3" ;;
	esac
	args="harness.bench_random=64 harness.bench_text=4000000 harness.bench_anon=$anon_mib"
	[[ $KERNEL == "$KVER_61" || ${BENCH_LZ4:-1} == 0 ]] || methods="$methods swsusp-lz4"
	methods=${BENCH_METHODS:-$methods}
	BENCH_SWAP_MIB=$swap_mib
	BENCH_MEM=$mem
	disk swap "$swap_mib" swap
	if [[ $data_mib -gt 0 ]]; then
		bench_data_disk "$data_mib"
		args="$args harness.bench_data=1"
	fi
	bench_initrd
	CPU=${BENCH_CPU:-$BENCH_CPU_DEFAULT}
	# A guest's flush ends where its writes do, in the host's page cache
	# (QEMU's cache=unsafe); passed on, it would wait for the host's own
	# disk, which neither profile models, and charge only a method that
	# flushes: torpor flushes once before its signature page, swsusp never
	# (performance.rst, "Flushes").
	case ${BENCH_FLUSH:-none} in
	none) BENCH_DRIVE_OPTS=cache=unsafe ;;
	host) BENCH_DRIVE_OPTS= ;;
	*) scenario_fail "BENCH_FLUSH=$BENCH_FLUSH: not none or host" ;;
	esac
	BENCH_SWAP=${BENCH_SWAP:-written}
	case $BENCH_SWAP in
	written | sparse) ;;
	*) scenario_fail "BENCH_SWAP=$BENCH_SWAP: not written or sparse" ;;
	esac
	# A real machine's RAM is there when it is first written.  A guest's
	# is backed by the host at its first touch, at a cost that swings
	# tenfold and more with what the host did before (performance.rst,
	# "The guest's RAM"), so it is all backed before the guest starts.
	BENCH_RAM=${BENCH_RAM:-prealloc}
	case $BENCH_RAM in
	prealloc | lazy) ;;
	*) scenario_fail "BENCH_RAM=$BENCH_RAM: not prealloc or lazy" ;;
	esac
	BENCH_PROFILE="disk=${BENCH_DISK:-fast} flush=${BENCH_FLUSH:-none} swap=$BENCH_SWAP ram=$BENCH_RAM cpu=$CPU"
	case ${BENCH_DISK:-fast} in
	fast) ;;
	laptop) bench_calibrate ;;
	*) scenario_fail "BENCH_DISK=$BENCH_DISK: not fast or laptop" ;;
	esac
	: >"$WORK/bench.tsv"
	for round in $(seq 1 "$rounds"); do
		for method in $methods; do
			bench_round "$round" "$method" "$workload" "$args"
		done
	done
}

# bench_data_disk MIB: the W2 and W3 disk, ext4 holding one file of MIB
# MiB of random data and its MD5, made on the host.
bench_data_disk()
{
	local mib=$1 dir=$WORK/data.d name=${BENCH_DATA_FILE##*/}

	disk data $((mib + 112))
	mkdir -p "$dir"
	head -c "${mib}M" /dev/urandom >"$dir/$name"
	(cd "$dir" && md5sum "$name" >"$name.md5")
	host_run mkfs.ext4 -q -F -d "$dir" "$(disk_path data)"
	rm -rf "$dir"
}

# The harness's initramfs plus a second cpio archive (the kernel unpacks
# them in turn) with the modules of ext4 and of the crypto API's lz4,
# which the harness does not carry; each list is in load order.
bench_initrd()
{
	local initrd extra=$WORK/bench-extra

	initrd=$(initrd_for "$KERNEL")
	rm -rf "$extra"
	mkdir -p "$extra/etc/harness"
	kernel_module_files "$KERNEL" ext4 |
		install_modules "$extra" "$KERNEL" >"$extra/etc/harness/bench-ext4"
	kernel_module_files "$KERNEL" lz4 |
		install_modules "$extra" "$KERNEL" >"$extra/etc/harness/bench-lz4"
	(cd "$extra" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >>"$initrd"
}

# bench_laptop_bps MBPS: the throttle in bytes/s that gives the slowed
# guest a disk of MBPS.
bench_laptop_bps()
{
	awk -v mbps="$1" -v slow="$BENCH_SLOWDOWN" 'BEGIN { printf "%d", mbps * 1e6 / slow }'
}

# The laptop profile: the same LZ4 loop (cpuspeed) on the host and in a
# guest booted for it, at the moment of the run, says how much slower the
# emulated CPU is; the laptop SSD's bandwidth is divided by that, so that
# the disk keeps its speed relative to the CPU.
bench_calibrate()
{
	local host guest throttle

	helper_build cpuspeed
	host=$("$BUILD/qemu/cpuspeed")
	boot calibrate mem="$BENCH_MEM" timeout=300 ram="$BENCH_RAM"
	expect_pass
	guest=$(result cpuspeed)
	BENCH_SLOWDOWN=$(awk -v h="$host" -v g="$guest" 'BEGIN { printf "%.1f", h / g }')
	throttle="throttling.bps-read=$(bench_laptop_bps $BENCH_LAPTOP_READ_MBPS)"
	throttle="$throttle,throttling.bps-write=$(bench_laptop_bps $BENCH_LAPTOP_WRITE_MBPS)"
	BENCH_DRIVE_OPTS="${BENCH_DRIVE_OPTS:+$BENCH_DRIVE_OPTS,}$throttle"
	BENCH_PROFILE="$BENCH_PROFILE cpu_host_mbps=$host cpu_guest_mbps=$guest slowdown=$BENCH_SLOWDOWN"
	BENCH_PROFILE="$BENCH_PROFILE $(echo "$throttle" | tr , ' ' | sed 's/throttling\.//g')"
	echo "# laptop disk: $BENCH_PROFILE"
}

# QEMU guests running on the host that are not this run's (it has none
# between its boots): the load that swings a round's times, swsusp's most.
# A process name has 15 characters: qemu-system-x86_64's is cut short.
bench_other_guests()
{
	pgrep -c -x qemu-system-x86 || true
}

# A new swap area: zeros and a swap header, as the first hibernation found.
# The zeros are written into the disk's file (BENCH_SWAP=written), not
# left as holes: QEMU's writes into a hole of the file cost the host a
# new page each, four to five times a write over one it has, taken from
# the same two cores as the guest's (performance.rst, "The swap disk").
bench_fresh_swap()
{
	local img

	img=$(disk_path swap)
	if [[ $BENCH_SWAP == written ]]; then
		dd if=/dev/zero of="$img" bs=1M count="$BENCH_SWAP_MIB" \
			conv=notrunc status=none
	else
		truncate -s 0 "$img"
		truncate -s "${BENCH_SWAP_MIB}M" "$img"
	fi
	mkswap "$img" >"$WORK/mkswap-swap.log" 2>&1 ||
		scenario_fail "mkswap $img: $(tail -n 1 "$WORK/mkswap-swap.log")"
}

# bench_at PATTERN: host seconds of the first line of the last boot's
# console matching PATTERN (a sed regexp), or nothing.
bench_at()
{
	sed -n "s/^\[ *\([0-9.]*\)\] .*$1.*/\1/p" "$LOG" | head -n 1
}

# bench_kmsg PATTERN: the first console line of the last boot matching
# PATTERN (a sed regexp), without its timestamps.
bench_kmsg()
{
	sed -n "s/^\[ *[0-9.]*\] \[ *[0-9.]*\] \($1.*\)/\1/p" "$LOG" | head -n 1
}

# bench_said PATTERN: the first line of the last boot's guest harness
# matching PATTERN (a sed regexp), without its timestamp.
bench_said()
{
	sed -n "s/^\[ *[0-9.]*\] harness: \($1.*\)/\1/p" "$LOG" | head -n 1
}

# bench_num TEXT REGEXP: the number REGEXP's first group finds in TEXT.
bench_num()
{
	echo "$1" | sed -n "s/.*$2.*/\1/p"
}

# The writer's profile (kernel/writer.c, torpor_writer_profile), ms: its
# own walk and zero check, packing the stream and of that waiting for the
# disk, compressing, waiting for the workers; the workers' CPU time all
# told, gathering and checking pages, LZ4, checksums; the bios the stream
# went to the disk in, and their segments (runs of adjacent pages).
bench_write_profile()
{
	local line

	line=$(bench_kmsg 'torpor: write profile')
	echo "wp_walk_ms=$(bench_num "$line" 'walk and zero check \([0-9]*\)')"
	echo "wp_pack_ms=$(bench_num "$line" 'pack \([0-9]*\)')"
	echo "wp_disk_ms=$(bench_num "$line" 'waiting for the disk \([0-9]*\)')"
	echo "wp_compress_ms=$(bench_num "$line" ', compress \([0-9]*\)')"
	echo "wp_wait_ms=$(bench_num "$line" 'wait for workers \([0-9]*\)')"
	echo "wp_gather_ms=$(bench_num "$line" 'gather and check \([0-9]*\)')"
	echo "wp_lz4_ms=$(bench_num "$line" 'LZ4 \([0-9]*\)')"
	echo "wp_sum_ms=$(bench_num "$line" 'checksums \([0-9]*\)')"
	echo "wp_bios=$(bench_num "$line" '; \([0-9]*\) bios')"
	echo "wp_segments=$(bench_num "$line" ' \([0-9]*\) segments')"
}

# The loader's profile (kernel/load.c, torpor_load_profile), ms: map
# and index, placement's allocation and assignment, the blocks all told,
# of it the reader waiting for the disk, for loans back and for a free
# worker; the workers' CPU time all told, checksums, LZ4, placing.
bench_load_profile()
{
	local line

	line=$(bench_kmsg 'torpor: load profile')
	echo "lp_index_ms=$(bench_num "$line" 'map and index \([0-9]*\)')"
	echo "lp_alloc_ms=$(bench_num "$line" 'allocation \([0-9]*\)')"
	echo "lp_assign_ms=$(bench_num "$line" 'placement \([0-9]*\)')"
	echo "lp_blocks_ms=$(bench_num "$line" 'blocks \([0-9]*\)')"
	echo "lp_disk_ms=$(bench_num "$line" 'waiting for the disk \([0-9]*\)')"
	echo "lp_loans_ms=$(bench_num "$line" 'for loans back \([0-9]*\)')"
	echo "lp_job_ms=$(bench_num "$line" 'for a free worker \([0-9]*\)')"
	echo "lp_hash_ms=$(bench_num "$line" 'checksums \([0-9]*\)')"
	echo "lp_lz4_ms=$(bench_num "$line" 'LZ4 \([0-9]*\)')"
	echo "lp_place_ms=$(bench_num "$line" 'placing \([0-9]*\)')"
}

# What the hibernating boot showed: times and the image as logged.
bench_hibernate_fields()
{
	local method=$1 line

	echo "hib_boot=$BOOT"
	echo "t_hibernating=$(bench_at 'bench: hibernating')"
	echo "t_poweroff=$(bench_at 'reboot: Power down')"
	echo "t_read_start=$(bench_at 'bench: read start')"
	echo "t_read_done=$(bench_at 'bench: read done')"
	if [[ $method == torpor ]]; then
		line=$(bench_kmsg 'torpor: snapshot:')
		echo "t_snapshot=$(bench_at 'torpor: snapshot:')"
		echo "snapshot_ms=$(bench_num "$line" ' in \([0-9]*\) ms')"
		line=$(bench_kmsg 'torpor: image written:')
		echo "t_written=$(bench_at 'torpor: image written:')"
		echo "pages=$(bench_num "$line" 'written: \([0-9]*\) pages')"
		echo "zero_pages=$(bench_num "$line" '(\([0-9]*\) zero)')"
		echo "logged_bytes=$(bench_num "$line" ', \([0-9]*\) bytes')"
		echo "write_ms=$(bench_num "$line" ', \([0-9]*\) ms')"
		bench_write_profile
	else
		line=$(bench_kmsg 'PM: .*Image created (')
		echo "t_snapshot=$(bench_at 'PM: .*Image created (')"
		echo "pages=$(bench_num "$line" '(\([0-9]*\) pages copied')"
		echo "zero_pages=$(bench_num "$line" ', \([0-9]*\) zero pages')"
		line=$(bench_kmsg 'PM: .*Image size after compression:')
		echo "logged_bytes=$(bench_num "$line" ': \([0-9]*\) kbytes')"
		echo "logged_bytes_unit=KiB"
		echo "t_written=$(bench_at 'PM: .*Image saving done')"
		line=$(bench_kmsg 'PM: .*Wrote [0-9]* kbytes in')
		echo "write_ms=$(echo "$line" |
			sed -n 's/.* in \([0-9]*\)\.\([0-9]*\) seconds.*/\1\20/p' | sed 's/^0*//')"
		echo "threads=$(bench_num "$(bench_kmsg 'PM: .*Using [0-9]* thread')" 'Using \([0-9]*\) thread')"
	fi
}

# What the resuming boot showed.
bench_resume_fields()
{
	local method=$1 line

	echo "res_boot=$BOOT"
	echo "t_init=$INIT_SECONDS"
	echo "t_resume_request=$(bench_at 'bench: resuming from')"
	echo "t_resumed=$(bench_at 'bench: resumed')"
	echo "t_running=$(bench_at 'bench: running')"
	echo "t_reread_start=$(bench_at 'bench: reread start')"
	echo "t_reread_done=$(bench_at 'bench: reread done')"
	echo "t_touched=$(bench_at 'bench: touched')"
	echo "t_verified=$(bench_at 'bench: verified')"
	line=$(bench_said 'bench: swapped out')
	echo "swapped_out=$(bench_num "$line" 'swapped out \([0-9]*\) pages')"
	line=$(bench_said 'bench: touched')
	echo "swapped_in=$(bench_num "$line" '(\([0-9]*\) pages swapped in')"
	if [[ $method == torpor ]]; then
		echo "t_load_start=$(bench_at 'torpor: resuming image of')"
		line=$(bench_kmsg 'torpor: image loaded in')
		echo "t_loaded=$(bench_at 'torpor: image loaded in')"
		echo "load_ms=$(bench_num "$line" 'loaded in \([0-9]*\) ms')"
		line=$(bench_kmsg 'torpor: resumed: image loaded in')
		echo "t_woken=$(bench_at 'torpor: resumed: image loaded in')"
		echo "handover_ms=$(bench_num "$line" 'handed over in \([0-9]*\) ms')"
		bench_load_profile
	else
		echo "t_load_start=$(bench_at 'PM: .*Loading .*image data')"
		echo "t_loaded=$(bench_at 'PM: .*Image loading done')"
	fi
}

bench_round()
{
	local round=$1 method=$2 workload=$3 args=$4 append swap fields

	# shellcheck disable=SC2153 # APPEND is the harness's (tools/qemu/lib.sh)
	append="$APPEND $args harness.bench_method=$method"
	[[ $method != swsusp-lz4 ]] || append="$append hibernate.compressor=lz4"
	# The writer's and the loader's profiles, debug messages
	# (bench_write_profile, bench_load_profile).
	[[ $method != torpor ]] || append="$append torpor.dyndbg=+p"
	swap=$(disk_path swap)
	bench_fresh_swap
	echo "# round $round: $method"
	fields="others_hib=$(bench_other_guests)"
	boot hibernate mem="$BENCH_MEM" append="$append" timeout=1200 \
		drive_opts="$BENCH_DRIVE_OPTS" ram="$BENCH_RAM"
	expect_poweroff
	fields="$fields
$(bench_hibernate_fields "$method")
disk_bytes=$("$HARNESS/../bench/nonzero-bytes" "$swap")"
	if [[ $method == torpor ]]; then
		"$TORPOR" inspect --json "$swap" >"$WORK/inspect-$round.json" ||
			scenario_fail "torpor inspect $swap: exit $?"
	fi
	fields="$fields
others_res=$(bench_other_guests)"
	boot resume mem="$BENCH_MEM" append="$append" timeout=1200 \
		drive_opts="$BENCH_DRIVE_OPTS" ram="$BENCH_RAM"
	expect_pass
	fields="$fields
$(bench_resume_fields "$method")"
	{
		printf 'kernel=%s workload=%s smp=%s round=%s method=%s %s ' \
			"$KERNEL" "$workload" "$SMP" "$round" "$method" "$BENCH_PROFILE"
		echo "$fields" | tr '\n' ' ' | sed 's/ *$//'
		echo
	} | sed 's/  */ /g' >>"$WORK/bench.tsv"
	tail -n 1 "$WORK/bench.tsv" | sed 's/^/# /'
}

# --- guest side ---

stage_calibrate()
{
	report cpuspeed "$(cpuspeed)"
}

# swsusp-lz4 needs the crypto API's lz4 before it hibernates or resumes.
bench_lz4()
{
	[ "$(karg harness.bench_method)" != swsusp-lz4 ] ||
		harness_load_modules "$HARNESS_DIR/bench-lz4"
}

# The method's module and the resume device, as an initramfs would.
bench_setup()
{
	local dev=$1 method

	method=$(karg harness.bench_method)
	bench_lz4
	case $method in
	torpor)
		run swapon "$dev"
		load_torpor
		block_devno "$dev" >/sys/power/resume
		;;
	swsusp | swsusp-lz4)
		block_devno "$dev" >/sys/power/resume
		run swapon "$dev"
		;;
	*)
		fail "unknown method '$method'"
		;;
	esac
	echo shutdown >/sys/power/disk
}

# bench_vmstat NAME: the counter NAME of /proc/vmstat.
bench_vmstat()
{
	sed -n "s/^$1 //p" /proc/vmstat
}

# The workload's data disk, if it has one: its file read again from the
# page cache (or the disk, where it was dropped), into memory as a program
# reads it.  Not with cat: busybox's hands the file to /dev/null with
# sendfile(), which only walks the cached pages and copies nothing.
bench_reread_data()
{
	if karg harness.bench_data >/dev/null; then
		log "bench: reread start"
		dd if="$BENCH_DATA_FILE" of=/dev/null bs=1M 2>/dev/null
		log "bench: reread done"
	fi
}

bench_check_data()
{
	if karg harness.bench_data >/dev/null; then
		(cd "$BENCH_DATA_DIR" && md5sum -c "${BENCH_DATA_FILE##*/}.md5" >/dev/null) ||
			fail "$BENCH_DATA_FILE changed across the hibernation"
	fi
}

# W2 and W3: the data file read into the page cache.
bench_read_data()
{
	harness_load_modules "$HARNESS_DIR/bench-ext4"
	mkdir -p "$BENCH_DATA_DIR"
	run mount -t ext4 -o ro,noload "$(disk_dev data)" "$BENCH_DATA_DIR"
	log "bench: read start"
	cat "$BENCH_DATA_FILE" >/dev/null
	log "bench: read done ($(grep -E '^Cached:' /proc/meminfo | tr -s ' '))"
}

# The process that hibernated runs on: same PID, counter moving on.
bench_wait_running()
{
	local hog=$1 pid tries=3000

	pid=$(cat "$WORKLOAD_DIR/hog.pid")
	while [ "$(workload_hog_field 1)" -le "$hog" ] && [ $tries -gt 0 ]; do
		usleep 10000
		tries=$((tries - 1))
	done
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = memhog ] ||
		fail "memhog (PID $pid) is gone after resume"
	[ "$(workload_hog_field 1)" -gt "$hog" ] ||
		fail "memhog did not run on after resume (round $hog)"
}

# shellcheck disable=SC2034 # the WORKLOAD_* sizes are workload_start's
stage_hibernate()
{
	local dev hog swapped console

	dev=$(disk_dev swap)
	WORKLOAD_RANDOM_MIB=$(karg harness.bench_random)
	WORKLOAD_TEXT_LINES=$(karg harness.bench_text)
	WORKLOAD_ANON_MIB=$(karg harness.bench_anon)
	bench_setup "$dev"
	workload_start default
	! karg harness.bench_data >/dev/null || bench_read_data
	report meminfo "$(grep -E '^(MemFree|Cached|Shmem|AnonPages):' /proc/meminfo |
		tr -s ' ' | tr '\n' ' ')"
	hog=$(workload_hog_field 1)
	sync
	swapped=$(bench_vmstat pswpout)
	# The console shows debug messages (torpor's write profile) for the
	# hibernation only.
	console=$(cut -f 1 /proc/sys/kernel/printk)
	dmesg -n 8
	# Through the kernel's log, not the tty: the tty may still be sending
	# the line when echo disk starts, and a kernel message printed then
	# would land in the middle of it, where nothing finds it.
	log "bench: hibernating ($(karg harness.bench_method))" >/dev/kmsg
	echo disk >/sys/power/state ||
		fail "echo disk failed: $(dmesg | grep -E 'torpor:|PM:' | tail -n 1)"
	dmesg -n "$console"
	log "bench: resumed"
	# The counters are the snapshot's: what went out before it.
	log "bench: swapped out $(($(bench_vmstat pswpout) - swapped)) pages while hibernating"
	swapped=$(bench_vmstat pswpin)
	bench_wait_running "$hog"
	log "bench: running"
	# Time to usable ends once the workload has all its memory and files
	# back: memhog checks its memory as it reads it, the files' checksums
	# (MD5 under TCG, the same for every method) come after.
	bench_reread_data
	workload_touch_files
	workload_check_hog
	log "bench: touched ($(($(bench_vmstat pswpin) - swapped)) pages swapped in)"
	bench_check_data
	workload_check_files
	log "bench: verified"
}

# On success this never returns: the image's stage goes on.  Each method
# is asked as its initramfs asks: torpor at load (the initramfs-tools hook
# does that when the device is there), swsusp through /sys/power/resume.
stage_resume()
{
	local dev devno

	dev=$(disk_dev swap)
	devno=$(block_devno "$dev")
	bench_lz4
	log "bench: resuming from $dev"
	if [ "$(karg harness.bench_method)" = torpor ]; then
		# The console shows the loader's profile, a debug message.
		dmesg -n 8
		load_torpor resume="$devno"
	else
		echo "$devno" >/sys/power/resume ||
			fail "resume refused: $(dmesg | grep -E 'PM:' | tail -n 1)"
	fi
	fail "no image resumed from $dev: $(dmesg | grep -E 'torpor:|PM:' | tail -n 3 | tr '\n' ' ')"
}
