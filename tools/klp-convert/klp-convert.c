// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert: turn a module's references to unexported vmlinux symbols
 * into livepatch relocations, which the kernel's module loader applies when
 * the module loads (Documentation/livepatch/module-elf-format.rst).
 *
 *	klp-convert symvers SYMBOLS OBJECT
 *	klp-convert convert OBJECT MODULE
 *	klp-convert kallsyms VMLINUX
 *
 * OBJECT, the module's linked object, lists the symbols to convert in its
 * section ".discard.torpor_ksyms" (NUL-separated, from kernel/ksyms.c).
 * "symvers" checks them against SYMBOLS, the target kernel's symbol table
 * (one "address type name" line per symbol: System.map, /proc/kallsyms,
 * whose lines with a fourth field, module symbols, are skipped), and prints
 * them in Module.symvers format for modpost (KBUILD_EXTRA_SYMBOLS), which
 * runs before the final link and must take them for resolved.  Every
 * listed name must be in SYMBOLS exactly once, so the first of that name
 * is the one: the loader is told position 1.  Position 0 would make it
 * prove the name unique again, and 6.1's livepatch does that with a walk
 * of the whole symbol table for each relocation, where a position lets it
 * stop at the first match (6.12 looks names up in a sorted table).
 *
 * "convert" rewrites MODULE, the final .ko, in place.  The linker cannot
 * carry livepatch relocations through "ld -r" (it copies them as data), so
 * this comes after it.  Each undefined symbol of the list becomes ".klp.sym.vmlinux.NAME,1" with
 * section index SHN_LIVEPATCH, every relocation against it moves from
 * ".rela.SECTION" to a new ".klp.rela.vmlinux.SECTION", and its modversion
 * entry (a placeholder from the symvers step) is dropped.  Indices of
 * existing symbols and sections do not change: new sections, names and the
 * section header table are appended to the file.  A module not converted
 * fails to load ("Unknown symbol"), it never runs unbound.
 *
 * "kallsyms" prints, as System.map does, the symbol table a kernel keeps
 * for /proc/kallsyms, decoded from VMLINUX (tools/kimage/kallsyms.c), for
 * kernels whose System.map is not installed (Debian ships a placeholder).
 *
 * Plain <elf.h> (tools/kimage/kelf.h), no libelf: DKMS builds it on the
 * user's machine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kimage/kallsyms.h"

/* From the kernel's include/uapi/linux/elf.h. */
#define SHN_LIVEPATCH		0xff20
#define SHF_RELA_LIVEPATCH	0x00100000

#define LIST_SECTION		".discard.torpor_ksyms"
#define KLP_SYM_PREFIX		".klp.sym.vmlinux."
#define KLP_RELA_PREFIX		".klp.rela.vmlinux."

static const char *object_path;
static unsigned int converted;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "klp-convert: %s: ", object_path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* A growing byte buffer: the output file, or a string table. */
struct buf {
	unsigned char *data;
	size_t len;
};

static size_t buf_add(struct buf *b, const void *data, size_t len, size_t align)
{
	size_t at = (b->len + align - 1) / align * align;

	b->data = xrealloc(b->data, at + len);
	memset(b->data + b->len, 0, at - b->len);
	memcpy(b->data + at, data, len);
	b->len = at + len;
	return at;
}

static void write_file(const char *path, const struct buf *b)
{
	size_t len = strlen(path) + 5;
	char *tmp = xrealloc(NULL, len);
	FILE *f;

	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f))
		die("cannot write %s", tmp);
	if (rename(tmp, path))
		die("cannot rename %s: %s", tmp, strerror(errno));
	free(tmp);
}

/*
 * The object, read by kelf.h and checked enough that the accessors below
 * stay inside it; ehdr and shdr are its headers, to change in place.
 */
struct object {
	struct kelf e;
	Elf64_Ehdr *ehdr;
	Elf64_Shdr *shdr;
	unsigned int symtab;
};

static void *section_data(struct object *o, unsigned int i)
{
	return o->e.data + o->shdr[i].sh_offset;
}

