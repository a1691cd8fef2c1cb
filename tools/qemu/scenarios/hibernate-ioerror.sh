# SPDX-License-Identifier: GPL-2.0
#
# hibernate-ioerror: the disk fails writes while the image is written.
# Boot 1 runs the small workload and has QEMU's blkdebug driver fail one
# write each at three points, one per hibernation attempt in that boot:
#   1. the first write to the swap disk: the start of the stream;
#   2. the write touching sector LATE_MIB MiB in, well into the stream
#      (slots are handed out in order, after where attempt 1 stopped);
#   3. the signature page (sector 0), the very last write.
# (blkdebug's event only arms a rule: iotype keeps reads out of it.)
# Each attempt must fail with EIO and a message saying where, the workload
# must run on, the area must still carry the swap signature and swapon
# must take it.  The host then finds no image, and boot 2 asks for a
# resume from the area: no image, the boot goes on, swap usable.
#
# check: kernels=61,612 order=50 budget=120

LATE_MIB=${LATE_MIB:-40}

plan()
{
	local swap

	disk swap 256 swap
	swap=$(disk_path swap)
	cat >"$WORK/blkdebug.conf" <<-END
	[inject-error]
	event = "write_aio"
	iotype = "write"
	errno = "5"
	once = "on"

	[inject-error]
	event = "write_aio"
	iotype = "write"
	errno = "5"
	sector = "$((LATE_MIB * 2048))"
	once = "on"

	[inject-error]
	event = "write_aio"
	iotype = "write"
	errno = "5"
	sector = "0"
	once = "on"
	END
	echo "# host: boot 1 fails the first write, the write of sector $((LATE_MIB * 2048)) and the first write of sector 0, once each"
	boot attempts timeout=400 append="$APPEND" blkdebug="swap:$WORK/blkdebug.conf"
	expect_pass
	echo "# early: $(result early)"
	echo "# late: $(result late)"
	echo "# tail: $(result tail)"
	expect_no_image "$swap"
	boot noimage append="$APPEND"
	expect_pass
}

# failed_write DEV ATTEMPT MESSAGE-REGEX: one hibernation that the disk
# fails; the system runs on and the area is plain swap.  Reports ATTEMPT
# with torpor's newest message matching, and leaves it in LINE.
failed_write()
{
	local dev=$1 name=$2 want=$3 out

	out=$( (echo disk >/sys/power/state) 2>&1) &&
		fail "$name: echo disk succeeded although a write failed"
	case $out in
	*"Input/output error"*) ;;
	*) fail "$name: echo disk: '$out', expected EIO" ;;
	esac
	[ "$(cat /sys/power/torpor/last_error)" = -5 ] ||
		fail "$name: last_error $(cat /sys/power/torpor/last_error), expected -5"
	LINE=$(dmesg | grep -o "torpor: $want" | tail -n 1)
	[ -n "$LINE" ] || fail "$name: no 'torpor: $want' in the kernel log: $(last_torpor_line)"
	report "$name" "$LINE"
	workload_check
	expect_swap_again "$dev" active
}

# PAGES from "..., N of M pages packed" in the last report line.
packed()
{
	echo "$1" | sed -n 's/.*, \([0-9]*\) of \([0-9]*\) pages packed.*/\1 \2/p'
}

stage_attempts()
{
	local dev early late n1 n2 total

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start small
	failed_write "$dev" early \
		"I/O error writing the image to resume device [0-9:]*, [0-9]* of [0-9]* pages packed.*"
	early=$LINE
	failed_write "$dev" late \
		"I/O error writing the image to resume device [0-9:]*, [0-9]* of [0-9]* pages packed.*"
	late=$LINE
	read -r n1 total <<-END
	$(packed "$early")
	END
	read -r n2 _ <<-END
	$(packed "$late")
	END
	if [ -z "$n1" ] || [ -z "$n2" ]; then
		fail "no page counts in '$early' / '$late'"
	fi
	[ "$((n1 * 2))" -lt "$total" ] || fail "early: $n1 of $total pages packed, not early"
	[ "$n2" -gt "$n1" ] || fail "late: $n2 pages packed, no further than the early error's $n1"
	failed_write "$dev" tail \
		"I/O error writing page 0 of resume device [0-9:]*.*"
	dmesg | grep -q 'may still hold the image' &&
		fail "tail: the swap signature could not be put back"
	check_kernel_sane
}

stage_noimage()
{
	expect_no_resume "$(disk_dev swap)"
}
