/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TORPOR_PRINT_H
#define TORPOR_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "image.h"

/* The header of an opened image, for people or (json) for programs. */
void image_print(FILE *f, const struct image *img, bool json);

#endif
