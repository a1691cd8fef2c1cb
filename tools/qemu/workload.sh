# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The guest workload a hibernation must carry over, sourced by the guest
# (guest.sh, busybox ash) and by the host (lib.sh, bash) like a scenario:
# top level only sets variables and defines functions.
#
# In the guest:
#
#	workload_start [default|full|small]
#	    fill a tmpfs with random data and text, a ramfs with marker pages,
#	    record their checksums, start memhog (a live process holding a pattern in
#	    anonymous memory) and report the marker to the host
#	workload_check
#	    workload_check_files, then workload_check_hog
#	workload_touch_files
#	    read the files back, without checking them
#	workload_check_files
#	    the files still match their checksums
#	workload_check_hog
#	    memhog still runs with the same PID, its counter went on from where
#	    workload_start left it and it checked all its memory again
#
# "default" is 64 MiB of random data, 500,000 lines of text (3.3 MiB) and
# 64 MiB in memhog; "full" fills about 60% of a 1 GiB guest (192 MiB random,
# 4,000,000 lines = 30 MiB of text, 400 MiB in memhog), more than fits in
# free memory beside its copy, so swap must take the rest; "small" (16 MiB
# random, 100,000 lines, 16 MiB in memhog) is for scenarios about the image
# rather than its size.  The variables below override any of them.
#
# On the host:
#
#	workload_marker_pages FILE MARKER
#	    how many distinct marker pages FILE holds (all WORKLOAD_MARKER_PAGES
#	    of them in an image of the guest's memory)

WORKLOAD_DIR=/workload
WORKLOAD_MARKER_PAGES=64
# The files under WORKLOAD_DIR that workload_start fills and checksums.
WORKLOAD_FILES="random text ram/markers"

workload_sizes()
{
	case $1 in
	default)
		: "${WORKLOAD_RANDOM_MIB:=64}" "${WORKLOAD_TEXT_LINES:=500000}"
		: "${WORKLOAD_ANON_MIB:=64}"
		;;
	full)
		: "${WORKLOAD_RANDOM_MIB:=192}" "${WORKLOAD_TEXT_LINES:=4000000}"
		: "${WORKLOAD_ANON_MIB:=400}"
		;;
	small)
		: "${WORKLOAD_RANDOM_MIB:=16}" "${WORKLOAD_TEXT_LINES:=100000}"
		: "${WORKLOAD_ANON_MIB:=16}"
		;;
	*)
		fail "unknown workload size '$1'"
		;;
	esac
}

# Each marker page is one 4 KiB line naming the marker and the page, so
# finding every one of them in an image proves the file's pages are in it.
workload_write_markers()
{
	awk -v marker="$1" -v pages=$WORKLOAD_MARKER_PAGES 'BEGIN {
		pad = "."
		while (length(pad) < 4096)
			pad = pad pad
		for (n = 1; n <= pages; n++)
			print substr(sprintf("%s-page-%04d %s", marker, n, pad), 1, 4095)
	}'
}

# memhog's status line: rounds, full passes, ok|CORRUPT, bad offset.
workload_hog_field()
{
	cut -d ' ' -f "$1" "$WORKLOAD_DIR/hog.status"
}

# workload_wait_hog ALIVE: record memhog's size and wait for its first
# status line; ALIVE (a command) fails the stage if memhog has gone.
workload_wait_hog()
{
	local tries=6000

	echo "$WORKLOAD_ANON_MIB" >"$WORKLOAD_DIR/hog.mib"
	while [ ! -f "$WORKLOAD_DIR/hog.status" ] && [ $tries -gt 0 ]; do
		"$1"
		sleep 0.1
		tries=$((tries - 1))
	done
	[ -f "$WORKLOAD_DIR/hog.status" ] ||
		fail "memhog did not fill $WORKLOAD_ANON_MIB MiB in 600 s"
	workload_hog_field 1 >"$WORKLOAD_DIR/hog.start"
}

workload_hog_alive()
{
	kill -0 "$(cat "$WORKLOAD_DIR/hog.pid")" 2>/dev/null ||
		fail "memhog exited: $(cat "$WORKLOAD_DIR/hog.log")"
}