static const char *section_name(struct object *o, unsigned int i)
{
	return kelf_secname(&o->e, &o->shdr[i]);
}

static void load_object(struct object *o, const char *path)
{
	unsigned int i;

	object_path = path;
	if (kelf_load(&o->e, path))
		exit(1);
	if (kelf_parse(&o->e) || o->e.eh->e_type != ET_REL ||
	    o->e.eh->e_machine != EM_X86_64)
		die("not an x86-64 ELF64 relocatable object");
	o->ehdr = (Elf64_Ehdr *)o->e.data;
	o->shdr = (Elf64_Shdr *)(o->e.data + o->ehdr->e_shoff);
	o->symtab = 0;
	for (i = 0; i < o->ehdr->e_shnum; i++) {
		Elf64_Shdr *s = &o->shdr[i];

		if (s->sh_type != SHT_NOBITS && !kelf_bytes(&o->e, s))
			die("section %u outside the file", i);
		if (s->sh_type == SHT_SYMTAB) {
			if (o->symtab || s->sh_link >= o->ehdr->e_shnum ||
			    s->sh_entsize != sizeof(Elf64_Sym))
				die("unexpected symbol table");
			o->symtab = i;
		}
		if (s->sh_type == SHT_RELA &&
		    (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_info >= o->ehdr->e_shnum))
			die("bad relocation section %u", i);
	}
	if (!o->symtab)
		die("no symbol table");
}

/* The names in the list section. */
struct name_list {
	const char **names;
	unsigned int count;
};

static struct name_list read_list(struct object *o)
{
	struct name_list l = { NULL, 0 };
	const Elf64_Shdr *s = kelf_section(&o->e, LIST_SECTION);
	const char *p, *end;

	if (!s)
		die("no section %s (kernel/ksyms.c) to list the symbols", LIST_SECTION);
	p = (const char *)kelf_bytes(&o->e, s);
	end = p + s->sh_size;
	if (p == end || end[-1])
		die("section %s is not a list of strings", LIST_SECTION);
	for (; p < end; p += strlen(p) + 1) {
		if (!*p)
			continue;	/* alignment padding */
		l.names = xrealloc(l.names, (l.count + 1) * sizeof(*l.names));
		l.names[l.count++] = p;
	}
	return l;
}

static int list_index(const struct name_list *l, const char *name)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		if (!strcmp(l->names[i], name))
			return i;
	return -1;
}

/*
 * How often each listed name occurs in the kernel's symbol table; the
 * livepatch loader counts the same way (every kallsyms symbol of the name).
 */
static unsigned int check_symbols(const char *path, const struct name_list *l)
{
	unsigned int *count = xrealloc(NULL, l->count * sizeof(*count));
	unsigned int i, lines = 0, bad = 0;
	char line[1024], name[512];
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open the kernel's symbol table %s: %s", path, strerror(errno));
	memset(count, 0, l->count * sizeof(*count));
	while (fgets(line, sizeof(line), f)) {
		char extra[2];
		int k;

		if (sscanf(line, "%*s %*s %511s %1s", name, extra) != 1)
			continue;
		lines++;
		k = list_index(l, name);
		if (k >= 0)
			count[k]++;
	}
	fclose(f);
	/* Debian ships a one-line placeholder as /boot/System.map-*. */
	if (lines < 1000)
		die("%s holds %u symbols: not the kernel's symbol table", path, lines);
	for (i = 0; i < l->count; i++) {
		if (count[i] == 1)
			continue;
		if (count[i])
			fprintf(stderr, "klp-convert: kernel symbol %s: %u symbols of that name in %s, cannot tell which\n",
				l->names[i], count[i], path);
		else
			fprintf(stderr, "klp-convert: kernel symbol %s: not in %s\n",
				l->names[i], path);
		bad++;
	}
	free(count);
	return bad;
}

