// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input is a whole device.  It goes through what
 * inspect, verify and extract do: probe, tail and header, both forms of
 * the header printer, map chain, index, every block, coverage and the
 * data page to frame lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "print.h"

static int touch_pages(void *ctx, struct image *img, uint64_t first,
		       uint32_t npages, const uint8_t *pages)
{
	uint64_t *sum = ctx;

	/* Reads every decompressed byte and maps every data page. */
	for (uint32_t i = 0; i < npages; i++)
		*sum += image_pfn(img, first + i) +
			pages[(size_t)i * TORPOR_PAGE_SIZE + TORPOR_PAGE_SIZE - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	uint8_t *copy = malloc(size ? size : 1);
	struct image img;
	struct dev dev;
	uint64_t sum = 0;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	memcpy(copy, data, size);
	dev_from_mem(&dev, copy, size);
	image_init(&img, &dev, 0);
	if (!image_open(&img)) {
		image_print(devnull, &img, true);
		image_print(devnull, &img, false);
		if (!image_load(&img))
			image_walk(&img, touch_pages, &sum);
	}
	image_release(&img);
	free(copy);
	return 0;
}