workload_start_hog()
{
	memhog "$WORKLOAD_ANON_MIB" "$WORKLOAD_DIR/hog.status" \
		>"$WORKLOAD_DIR/hog.log" 2>&1 &
	echo $! >"$WORKLOAD_DIR/hog.pid"
	workload_wait_hog workload_hog_alive
}

workload_start()
{
	local marker

	workload_sizes "${1:-default}"
	mkdir -p "$WORKLOAD_DIR"
	mount -t tmpfs -o size=90% workload "$WORKLOAD_DIR"
	# Reclaim cannot move ramfs pages to swap: the markers stay in RAM,
	# so an image of the guest's memory must hold them.
	mkdir "$WORKLOAD_DIR/ram"
	mount -t ramfs workload-ram "$WORKLOAD_DIR/ram"
	marker=TORPOR-MARKER-$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')
	dd if=/dev/urandom of="$WORKLOAD_DIR/random" bs=1M \
		count="$WORKLOAD_RANDOM_MIB" 2>/dev/null
	seq 1 "$WORKLOAD_TEXT_LINES" >"$WORKLOAD_DIR/text"
	workload_write_markers "$marker" >"$WORKLOAD_DIR/ram/markers"
	# shellcheck disable=SC2086 # one word per file
	(cd "$WORKLOAD_DIR" && md5sum $WORKLOAD_FILES >md5)
	workload_start_hog
	report marker "$marker"
	report workload "$(du -m -s "$WORKLOAD_DIR" | cut -f 1) MiB in files, $WORKLOAD_ANON_MIB MiB in memhog"
	report workload_meminfo "$(grep -E '^(MemTotal|MemFree|Shmem|AnonPages|SwapFree):' \
		/proc/meminfo | tr -s ' ' | tr '\n' ' ')"
}

# Wait for memhog to finish one full pass begun after this call, made
# without its pauses (SIGUSR1): its memory was all read back, and it keeps
# running.
workload_wait_pass()
{
	local chunks target tries=3000

	chunks=$((($(cat "$WORKLOAD_DIR/hog.mib") + 3) / 4))
	target=$(($(workload_hog_field 1) + chunks + 1))
	kill -USR1 "$(cat "$WORKLOAD_DIR/hog.pid")"
	while [ "$(workload_hog_field 1)" -lt $target ] && [ $tries -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(workload_hog_field 1)" -ge $target ] ||
		fail "memhog stalled at round $(workload_hog_field 1) (wanted $target)"
}

# Read the files back, as their owner would: what is not in memory comes
# back from swap.
workload_touch_files()
{
	# shellcheck disable=SC2086 # one word per file
	(cd "$WORKLOAD_DIR" && cat $WORKLOAD_FILES >/dev/null)
}

workload_check_files()
{
	(cd "$WORKLOAD_DIR" && md5sum -c md5 >/dev/null 2>&1) ||
		fail "workload files changed: $(cd "$WORKLOAD_DIR" && md5sum -c md5 2>&1 |
			grep -v ': OK$' | tr '\n' ' ')"
}

workload_check_hog()
{
	local pid rounds

	pid=$(cat "$WORKLOAD_DIR/hog.pid")
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = memhog ] ||
		fail "memhog (PID $pid) is gone: $(cat "$WORKLOAD_DIR/hog.log")"
	rounds=$(workload_hog_field 1)
	[ "$rounds" -ge "$(cat "$WORKLOAD_DIR/hog.start")" ] ||
		fail "memhog counter went back: $rounds < $(cat "$WORKLOAD_DIR/hog.start")"
	workload_wait_pass
	[ "$(workload_hog_field 3)" = ok ] ||
		fail "memhog memory corrupt at byte $(workload_hog_field 4)"
	report hog_rounds "$(workload_hog_field 1)"
}

workload_check()
{
	workload_check_files
	workload_check_hog
}

workload_marker_pages()
{
	grep -a -o "$2-page-[0-9]*" "$1" | sort -u | wc -l
}
