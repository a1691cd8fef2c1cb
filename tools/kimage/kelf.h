/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only access to a 64-bit little-endian ELF file mapped in memory:
 * the kernel's vmlinux (tools/kimage/vmlinux-elf) and torpor's objects.
 * Header-only, so that each checker stays one host program.  data is
 * the caller's copy: klp-convert edits an object in it before writing it.
 */
#ifndef TORPOR_KELF_H
#define TORPOR_KELF_H

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

struct kelf {
	const char *path;
	unsigned char *data;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *shstr;
};

/* Reads all of @path (sysfs files too); 0, or -1 after saying why. */
static inline int kelf_load(struct kelf *e, const char *path)
{
	unsigned char *buf = NULL;
	size_t size = 0, cap = 0;
	ssize_t got = 1;
	int fd = open(path, O_RDONLY);

	memset(e, 0, sizeof(*e));
	e->path = path;
	while (fd >= 0 && got > 0) {
		if (size == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		got = read(fd, buf + size, cap - size);
		size += got > 0 ? got : 0;
	}
	if (fd < 0 || !buf || got < 0) {
		perror(path);
		return -1;
	}
	close(fd);
	e->data = buf;
	e->size = size;
	return 0;
}

/* Is what kelf_load() read a 64-bit little-endian ELF file? */
static inline int kelf_parse(struct kelf *e)
{
	e->eh = (const Elf64_Ehdr *)e->data;
	if (e->size < sizeof(*e->eh) || memcmp(e->eh->e_ident, ELFMAG, SELFMAG) ||
	    e->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->eh->e_shentsize != sizeof(Elf64_Shdr) || e->eh->e_shoff > e->size ||
	    (e->size - e->eh->e_shoff) / sizeof(Elf64_Shdr) < e->eh->e_shnum ||
	    e->eh->e_shstrndx >= e->eh->e_shnum)
		return -1;
	e->sh = (const Elf64_Shdr *)(e->data + e->eh->e_shoff);
	e->shstr = (const char *)e->data + e->sh[e->eh->e_shstrndx].sh_offset;
	return 0;
}

static inline int kelf_open(struct kelf *e, const char *path)
{
	if (kelf_load(e, path))
		return -1;
	if (kelf_parse(e)) {
		fprintf(stderr, "%s: not a 64-bit little-endian ELF file\n", path);
		return -1;
	}
	return 0;
}

static inline const char *kelf_secname(const struct kelf *e, const Elf64_Shdr *s)
{
	return e->shstr + s->sh_name;
}

/* The section's bytes in the file, NULL for SHT_NOBITS or out of range. */
static inline const unsigned char *kelf_bytes(const struct kelf *e, const Elf64_Shdr *s)
{
	if (s->sh_type == SHT_NOBITS || s->sh_offset > e->size ||
	    e->size - s->sh_offset < s->sh_size)
		return NULL;
	return e->data + s->sh_offset;
}

static inline const Elf64_Shdr *kelf_section(const struct kelf *e, const char *name)
{
	int i;

	for (i = 1; i < e->eh->e_shnum; i++)
		if (!strcmp(kelf_secname(e, &e->sh[i]), name))
			return &e->sh[i];
	return NULL;
}

#endif /* TORPOR_KELF_H */
