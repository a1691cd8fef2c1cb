# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Lines of the kernel's own hibernation (swsusp) that no hibernation or
# resume by torpor may show, on the console (host, lib.sh) or in the
# journal (guest, syslib.sh).

# shellcheck disable=SC2034 # used by the scripts that source this one
SWSUSP_LINES='PM: (hibernation: )?(hibernation entry|hibernation exit|resume from hibernation|Preallocating image memory|Allocated [0-9]+ pages|Creating image|Image created|Need to copy|Image saving|Saving image|Image loading|Loading image data|Image successfully loaded|Read [0-9]+ kbytes|Wrote [0-9]+ kbytes)'
