#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dracut module: put torpor into the initramfs and load it before udev
# starts, because dracut's resume module (95resume) writes the resume
# device to /sys/power/resume from a udev rule, a pre-mount hook or
# systemd-hibernate-resume, whichever comes first.

# $kernel, $srcmods and $moddir come from dracut.
# shellcheck disable=SC2154

# Set by "make install" to where the command was installed.
TORPOR_BIN=/usr/sbin/torpor

# called by dracut
check() {
    # Only kernels torpor was built for (make install or DKMS).
    [[ -n $(find "$srcmods" -name 'torpor.ko*' -print -quit 2> /dev/null) ]]
}

# called by dracut
depends() {
    # Without the resume module the initramfs would never ask for an image.
    echo resume
    return 0
}

# called by dracut
installkernel() {
    instmods torpor
}

# called by dracut
install() {
    inst_hook pre-udev 30 "$moddir/torpor-load.sh"
    # For a rescue shell: "torpor inspect", "torpor discard".
    inst_multiple -o "$TORPOR_BIN"
}
