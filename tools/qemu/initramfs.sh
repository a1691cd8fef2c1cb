# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Build the test guest's initramfs (sourced by lib.sh).
#
# A per-kernel base under build/qemu/base/<release>/ holds busybox with its
# applet links and the virtio disk drivers, decompressed (busybox insmod
# cannot read .ko.xz).  Each run copies it and adds torpor.ko with the
# modules it needs, the modules the scenario lists in GUEST_MODULES (set
# at its top level, e.g. GUEST_MODULES="ext4"; the guest loads them at
# every boot, before the stage), the host programs it lists in
# GUEST_PROGRAMS with their shared libraries, the torpor tool, /init, the
# guest library and the scenario, then indexes the modules with the
# host's depmod so that busybox modprobe works too.

BUSYBOX=${BUSYBOX:-/bin/busybox}

# kernel_module_files RELEASE MODULE...: the files modprobe would insmod, in
# load order, dependencies and soft dependencies first, builtins left out.
kernel_module_files()
{
	local rel=$1

	shift
	[[ $# -gt 0 ]] || return 0
	modprobe -d "$KERNELS/$rel" -S "$rel" -a --show-depends "$@" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# install_module ROOT RELEASE FILE: copy one module into the guest tree,
# decompressed, and print its path inside the guest.
install_module()
{
	local root=$1 rel=$2 file=$3 path

	path=${file#"$KERNELS/$rel"}
	path=${path%.xz}
	mkdir -p "$root$(dirname "$path")"
	case $file in
	*.ko.xz) xz -dc "$file" >"$root$path" ;;
	*.ko) cp "$file" "$root$path" ;;
	*) harness_die "cannot unpack module $file" ;;
	esac
	echo "$path"
}

install_modules()
{
	local root=$1 rel=$2 file

	while read -r file; do
		install_module "$root" "$rel" "$file"
	done
}

# The modules torpor.ko declares it needs, hard and soft.
torpor_module_deps()
{
	modinfo -F depends "$1" | tr , '\n'
	modinfo -F softdep "$1" | tr ' ' '\n' | grep -v -e ':$' -e '^$' || true
}

initramfs_base()
{
	local rel=$1 dir=$BUILD/qemu/base/$1 tmp kmods f

	[[ -f $dir/.done ]] && return 0
	readelf -l "$BUSYBOX" | grep -q 'program interpreter' &&
		harness_die "$BUSYBOX is not static: install busybox-static"
	tmp=$(mktemp -d "$BUILD/qemu/base.XXXXXX")
	kmods=$KERNELS/$rel/lib/modules/$rel
	mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp}
	mkdir -p "$tmp"/{etc/harness,lib/harness,lib/modules/"$rel"}
	cp "$BUSYBOX" "$tmp/bin/busybox"
	for f in $("$BUSYBOX" --list-full); do
		[[ $f == */* && ! -e $tmp/$f ]] && ln -s /bin/busybox "$tmp/$f"
	done
	mknod -m 600 "$tmp/dev/console" c 5 1
	cp "$kmods"/modules.{builtin,builtin.modinfo,order} "$tmp/lib/modules/$rel/"
	kernel_module_files "$rel" virtio_pci virtio_blk |
		install_modules "$tmp" "$rel" >"$tmp/etc/harness/boot-modules"
	touch "$tmp/.done"
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	mv "$tmp" "$dir"
}

# install_program ROOT NAME: a host program busybox lacks, into /usr/bin
# with the shared libraries and the loader it needs, at their host paths.
install_program()
{
	local root=$1 path lib

	path=$(command -v "$2") ||
		harness_die "GUEST_PROGRAMS: no $2 on the host (make deps installs it)"
	install -D -m 755 "$path" "$root/usr/bin/$2"
	for lib in $(ldd "$path" | grep -o '/[^ ]*'); do
		[[ -e $root$lib ]] || install -D -m 755 "$lib" "$root$lib"
	done
}

# helper_build NAME: tools/qemu/NAME.c as a static guest command, built
# once: memhog, the workload's live process (workload.sh), freshzero,
# the check that fresh anonymous memory reads as zeros (guest.sh),
# warmsvc, the slow-starting service of the snapshot scenario, and
# cpuspeed, the bench's measure of the emulated CPU's LZ4 (run on both
# sides).
helper_build()
{
	local src=$HARNESS/$1.c out=$BUILD/qemu/$1

	[[ $out -nt $src ]] && return 0
	# The system tests build their helpers before any QEMU initramfs.
	mkdir -p "$BUILD/qemu"
	# cpuspeed uses liblz4 (make deps); the others take nothing from it.
	${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src" -llz4 ||
		harness_die "cannot build $out"
	mv "$out.tmp" "$out"
}

# initramfs_build RELEASE OUTPUT: the initramfs for one boot of $SCENARIO_FILE.
initramfs_build()
{
	local rel=$1 out=$2 root=$WORK/root-$1 ko=$MODULE_DIR/$1/torpor.ko helper prog

	mkdir -p "$BUILD/qemu"
	initramfs_base "$rel"
	rm -rf "$root"
	cp -a "$BUILD/qemu/base/$rel" "$root"
	rm "$root/.done"
	: >"$root/etc/harness/torpor-deps"
	if [[ -f $ko ]]; then
		# shellcheck disable=SC2046 # one word per module name
		kernel_module_files "$rel" $(torpor_module_deps "$ko") |
			install_modules "$root" "$rel" >"$root/etc/harness/torpor-deps"
		# Stripped like Debian's own modules: the debug information is
		# 95% of the file, and the boot reads all of it.
		mkdir -p "$root/lib/modules/$rel/extra"
		strip --strip-debug -o "$root/lib/modules/$rel/extra/torpor.ko" "$ko"
	else
		echo "# note: no $ko, the guest has no torpor module"
	fi
	if [[ -f $TORPOR ]]; then
		readelf -l "$TORPOR" | grep -q 'program interpreter' &&
			harness_die "$TORPOR is not statically linked"
		install -m 755 "$TORPOR" "$root/bin/torpor"
	else
		echo "# note: no $TORPOR, the guest has no torpor command"
	fi
	# shellcheck disable=SC2086 # one word per module name
	kernel_module_files "$rel" ${GUEST_MODULES:-} |
		install_modules "$root" "$rel" >"$root/etc/harness/guest-modules"
	for prog in ${GUEST_PROGRAMS:-}; do
		install_program "$root" "$prog"
	done
	install -m 755 "$HARNESS/init" "$root/init"
	install -m 644 "$HARNESS/guest.sh" "$root/lib/harness/guest.sh"
	install -m 644 "$HARNESS/workload.sh" "$root/lib/harness/workload.sh"
	for helper in memhog freshzero warmsvc cpuspeed; do
		helper_build $helper
		install -m 755 "$BUILD/qemu/$helper" "$root/bin/$helper"
	done
	install -m 644 "$SCENARIO_FILE" "$root/lib/harness/scenario.sh"
	depmod -b "$root" "$rel"
	(cd "$root" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out"
}
