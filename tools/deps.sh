#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install and fetch everything torpor's build and tests need on Debian 12.
# Idempotent and quick when all is in place: apt is only consulted when a
# package is missing or build/versions.mk has not been written yet.
#
# QEMU comes from bookworm-backports (see install_qemu).
#
# Results, all under build/:
#   versions.mk                 KVER_61 / KVER_612: the two kernel releases
#   distfiles/*.deb             downloaded kernel images and kernel source
#   kernels/<release>/          extracted image: boot/vmlinuz-<release>,
#                               lib/modules/<release>/ (with modules.dep)
#   checkpatch/                 checkpatch.pl and its data files
#
# The kernel releases are discovered, never pinned: the 6.1 one is whatever
# linux-headers-amd64 depends on, the 6.12 one the newest
# linux-headers-6.12.*+deb12-amd64.  Delete build/versions.mk to re-discover.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
DISTFILES=$BUILD/distfiles
KERNELS=$BUILD/kernels
VERSIONS=$BUILD/versions.mk

export DEBIAN_FRONTEND=noninteractive

# xz-utils and zstd also decompress the kernel images, whose symbol
# tables the module build reads (tools/klp-convert/kernel-symbols).
# btrfs-progs makes the btrfs of the swapfile scenario and goes into its
# guest (mkswapfile, map-swapfile).  python3-docutils: make style parses
# Documentation/ (tools/doc/rst-check).
PACKAGES=(busybox-static cpio kmod xz-utils zstd lz4 liblz4-dev
	  clang libclang-rt-14-dev make gcc perl util-linux coreutils shellcheck
	  linux-headers-amd64 btrfs-progs python3-docutils)

APT_UPDATED=

die()
{
	echo "deps: $*" >&2
	exit 1
}

apt_update_once()
{
	[[ -n $APT_UPDATED ]] && return
	echo "deps: apt-get update"
	apt-get update -qq || die "apt-get update failed"
	APT_UPDATED=1
}

missing_packages()
{
	local pkg

	for pkg in "$@"; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$pkg"
	done
}

install_packages()
{
	local missing

	missing=$(missing_packages "$@")
	[[ -z $missing ]] && return
	apt_update_once
	echo "deps: installing ${missing//$'\n'/ }"
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq --no-install-recommends $missing ||
		die "apt-get install failed:" $missing
}

# bookworm's QEMU 7.2 now and then runs a guest's vCPU on code the guest
# kernel had already patched (a static key, a livepatch): a third of the
# runs of one scenario died of it on 6.12 (Documentation/testing.rst,
# "Which QEMU").  bookworm-backports, on the same Debian mirror, has
# QEMU 10.
QEMU_SUITE=bookworm-backports
QEMU_MAJOR=10
QEMU_SOURCES=/etc/apt/sources.list.d/torpor-$QEMU_SUITE.sources

qemu_major()
{
	qemu-system-x86_64 --version 2>/dev/null |
		sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}

qemu_recent()
{
	[[ $(qemu_major) -ge $QEMU_MAJOR ]]
}

# apt_suite_mirror SUITE: the mirror apt takes SUITE's main packages
# from, empty if none is configured.
apt_suite_mirror()
{
	apt-cache policy 2>/dev/null |
		awk -v suite="$1/main" '$3 == suite && $4 == "amd64" && !url { url = $2 }
					 END { print url }'
}

install_qemu()
{
	local mirror

	qemu_recent && return
	if [[ -z $(apt_suite_mirror "$QEMU_SUITE") ]]; then
		mirror=$(apt_suite_mirror bookworm)
		[[ -n $mirror ]] || die "no bookworm/main in apt's sources to add $QEMU_SUITE to"
		echo "deps: adding $QEMU_SUITE ($mirror) to apt's sources for QEMU"
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
			"$mirror" "$QEMU_SUITE" /usr/share/keyrings/debian-archive-keyring.gpg \
			>"$QEMU_SOURCES"
		APT_UPDATED=
	fi
	apt_update_once
	echo "deps: installing qemu-system-x86 from $QEMU_SUITE"
	apt-get install -y -qq --no-install-recommends -t "$QEMU_SUITE" qemu-system-x86 ||
		die "apt-get install -t $QEMU_SUITE qemu-system-x86 failed"
	qemu_recent ||
		die "QEMU $(qemu_major) installed, $QEMU_MAJOR or later needed"
}

