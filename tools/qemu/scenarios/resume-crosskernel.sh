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
# request that "succeeds" without resuming) fails.  As both directions
# resume today, a refusal fails too unless ALLOW_REFUSAL=1 is given.  Run it on 6.1 for a
# 6.1 image resumed by 6.12, on 6.12 for the reverse.
#
# check: kernels=61,612 order=30 budget=120

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
	refused)
		# Both directions resume today; a refusal is a regression
		# unless the run allows it (ALLOW_REFUSAL=1).
		[ -n "${ALLOW_REFUSAL:-}" ] ||
			scenario_fail "$other refused the $KERNEL image: $(result refused)"
		echo "# $KERNEL image, $other boot kernel: refused: $(result refused)" ;;
	*) scenario_fail "boot $BOOT: outcome '$(result outcome)', neither resumed nor refused" ;;
	esac
	expect_no_image "$swap"
}

stage_hibernate()
{
	local dev hog

	dev=$(disk_dev swap)
	prepare_hibernation "$dev" shutdown
	workload_start small
	hog=$(workload_hog_field 1)
	hibernate_now
	# Only the resumed image gets here.
	log "resumed on $(uname -r)"
	report outcome resumed
	[ "$(uname -r)" = "$(karg harness.image_kernel)" ] ||
		fail "resumed, but uname -r says $(uname -r)"
	workload_check
	report hog "memhog PID $(cat "$WORKLOAD_DIR/hog.pid"): round $hog -> $(workload_hog_field 1)"
	expect_swap_again "$dev" active
	check_dmesg_clean
}

stage_resume()
{
	local dev line

	dev=$(disk_dev swap)
	expect_resume_refused "$dev"
	line=$(last_torpor_line)
	report outcome refused
	report refused "${line#*torpor: }"
	expect_swap_again "$dev" inactive
	check_kernel_sane
}
