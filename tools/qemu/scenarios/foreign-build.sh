# SPDX-License-Identifier: GPL-2.0
#
# foreign-build: a torpor.ko built for another build of the same kernel
# release refuses to load, naming the symbol, and leaves nothing behind.
# The module build binds most kernel symbols at the distance from _text it
# reads in the kernel's symbol table (Documentation/module.rst, "Kernel
# symbols"); here it reads a table with one symbol moved by MOVE bytes, as
# another build would have it.  The load must fail before anything reaches
# that symbol: insmod fails, the log names the symbol, no livepatch, no
# /sys/power/torpor, and the module is not loaded.
#
# check: kernels=61,612 order=11 budget=300

# A function every torpor run calls (the freezer), moved by an odd number
# of bytes, where no symbol starts.
MOVED_SYMBOL=freeze_processes
MOVE=1

# foreign_module: torpor.ko built as "make module" builds it, against the
# moved table, in $WORK/foreign/$KERNEL; MODULE_DIR points the guest at it.
foreign_module()
{
	local syms=$BUILD/$KERNEL/kbuild/kernel.syms moved=$WORK/moved.syms addr new

	[[ -f $syms ]] || scenario_fail "no $syms: make module KVER=$KERNEL first"
	addr=$(awk -v n="$MOVED_SYMBOL" '$3 == n && NF == 3 { print $1 }' "$syms")
	[[ $addr =~ ^[0-9a-f]+$ ]] || scenario_fail "$MOVED_SYMBOL: not once in $syms"
	new=$(printf '%016x' $((16#$addr + MOVE)))
	! grep -q "^$new " "$syms" || scenario_fail "a symbol is already at $new"
	sed "s/^$addr \(. $MOVED_SYMBOL\)$/$new \1/" "$syms" >"$moved"
	TORPOR_SYSTEM_MAP=$moved make -C "$ROOT" --no-print-directory module \
		KVER="$KERNEL" MODDIR="$WORK/foreign/$KERNEL" >"$WORK/foreign.log" 2>&1 ||
		scenario_fail "the module build against $moved failed (foreign.log)"
	# shellcheck disable=SC2034 # initramfs_build reads it
	MODULE_DIR=$WORK/foreign
}

plan()
{
	foreign_module
	boot check append="$APPEND harness.moved=$MOVED_SYMBOL"
	expect_pass
	echo "# $(result refused)"
}

stage_check()
{
	local moved line

	moved=$(karg harness.moved)
	harness_load_modules "$HARNESS_DIR/torpor-deps"
	! insmod "$TORPOR_KO" || fail "torpor.ko built against a moved $moved loaded"
	line=$(last_torpor_line)
	case $line in
	*"kernel symbol $moved is not where the build found it"*) ;;
	*) fail "insmod failed, but the log does not name $moved: $line" ;;
	esac
	report refused "${line#*torpor: }"
	expect_no_file /sys/kernel/livepatch/torpor /sys/power/torpor /sys/module/torpor
	check_kernel_sane
}
