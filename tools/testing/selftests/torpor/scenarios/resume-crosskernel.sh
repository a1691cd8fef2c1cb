# SPDX-License-Identifier: GPL-2.0
#
# resume-crosskernel: an image written under the kernel under test, and a
# boot of the other kernel (with its own torpor) asked to resume it.  Two
# outcomes are right, and the run says which one happened:
#
#   resumed  the image's kernel runs again (uname -r is the image's), the
#            workload is intact, the area is swap again;
#   refused  the boot kernel logs why, the boot goes on, and the area is
#            swap again (swapon takes it).
#
# Anything else (a crash, a stall, an image left on the disk, a resume
# request that "succeeds" without resuming) fails.  Run it on 6.1 for a
# 6.1 image resumed by 6.12, on 6.12 for the reverse.

plan()
{
	local swap other

	other=$(other_kernel)
	disk swap 256 swap
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND harness.image_kernel=$KERNEL"
	expect_poweroff
	host_run "$TORPOR" verify "$swap"
	boot resume kernel="$other" timeout=300
	expect_pass
	case $(result outcome) in
	resumed) echo "# $KERNEL image, $other boot kernel: resumed; $(result hog)" ;;
	refused) echo "# $KERNEL image, $other boot kernel: refused: $(result refused)" ;;
	*) scenario_fail "boot $BOOT: outcome '$(result outcome)', neither resumed nor refused" ;;
	esac
	expect_no_image "$swap"
}

# The area holds plain swap again, on the disk itself (O_DIRECT: the page
# cache may hold the header as swapon or torpor read it), and takes swapon.
crosskernel_check_swap()
{
	local dev=$1 sig

	sig=$(dd if="$dev" bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 10)
	[ "$sig" = SWAPSPACE2 ] || fail "swap signature: '$sig'"
	swapoff "$dev" 2>/dev/null || true
	run swapon "$dev"
	grep -q "^$dev " /proc/swaps || fail "$dev not in /proc/swaps"
}

stage_hibernate()
{
	local dev hog

	dev=$(disk_dev swap)
	run swapon "$dev"
	load_torpor
	cat "/sys/block/${dev#/dev/}/dev" >/sys/power/resume
	echo shutdown >/sys/power/disk
	WORKLOAD_RANDOM_MIB=16 WORKLOAD_TEXT_LINES=100000 WORKLOAD_ANON_MIB=16 \
		workload_start
	hog=$(workload_hog_field 1)
	echo disk >/sys/power/state ||
		fail "echo disk failed: $(dmesg | grep 'torpor:' | tail -n 1)"
	# Only the resumed image gets here.
	log "resumed on $(uname -r)"
	report outcome resumed
	[ "$(uname -r)" = "$(karg harness.image_kernel)" ] ||
		fail "resumed, but uname -r says $(uname -r)"
	workload_check
	report hog "memhog PID $(cat "$WORKLOAD_DIR/hog.pid"): round $hog -> $(workload_hog_field 1)"
	crosskernel_check_swap "$dev"
	check_dmesg_clean
}

stage_resume()
{
	local dev devno line

	dev=$(disk_dev swap)
	devno=$(cat "/sys/block/${dev#/dev/}/dev")
	load_torpor
	! echo "$devno" 2>/dev/null >/sys/power/resume ||
		fail "resume from $devno returned success without resuming:" \
			"$(dmesg | grep 'torpor:' | tail -n 1)"
	line=$(dmesg | grep 'torpor:' | tail -n 1)
	report outcome refused
	report refused "${line#*torpor: }"
	case $(cat /sys/power/torpor/status) in
	error:*) ;;
	*) fail "status '$(cat /sys/power/torpor/status)' after the refusal" ;;
	esac
	crosskernel_check_swap "$dev"
	check_kernel_sane
}
