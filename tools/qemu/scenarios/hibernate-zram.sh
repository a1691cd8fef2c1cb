# SPDX-License-Identifier: GPL-2.0
#
# hibernate-zram: a 512 MiB zram swap is active beside a 96 MiB disk
# swap, the resume area.  The image can only go to the resume area.  Before
# the freeze, torpor finds room for what reclaim cannot move (the 96 MiB
# hold the kernel's share), so it freezes and reclaims; but reclaim sends
# the workload to the zram swap (the higher priority), where it stays in
# memory, and the image still does not fit.  Hibernation must then fail
# with ENOSPC before the snapshot, naming the pages to save, the slots
# they need and the resume area's free slots, none of the zram's.  "torpor
# hibernate --check" says not ready with the same kind of figures, from the
# module's own rule.  The system thaws with the workload intact, both
# areas are still swap, and the host finds no image.  (Counting every
# area, torpor used to pass its check, freeze and copy everything, and fail
# only when the resume area ran out of slots in the middle of the write.)
# A resume area too small even for what reclaim cannot move is refused
# before the freeze: hibernate-smallswap.
#
# check: kernels=61,612 order=20 budget=60

# shellcheck disable=SC2034 # read by the harness (tools/qemu/initramfs.sh)
GUEST_MODULES=zram

plan()
{
	local swap

	disk swap 96 swap
	swap=$(disk_path swap)
	boot zram timeout=300
	expect_pass
	echo "# $(result refused)"
	echo "# $(result check)"
	expect_no_image "$swap"
}

# A zram swap, activated first: its priority is the higher, so reclaim
# puts anonymous memory there rather than in the resume area.
zram_swap_on()
{
	[ -e /sys/block/zram0/disksize ] || fail "no zram0: zram module not loaded"
	echo 512M >/sys/block/zram0/disksize
	run mkswap /dev/zram0
	run swapon /dev/zram0
}

# FIGURES LINE: "PAGES SLOTS FREE" from a "P pages to save need up to S
# slots, F free in the resume area" message, or "need at least S slots
# even after reclaim, F free ...".
room_figures()
{
	echo "$1" | sed -n 's/.* \([0-9]*\) pages to save need [a-z ]* \([0-9]*\) slots[a-z ]*, \([0-9]*\) free in the resume area.*/\1 \2 \3/p'
}

# FIGURES LABEL: the free slots are the disk area's at most, and short.
expect_shortfall()
{
	local pages slots free

	read -r pages slots free <<-END
	$1
	END
	[ -n "$free" ] || fail "$2: no figures"
	[ "$free" -le "$DISK_SLOTS" ] ||
		fail "$2: $free free slots, more than the resume area's $DISK_SLOTS: other swap areas counted"
	[ "$slots" -gt "$free" ] || fail "$2: $slots slots needed, $free free: no shortfall"
	[ "$pages" -gt 0 ] || fail "$2: no pages to save"
}

stage_zram()
{
	local dev check line

	dev=$(disk_dev swap)
	zram_swap_on
	prepare_hibernation "$dev" shutdown
	DISK_SLOTS=$(awk -v d="$dev" '$1 == d { print int($3 / 4) }' /proc/swaps)
	workload_start small
	expect_hibernate_refused -28 "No space left on device" \
		"swap too small for the image: [0-9]* pages to save need up to [0-9]* slots, [0-9]* free in the resume area after reclaim"
	line=$(dmesg | grep -o 'torpor: swap too small for the image.*')
	expect_shortfall "$(room_figures "$line")" "the module"
	report refused "$line"
	! check=$(torpor hibernate --check 2>&1) ||
		fail "torpor hibernate --check passed with a resume area too small: $check"
	expect_shortfall "$(room_figures "$check")" "hibernate --check"
	report check "$check"
	! dmesg | grep -q 'torpor: snapshot:' ||
		fail "the snapshot was taken before the refusal: $(dmesg | grep 'torpor: snapshot:')"
	workload_check
	expect_swap_again "$dev" active
	grep -q '^/dev/zram0 ' /proc/swaps || fail "zram0 no longer active swap"
	check_kernel_sane
}
