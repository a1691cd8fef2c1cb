# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# read_versions: KVER_61 and KVER_612, the Debian kernel releases that
# "make deps" wrote to build/versions.mk, for the scripts that run outside
# make (the QEMU harness, the system tests).  Sourced by bash; ROOT is the
# checkout.
# shellcheck disable=SC2034 # KVER_61 and KVER_612 are for the caller
read_versions()
{
	local mk=$ROOT/build/versions.mk

	[[ -f $mk ]] || { echo "no build/versions.mk (run make deps)" >&2; return 1; }
	KVER_61=$(sed -n 's/^KVER_61 := //p' "$mk")
	KVER_612=$(sed -n 's/^KVER_612 := //p' "$mk")
}
