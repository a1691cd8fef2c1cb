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
