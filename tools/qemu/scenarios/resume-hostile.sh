# SPDX-License-Identifier: GPL-2.0
#
# resume-hostile: images with valid checksums and hostile content, offered
# to the resume path one after another in one boot.
#
# Boot 1 hibernates with the small workload.  The host verifies the image
# and makes the cases from it with the selftests' "hostile" (frames in the
# VGA hole and at frame 0, frames beyond max_pfn, duplicate, overlapping
# and wrapping frames, counts that overflow, slots beyond the device, a
# map chain that loops or ends early, a landing point that is not
# canonical, reserved fields set, a block or map page of another image, a
# RAM map that differs): each is the device pages it changes and their
# originals, on a second disk, with the refusal the module must log.
# Boot 2 writes each case onto the swap disk and asks for a resume the
# initramfs way: torpor must refuse, with that refusal, the swap signature
# must be back and swapon must take the area; then the original pages go
# back.  After the last case the kernel log must hold no warning, BUG,
# Oops, KASAN report or memory corruption, and the untouched image is
# resumed: the workload checks out in the restored system, so the
# refusals were the cases' doing and changed nothing the image needed.
#
# check: kernels=61,612 order=30 budget=180

plan()
{
	local swap

	host_run make -s -C "$ROOT/tools/testing/selftests/torpor" BUILD="$BUILD" hostile
	disk swap 256 swap
	# Attached to both boots: the resumed system finds the machine it left.
	disk cases 16
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND"
	expect_poweroff
	host_run "$TORPOR" verify "$swap"
	host_run "$BUILD/selftests/hostile" "$swap" "$(disk_path cases)"
	boot offer timeout=600 append="$APPEND"
	expect_pass
	# A case that was not refused shows as a boot that resumed early.
	[[ $(result cases_refused) -ge 22 ]] ||
		scenario_fail "the image resumed before every case was refused (refused: $(grep -c '^refused_' "$WORK/boot$BOOT.verdict"))"
	echo "# guest: $(result cases_refused) hostile images refused, then the image resumed"
	expect_no_image "$swap"
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	hibernate_small "$dev"
	# Only reached in the system boot 2 resumed, after every case.
	workload_check
	expect_swap_again "$dev" active
	check_kernel_sane
}

# apply RUNS: copy "dst:src:count,..." pages from the cases disk to swap,
# past the page cache (torpor reads the disk itself).
apply_runs()
{
	local run dst src count

	for run in $(echo "$1" | tr , ' '); do
		dst=${run%%:*}
		run=${run#*:}
		src=${run%%:*}
		count=${run#*:}
		dd if="$CASES" of="$SWAP" bs=4096 skip="$src" seek="$dst" \
		   count="$count" conv=notrunc oflag=direct status=none ||
			fail "writing pages $dst+$count of $SWAP failed"
	done
}

# offer_case NAME REFUSAL PATCH UNDO: torpor refuses the image NAME with a
# log line holding REFUSAL, and the area is swap again.
offer_case()
{
	local line

	apply_runs "$3"
	echo "harness: case $1" >/dev/kmsg
	# shellcheck disable=SC2005 # the number is read first: only the write can fail
	! echo "$(block_devno "$SWAP")" 2>/dev/null >/sys/power/resume ||
		fail "$1: resume returned success without resuming: $(last_torpor_line)"
	line=$(dmesg | sed -n "/harness: case $1\$/,\$p" | grep 'torpor: ' |
	       grep -F -e "$2" | head -n 1)
	[ -n "$line" ] ||
		fail "$1: expected '$2', torpor said: $(dmesg | sed -n "/harness: case $1\$/,\$p" | grep 'torpor: ' | head -n 3)"
	report "refused_$1" "${line#*torpor: }"
	case $(cat /sys/power/torpor/status) in
	error:*) ;;
	*) fail "$1: status '$(cat /sys/power/torpor/status)' after the refusal" ;;
	esac
	expect_swap_again "$SWAP" inactive
	run swapoff "$SWAP"
	apply_runs "$4"
}

stage_offer()
{
	local name refusal patch undo n=0 bad

	SWAP=$(disk_dev swap)
	CASES=$(disk_dev cases)
	load_torpor
	dd if="$CASES" bs=4096 count=16 status=none | tr -d '\000' >/tmp/manifest
	# On its own descriptor: nothing a case runs can read the list.
	exec 3</tmp/manifest
	while IFS='|' read -r name refusal patch undo <&3; do
		offer_case "$name" "$refusal" "$patch" "$undo"
		n=$((n + 1))
	done
	exec 3<&-
	report cases_refused "$n"
	[ "$n" -gt 0 ] || fail "no cases on $CASES"
	check_kernel_sane
	bad=$(dmesg | grep -E 'KASAN|memory corruption' | head -n 1) || true
	[ -z "$bad" ] || fail "kernel log: $bad"
	# The image as boot 1 wrote it: it must resume.
	# shellcheck disable=SC2005 # the number is read first: only the write can fail
	echo "$(block_devno "$SWAP")" >/sys/power/resume ||
		fail "the untouched image was refused: $(last_torpor_line)"
	fail "the untouched image was not resumed"
}
