# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the system tests' image builder (rootfs), its checks (check-dkms)
# and the runs (run, lib.sh) share.  Sourced by bash; ROOT is the checkout.

# shellcheck source=tools/versions.sh
. "$ROOT/tools/versions.sh"

SYSTEM_OUT=$ROOT/build/system
DEBS=$SYSTEM_OUT/debs

# The swap disk the host creates for each run carries this UUID, so the
# image can name it the Debian way (RESUME=UUID=..., fstab, resume=).
# shellcheck disable=SC2034 # used by the scripts that source this one
SWAP_UUID=7f0e2b1c-3d4a-4c5b-9e6f-746f72706f72

# The LUKS passphrase of the laptop guest (tools/system/laptop): a test
# secret, typed by the runs at the initramfs prompt.
# shellcheck disable=SC2034 # used by the scripts that source this one
LAPTOP_PASSPHRASE=torpor-laptop

# in_chroot DIR CMD...: run CMD in DIR with /proc, /sys, /dev and the
# package cache mounted.  The mounts live in a private mount namespace
# and vanish with it, whatever happens to CMD.
in_chroot()
{
	local dir=$1

	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -c '
		set -e
		r=$1 debs=$2
		shift 2
		mount -t proc proc "$r/proc"
		mount -t sysfs sysfs "$r/sys"
		mount --bind /dev "$r/dev"
		mount --bind /dev/pts "$r/dev/pts"
		mount --bind "$debs" "$r/var/cache/apt/archives"
		exec chroot "$r" /usr/bin/env -i HOME=/root LC_ALL=C \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$dir" "$DEBS" "$@"
}

# layer KIND HASH BUILDER [ARGS]: SYSTEM_OUT/KIND-HASH, built by "BUILDER
# ARGS DIR" in a temporary directory unless it is complete already.  Older
# layers of that kind are removed.
layer()
{
	local kind=$1 hash=$2 builder=$3 dir=$SYSTEM_OUT/$1-$2 start

	shift 3
	if [[ -f $dir/.complete ]]; then
		echo "${0##*/}: $kind $hash cached" >&2
		echo "$dir"
		return
	fi
	rm -rf "$dir.tmp" "$SYSTEM_OUT/$kind"-*
	mkdir -p "$dir.tmp"
	start=$(date +%s)
	echo "${0##*/}: building $kind $hash (log: $dir.tmp/root.log)" >&2
	"$builder" "$@" "$dir.tmp"
	echo "$(($(date +%s) - start))" >"$dir.tmp/.seconds"
	touch "$dir.tmp/.complete"
	mv "$dir.tmp" "$dir"
	echo "${0##*/}: $kind $hash built in $(cat "$dir/.seconds") s" >&2
	echo "$dir"
}
