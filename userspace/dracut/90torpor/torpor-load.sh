#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dracut pre-udev hook: load torpor before udev can see the resume device.
# Boot with module_blacklist=torpor to keep torpor out of a boot.

modprobe torpor || warn "torpor: module not loaded, a torpor image will not be resumed"