# The 6.1 ABI that the linux-headers-amd64 metapackage points at.
discover_kver_61()
{
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		sort -V | tail -n 1
}

discover_kver_612()
{
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\) .*/\1/p' |
		sort -V | tail -n 1
}

write_versions()
{
	local v61 v612

	v61=$(discover_kver_61)
	v612=$(discover_kver_612)
	if [[ -z $v61 || -z $v612 ]]; then
		apt_update_once
		v61=$(discover_kver_61)
		v612=$(discover_kver_612)
	fi
	[[ -n $v61 ]] || die "no linux-headers-6.1.*-amd64 behind linux-headers-amd64"
	[[ -n $v612 ]] || die "no linux-headers-6.12.*+deb12-amd64 package found"
	mkdir -p "$BUILD"
	printf 'KVER_61 := %s\nKVER_612 := %s\n' "$v61" "$v612" >"$VERSIONS.tmp"
	mv "$VERSIONS.tmp" "$VERSIONS"
	echo "deps: kernels $v61 and $v612"
}

read_version()
{
	sed -n "s/^$1 := //p" "$VERSIONS"
}

# apt-get download into build/distfiles/ unless a matching .deb is there.
download_deb()
{
	local pkg=$1

	compgen -G "$DISTFILES/${pkg}_*.deb" >/dev/null && return
	apt_update_once
	mkdir -p "$DISTFILES"
	echo "deps: downloading $pkg"
	# Root cannot drop to the _apt sandbox user for a private directory;
	# downloading as root is what we want here anyway.
	(cd "$DISTFILES" &&
	 apt-get download -qq -o APT::Sandbox::User=root "$pkg") ||
		die "apt-get download $pkg failed"
}

# Unpack the unsigned image of <release> and index its modules, so the QEMU
# harness can resolve module dependencies with the host's modprobe/depmod.
extract_kernel()
{
	local rel=$1 dir=$KERNELS/$1 deb

	[[ -f $dir/.extracted ]] && return
	download_deb "linux-image-$rel-unsigned"
	deb=$(compgen -G "$DISTFILES/linux-image-${rel}-unsigned_*.deb" | sort -V | tail -n 1)
	echo "deps: extracting $(basename "$deb")"
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
	[[ -f $dir/boot/vmlinuz-$rel ]] || die "$deb has no boot/vmlinuz-$rel"
	depmod -b "$dir" "$rel"
	touch "$dir/.extracted"
}

# checkpatch.pl is not in the headers packages; take it from linux-source.
fetch_checkpatch()
{
	local dir=$BUILD/checkpatch deb tmp

	[[ -f $dir/checkpatch.pl ]] && return
	download_deb linux-source-6.1
	deb=$(compgen -G "$DISTFILES/linux-source-6.1_*.deb" | sort -V | tail -n 1)
	echo "deps: extracting checkpatch.pl from $(basename "$deb")"
	tmp=$(mktemp -d "$BUILD/.checkpatch.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tmp" --wildcards --strip-components=2 \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	[[ -f $tmp/checkpatch.pl ]] || die "checkpatch.pl not found in $deb"
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

main()
{
	local kver_61 kver_612

	[[ $(id -u) -eq 0 ]] ||
		{ [[ -z $(missing_packages "${PACKAGES[@]}") ]] && qemu_recent; } ||
		die "run as root to install packages"
	install_packages "${PACKAGES[@]}"
	install_qemu
	[[ -f $VERSIONS ]] || write_versions
	kver_61=$(read_version KVER_61)
	kver_612=$(read_version KVER_612)
	install_packages "linux-headers-$kver_61" "linux-headers-$kver_612"
	extract_kernel "$kver_61"
	extract_kernel "$kver_612"
	fetch_checkpatch
	if [[ -x $ROOT/tools/kselftest-fetch.sh ]]; then
		"$ROOT/tools/kselftest-fetch.sh"
	fi
}

main "$@"