/* Renames the listed undefined symbols; returns which symbols changed. */
static bool *convert_symbols(struct object *o, const struct name_list *l,
			     struct buf *strtab)
{
	Elf64_Shdr *ss = &o->shdr[o->symtab];
	Elf64_Sym *sym = section_data(o, o->symtab);
	size_t i, nsyms = ss->sh_size / sizeof(*sym);
	bool *klp = xrealloc(NULL, nsyms * sizeof(*klp));
	const char *names = section_data(o, ss->sh_link);

	strtab->len = 0;
	buf_add(strtab, names, o->shdr[ss->sh_link].sh_size, 1);
	for (i = 0; i < nsyms; i++) {
		const char *name = names + sym[i].st_name;
		char klp_name[600];

		klp[i] = false;
		if (sym[i].st_name >= o->shdr[ss->sh_link].sh_size || list_index(l, name) < 0)
			continue;
		if (sym[i].st_shndx != SHN_UNDEF)
			die("%s is listed as a kernel symbol but defined here", name);
		snprintf(klp_name, sizeof(klp_name), KLP_SYM_PREFIX "%s,1", name);
		sym[i].st_name = buf_add(strtab, klp_name, strlen(klp_name) + 1, 1);
		sym[i].st_shndx = SHN_LIVEPATCH;
		klp[i] = true;
		converted++;
	}
	return klp;
}

/*
 * What is appended to the file: the new sections' contents, and the
 * section header table.  Offsets in it start at base, the file's length
 * rounded up so that the alignments hold.
 */
struct tail {
	struct buf data;
	size_t base;
	Elf64_Shdr *shdr;	/* the sections added */
	unsigned int count;
};

static Elf64_Off tail_add(struct tail *t, const void *data, size_t len, size_t align)
{
	return t->base + buf_add(&t->data, data, len, align);
}

/*
 * Moves the relocations against converted symbols out of each relocation
 * section into a livepatch one for the same target.
 */
static void split_relocations(struct object *o, const bool *klp,
			      struct buf *shstrtab, struct tail *t)
{
	size_t nsyms = o->shdr[o->symtab].sh_size / sizeof(Elf64_Sym);
	unsigned int i;

	for (i = 1; i < o->ehdr->e_shnum; i++) {
		Elf64_Shdr *s = &o->shdr[i];
		Elf64_Rela *r = section_data(o, i), *moved;
		size_t j, kept = 0, count = s->sh_size / sizeof(*r), n = 0;
		char name[600];
		Elf64_Shdr *k;

		if (s->sh_type == SHT_REL && s->sh_link == o->symtab)
			die("REL section %s: x86-64 modules use RELA", section_name(o, i));
		if (s->sh_type != SHT_RELA || s->sh_link != o->symtab)
			continue;
		moved = xrealloc(NULL, count * sizeof(*r));
		for (j = 0; j < count; j++) {
			size_t symi = ELF64_R_SYM(r[j].r_info);

			if (symi < nsyms && klp[symi])
				moved[n++] = r[j];
			else
				r[kept++] = r[j];
		}
		if (n) {
			s->sh_size = kept * sizeof(*r);
			snprintf(name, sizeof(name), KLP_RELA_PREFIX "%s",
				 section_name(o, s->sh_info));
			t->shdr = xrealloc(t->shdr, (t->count + 1) * sizeof(*t->shdr));
			k = &t->shdr[t->count++];
			memset(k, 0, sizeof(*k));
			k->sh_name = buf_add(shstrtab, name, strlen(name) + 1, 1);
			k->sh_type = SHT_RELA;
			k->sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
			k->sh_offset = tail_add(t, moved, n * sizeof(*r), 8);
			k->sh_size = n * sizeof(*r);
			k->sh_link = o->symtab;
			k->sh_info = s->sh_info;
			k->sh_addralign = 8;
			k->sh_entsize = sizeof(*r);
		}
		free(moved);
	}
}

/* Points the section header at a new copy of its contents. */
static void replace_section(struct object *o, unsigned int i, const struct buf *b,
			    struct tail *t)
{
	o->shdr[i].sh_offset = tail_add(t, b->data, b->len, 1);
	o->shdr[i].sh_size = b->len;
}

