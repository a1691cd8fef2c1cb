# SPDX-License-Identifier: GPL-2.0
#
# resume-ioerror: the disk fails a read while the image is loaded.  Boot 1
# hibernates with the small workload; the host picks the block in the
# middle of the image's stream and has QEMU's blkdebug driver fail every
# read that touches its first sector with EIO in boot 2 (reads only: the
# signature page can still be written).  Boot 2 asks for the resume: torpor
# must refuse naming that block's read error, the boot goes on, the swap
# signature is back and swapon takes the area; the host finds no image.
#
# check: kernels=61,612 order=50 budget=120

plan()
{
	local swap head block

	disk swap 256 swap
	swap=$(disk_path swap)
	boot hibernate timeout=300 append="$APPEND"
	expect_poweroff
	host_run "$TORPOR" verify "$swap"
	head=$(LC_ALL=C grep -obUa TORB "$swap" | cut -d : -f 1 |
	       awk '{ h[NR] = $1 } END { print h[int((NR + 1) / 2)] }')
	[[ -n $head ]] || scenario_fail "no block head (TORB) found on $swap"
	cat >"$WORK/blkdebug.conf" <<-END
	[inject-error]
	event = "read_aio"
	errno = "5"
	sector = "$((head / 512))"
	once = "off"
	END
	echo "# host: reads of sector $((head / 512)) (a block head at byte $head) fail with EIO in boot 2"
	boot resume timeout=300 append="$APPEND" blkdebug="swap:$WORK/blkdebug.conf"
	expect_pass
	block=$(result refused)
	echo "# guest: $block"
	expect_no_image "$swap"
}

stage_hibernate()
{
	local dev

	dev=$(disk_dev swap)
	hibernate_small "$dev"
	fail "resumed an image whose disk fails reads"
}

stage_resume()
{
	expect_refused_saying "$(disk_dev swap)" refused \
		'torpor: image block [0-9]*: read error.*'
}
