# SPDX-License-Identifier: GPL-2.0
#
# resume-corrupt: an image whose compressed data was damaged on the disk.
# Boot 1 hibernates with a small workload; the host flips bytes in the
# middle of one block's LZ4 payload and checks that "torpor verify" now
# names that block's payload checksum; boot 2 asks for a resume the way an
# initramfs does.  torpor must refuse, naming the payload checksum of the
# same block, and the boot must go on with the area usable as swap again
# (signature restored before loading): swapon takes it, and the host finds
# no image left.
#
# DAMAGE=header damages the image header instead (its kernel identity, so
# only its checksum can tell): torpor must refuse before loading anything,
# naming the header's checksum, with the same outcome.
#
# check: kernels=61,612 order=30 budget=120
# check: kernels=612 order=40 args='DAMAGE=header TAG=header' budget=60

plan()
{
	local swap block damage=${DAMAGE:-block}

	disk swap 256 swap
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND"
	expect_poweroff
	host_run "$TORPOR" verify "$swap"
	case $damage in
	block)
		block=$(corrupt_payload "$swap")
		echo "# host: flipped bytes in the payload of block $block"
		;;
	header)
		corrupt_header "$swap"
		;;
	*) scenario_fail "DAMAGE=$damage: not block or header" ;;
	esac
	boot resume timeout=300 append="harness.damage=$damage"
	expect_pass
	[[ $damage == header || $(result refused_block) == "$block" ]] ||
		scenario_fail "torpor refused block '$(result refused_block)', the damaged one is $block"
	echo "# guest: $(result refused)"
	expect_no_image "$swap"
}

# Flip 16 bytes of the header's kernel_version; "torpor verify" must then
# blame the header's checksum.
corrupt_header()
{
	local img=$1 page out

	page=$("$TORPOR" inspect --json "$img" | sed -n 's/^ *"header_page": \([0-9]*\),$/\1/p')
	[[ -n $page ]] || scenario_fail "no header_page in torpor inspect --json"
	flip_bytes "$img" $((page * 4096 + 100))
	out=$("$TORPOR" verify "$img" 2>&1) &&
		scenario_fail "torpor verify accepts the damaged header"
	case $out in
	*"header: crc32c mismatch"*) echo "# host: flipped bytes in the header: $out" ;;
	*) scenario_fail "torpor verify on the damaged header: $out" ;;
	esac
}

# The stream offset of every block head ("TORB" magic) candidate on FILE.
block_heads()
{
	LC_ALL=C grep -obUa TORB "$1" | cut -d : -f 1
}

# Flip 16 bytes in the middle of one block's payload, at least one page
# away from its head, and print the block's number as "torpor verify"
# names it.  Blocks live in swap slots that need not be consecutive, so
# the flip is kept only if verify then blames that block's payload.
corrupt_payload()
{
	local img=$1 head clen at out tried=0

	for head in $(block_heads "$img" | awk 'NR % 37 == 5'); do
		[[ $tried -lt 5 ]] || break
		tried=$((tried + 1))
		clen=$(od -A n -t u4 -j $((head + 4)) -N 4 "$img" | tr -d ' ')
		[[ $clen -ge $((3 * 4096)) ]] || continue
		at=$((head + 32 + clen / 2))
		flip_bytes "$img" "$at"
		if out=$("$TORPOR" verify "$img" 2>&1); then
			flip_bytes "$img" "$at"
			continue
		fi
		echo "+ flipped 16 bytes at $at (head at $head): $out" >>"$WORK/host.log"
		case $out in
		*": block "*" at stream byte "*": payload xxh64 mismatch"*)
			out=${out#*: block }
			echo "${out%% *}"
			return 0
			;;
		esac
		flip_bytes "$img" "$at"
	done
	scenario_fail "found no block payload to damage on $img (see host.log)"
}

# XOR 16 bytes of FILE at byte OFFSET with 0xff (applied twice, undone).
flip_bytes()
{
	local byte bytes=

	for byte in $(od -A n -t u1 -v -j "$2" -N 16 "$1"); do
		bytes=$bytes$(printf '\\x%02x' $((255 - byte)))
	done
	printf %b "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	hibernate_small "$dev"
	fail "resumed an image the host had damaged"
}

# The refusal names the damaged block's payload checksum.
expect_block_refused()
{
	local line block

	line=$(dmesg | grep -o 'torpor: image block [0-9]*: payload checksum mismatch.*') ||
		fail "no payload checksum refusal: $(last_torpor_line)"
	report refused "$line"
	block=${line#torpor: image block }
	report refused_block "${block%%:*}"
	case $(cat /sys/power/torpor/status) in
	"error: image block "*) ;;
	*) fail "status '$(cat /sys/power/torpor/status)' after the refusal" ;;
	esac
}

expect_header_refused()
{
	local line

	line=$(dmesg | grep -o 'torpor: image refused: header: crc32c mismatch') ||
		fail "no header checksum refusal: $(last_torpor_line)"
	report refused "$line"
}

stage_resume()
{
	local dev

	dev=$(disk_dev swap)
	expect_resume_refused "$dev"
	case $(karg harness.damage) in
	header) expect_header_refused ;;
	*) expect_block_refused ;;
	esac
	expect_swap_again "$dev" inactive
	run swapoff "$dev"
	check_kernel_sane
}
