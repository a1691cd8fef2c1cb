#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-6.1 and extract only the kselftest framework
# (kselftest_harness.h, kselftest.h, kselftest/, lib.mk) into
# $BUILD/kselftest/.  The files are never committed: they are the kernel's
# own, used as is.  Safe to run again: it does nothing once they are there.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
pkg=linux-source-6.1
dest=$build/kselftest
distfiles=$build/distfiles

[ -f "$dest/kselftest_harness.h" ] && exit 0

mkdir -p "$distfiles"
# The newest download: the last name the glob sorts.
newest_deb()
{
	for f in "$distfiles/${pkg}"_*_all.deb; do
		[ -e "$f" ] && deb=$f
	done
	[ -n "$deb" ]
}

deb=
if ! newest_deb; then
	(cd "$distfiles" && apt-get download "$pkg")
	newest_deb || { echo "kselftest-fetch: no $pkg package" >&2; exit 1; }
fi

tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
# The source tarball sits inside the .deb; its members start with
# linux-source-6.1/, so four stripped components leave the selftests root.
dpkg-deb --fsys-tarfile "$deb" |
	tar -xOf - "./usr/src/$pkg.tar.xz" |
	tar -xJf - -C "$tmp" --strip-components=4 --wildcards \
		"$pkg/tools/testing/selftests/kselftest*" \
		"$pkg/tools/testing/selftests/lib.mk"
[ -f "$tmp/kselftest_harness.h" ] || { echo "kselftest-fetch: kselftest_harness.h missing from $deb" >&2; exit 1; }
rm -rf "$dest"
mv "$tmp" "$dest"