/* Drops the modversion entries of converted symbols. */
static void drop_versions(struct object *o, const struct name_list *l)
{
	/* struct modversion_info */
	struct version {
		uint64_t crc;
		char name[64 - sizeof(uint64_t)];
	} *v;
	unsigned int i;
	size_t j, kept = 0, count;

	for (i = 1; i < o->ehdr->e_shnum; i++) {
		if (strcmp(section_name(o, i), "__versions"))
			continue;
		v = section_data(o, i);
		count = o->shdr[i].sh_size / sizeof(*v);
		for (j = 0; j < count; j++) {
			v[j].name[sizeof(v[j].name) - 1] = '\0';
			if (list_index(l, v[j].name) < 0)
				v[kept++] = v[j];
		}
		o->shdr[i].sh_size = kept * sizeof(*v);
	}
}

static void convert(const char *list_object, const char *module)
{
	struct object o, lo;
	struct name_list list;
	struct buf strtab = { NULL, 0 }, shstrtab = { NULL, 0 }, out = { NULL, 0 };
	struct tail t = { { NULL, 0 }, 0, NULL, 0 };
	unsigned int shnum;
	bool *klp;

	load_object(&lo, list_object);
	list = read_list(&lo);

	load_object(&o, module);
	t.base = (o.e.size + 7) / 8 * 8;
	klp = convert_symbols(&o, &list, &strtab);
	if (!converted)
		return;		/* done before: the .ko was not relinked */
	buf_add(&shstrtab, section_data(&o, o.ehdr->e_shstrndx),
		o.shdr[o.ehdr->e_shstrndx].sh_size, 1);
	split_relocations(&o, klp, &shstrtab, &t);
	drop_versions(&o, &list);
	replace_section(&o, o.shdr[o.symtab].sh_link, &strtab, &t);
	replace_section(&o, o.ehdr->e_shstrndx, &shstrtab, &t);

	shnum = o.ehdr->e_shnum;
	if (shnum + t.count >= SHN_LORESERVE)
		die("too many sections");
	o.ehdr->e_shoff = tail_add(&t, o.shdr, shnum * sizeof(*o.shdr), 8);
	tail_add(&t, t.shdr, t.count * sizeof(*t.shdr), 1);
	o.ehdr->e_shnum = shnum + t.count;

	buf_add(&out, o.e.data, o.e.size, 1);
	buf_add(&out, t.data.data, t.data.len, 8);	/* at t.base */
	write_file(module, &out);
}

/* Checks the list against the kernel and prints it for modpost. */
static void symvers(const char *symbols, const char *object)
{
	struct object o;
	struct name_list list;
	unsigned int i;

	load_object(&o, object);
	list = read_list(&o);
	if (check_symbols(symbols, &list))
		die("kernel symbols of ksyms_list.h missing or ambiguous in the target kernel");
	for (i = 0; i < list.count; i++)
		printf("0x00000000\t%s\tvmlinux\tEXPORT_SYMBOL_GPL\t\n", list.names[i]);
}

/* Prints the symbol table that tools/kimage/kallsyms.c decodes. */
static void kallsyms(const char *path)
{
	struct kelf vmlinux;
	struct kernel k;
	unsigned int i;

	object_path = path;
	if (kelf_open(&vmlinux, path) || kernel_load(&k, &vmlinux))
		die("no kernel symbol table");
	for (i = 0; i < k.nsyms; i++)
		printf("%016llx %c %s\n", (unsigned long long)k.syms[i].addr,
		       k.syms[i].type, k.syms[i].name);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "symvers"))
		symvers(argv[2], argv[3]);
	else if (argc == 4 && !strcmp(argv[1], "convert"))
		convert(argv[2], argv[3]);
	else if (argc == 3 && !strcmp(argv[1], "kallsyms"))
		kallsyms(argv[2]);
	else {
		fprintf(stderr, "usage: klp-convert symvers SYMBOLS OBJECT\n"
				"       klp-convert convert OBJECT MODULE\n"
				"       klp-convert kallsyms VMLINUX\n");
		return 2;
	}
	return 0;
}
