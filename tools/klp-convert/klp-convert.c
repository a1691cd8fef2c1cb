// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert: turn a module's references to unexported vmlinux symbols
 * into livepatch relocations, which the kernel's module loader applies when
 * the module loads (Documentation/livepatch/module-elf-format.rst).
 *
 *	klp-convert symvers SYMBOLS OBJECT
 *	klp-convert convert SYMBOLS OBJECT MODULE [OUTPUT]
 *	klp-convert kallsyms VMLINUX
 *
 * OBJECT, the module's linked object, lists the symbols to convert in its
 * sections ".discard.torpor_ksyms" and ".discard.torpor_ksyms_by_name"
 * (NUL-separated, from kernel/ksyms.c).  SYMBOLS is the target kernel's
 * symbol table (one "address type name" line per symbol: System.map,
 * /proc/kallsyms, whose lines with a fourth field, module symbols, are
 * skipped).  "symvers" checks the names against it and prints them in
 * Module.symvers format for modpost (KBUILD_EXTRA_SYMBOLS), which runs
 * before the final link and must take them for resolved.  Every listed
 * name must be in SYMBOLS exactly once, so the first of that name is the
 * one: the loader is told position 1.  Position 0 would make it prove the
 * name unique again, and 6.1's livepatch does that with a walk of the
 * whole symbol table for each relocation, where a position lets it stop at
 * the first match (6.12 looks names up in a sorted table).
 *
 * "convert" rewrites MODULE, the final .ko, in place, or writes the result to
 * OUTPUT.  The linker cannot carry livepatch relocations through "ld -r" (it
 * copies them as data), so this comes after it.  A symbol of the by-name list
 * becomes ".klp.sym.vmlinux.NAME,1"; one of the other list
 * ".klp.sym.vmlinux._text,1", and each relocation against it gets the distance
 * from _text to the symbol in SYMBOLS added to its addend: KASLR moves the
 * kernel image as one block, so the loader's walk stops at _text, near the
 * start of the table, instead of going on to the symbol.  That distance holds
 * for this kernel build only, and the module proves it at load
 * (kernel/ksyms.c), which a symbol sharing its address with another, or outside
 * the image (per-CPU, absolute), would defeat: "symvers" refuses those unless
 * they are listed by name.  Each converted symbol gets section index
 * SHN_LIVEPATCH, every relocation against it moves from ".rela.SECTION" to a
 * new ".klp.rela.vmlinux.SECTION", and its modversion entry (a placeholder from
 * the symvers step) is dropped.  Indices of existing symbols and sections do
 * not change: new sections, names and the section header table are appended to
 * the file.  A module not converted fails to load ("Unknown symbol"), it never
 * runs unbound.
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
#define BY_NAME_SECTION		".discard.torpor_ksyms_by_name"
#define ANCHOR			"_text"
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

/*
 * The names in the list sections and, once read_symbols() has run, where
 * the kernel's symbol table puts each.
 */
struct name_list {
	const char **names;
	bool *by_name;
	int64_t *distance;	/* from ANCHOR, for those not by name */
	unsigned int count;
};

static void read_section(struct object *o, const char *section, bool by_name,
			 struct name_list *l)
{
	const Elf64_Shdr *s = kelf_section(&o->e, section);
	const char *p, *end;

	if (!s)
		return;
	p = (const char *)kelf_bytes(&o->e, s);
	end = p + s->sh_size;
	if (p == end || end[-1])
		die("section %s is not a list of strings", section);
	for (; p < end; p += strlen(p) + 1) {
		if (!*p)
			continue;	/* alignment padding */
		l->names = xrealloc(l->names, (l->count + 1) * sizeof(*l->names));
		l->by_name = xrealloc(l->by_name, (l->count + 1) * sizeof(*l->by_name));
		l->names[l->count] = p;
		l->by_name[l->count++] = by_name;
	}
}

static struct name_list read_list(struct object *o)
{
	struct name_list l = { NULL, NULL, NULL, 0 };

	read_section(o, LIST_SECTION, false, &l);
	read_section(o, BY_NAME_SECTION, true, &l);
	if (!l.count)
		die("no section %s (kernel/ksyms.c) to list the symbols", LIST_SECTION);
	l.distance = xrealloc(NULL, l.count * sizeof(*l.distance));
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What SYMBOLS says of the listed names and of ANCHOR. */
struct table {
	unsigned int *count;	/* symbols of each listed name */
	uint64_t *addr;		/* the last of them */
	unsigned int anchor_count;
	uint64_t anchor;
	uint64_t *all;		/* every address, sorted */
	unsigned int lines, room;
};

static void read_table(const char *path, const struct name_list *l, struct table *t)
{
	char line[1024], name[512], extra[2];
	unsigned long long addr;
	FILE *f = fopen(path, "r");
	int k;

	if (!f)
		die("cannot open the kernel's symbol table %s: %s", path, strerror(errno));
	t->count = xrealloc(NULL, l->count * sizeof(*t->count));
	t->addr = xrealloc(NULL, l->count * sizeof(*t->addr));
	memset(t->count, 0, l->count * sizeof(*t->count));
	t->anchor_count = 0;
	t->all = NULL;
	t->lines = t->room = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*s %511s %1s", &addr, name, extra) != 2)
			continue;
		if (t->lines == t->room) {
			t->room = 2 * t->room + 1024;
			t->all = xrealloc(t->all, t->room * sizeof(*t->all));
		}
		t->all[t->lines++] = addr;
		k = list_index(l, name);
		if (k >= 0) {
			t->count[k]++;
			t->addr[k] = addr;
		}
		if (!strcmp(name, ANCHOR)) {
			t->anchor_count++;
			t->anchor = addr;
		}
	}
	fclose(f);
	qsort(t->all, t->lines, sizeof(*t->all), cmp_u64);
}

static unsigned int symbols_at(const struct table *t, uint64_t addr)
{
	const uint64_t *p = bsearch(&addr, t->all, t->lines, sizeof(addr), cmp_u64);
	unsigned int n = 0;

	if (!p)
		return 0;
	while (p > t->all && p[-1] == addr)
		p--;
	for (; p < t->all + t->lines && *p == addr; p++)
		n++;
	return n;
}

/*
 * Reads SYMBOLS into @l's distances; fails naming every listed name that
 * is missing or ambiguous there, and every TORPOR_KSYM() the load-time
 * check could not prove by its address.
 */
static void read_symbols(const char *path, struct name_list *l)
{
	struct table t;
	unsigned int i, bad = 0;

	read_table(path, l, &t);
	/* Debian ships a one-line placeholder as /boot/System.map-*. */
	if (t.lines < 1000)
		die("%s holds %u symbols: not the kernel's symbol table", path, t.lines);
	if (t.anchor_count != 1)
		die("%s: %u symbols called %s, wanted one", path, t.anchor_count, ANCHOR);
	if (!t.anchor)
		die("%s: %s at address 0: a table without addresses (kptr_restrict?)",
		    path, ANCHOR);
	for (i = 0; i < l->count; i++) {
		const char *name = l->names[i];

		if (t.count[i] != 1) {
			if (t.count[i])
				fprintf(stderr, "klp-convert: kernel symbol %s: %u symbols of that name in %s, cannot tell which\n",
					name, t.count[i], path);
			else
				fprintf(stderr, "klp-convert: kernel symbol %s: not in %s\n",
					name, path);
			bad++;
		} else if (l->by_name[i]) {
			continue;
		} else if (t.addr[i] < t.anchor) {
			fprintf(stderr, "klp-convert: kernel symbol %s: below %s in %s (per-CPU or absolute): list it with TORPOR_KSYM_BY_NAME()\n",
				name, ANCHOR, path);
			bad++;
		} else if (symbols_at(&t, t.addr[i]) > 1) {
			fprintf(stderr, "klp-convert: kernel symbol %s: shares its address with another symbol in %s: list it with TORPOR_KSYM_BY_NAME()\n",
				name, path);
			bad++;
		}
		l->distance[i] = t.addr[i] - t.anchor;
	}
	free(t.count);
	free(t.addr);
	free(t.all);
	if (bad)
		die("kernel symbols of ksyms_list.h missing, ambiguous or not to be bound by address in the target kernel");
}

/*
 * Renames the listed undefined symbols; returns which symbols changed, and
 * in *@distance what their relocations' addends get.
 */
static bool *convert_symbols(struct object *o, const struct name_list *l,
			     struct buf *strtab, int64_t **distance)
{
	Elf64_Shdr *ss = &o->shdr[o->symtab];
	Elf64_Sym *sym = section_data(o, o->symtab);
	size_t i, nsyms = ss->sh_size / sizeof(*sym);
	bool *klp = xrealloc(NULL, nsyms * sizeof(*klp));
	const char *names = section_data(o, ss->sh_link);
	const char *anchor = KLP_SYM_PREFIX ANCHOR ",1";
	size_t anchor_name = 0;

	*distance = xrealloc(NULL, nsyms * sizeof(**distance));
	strtab->len = 0;
	buf_add(strtab, names, o->shdr[ss->sh_link].sh_size, 1);
	for (i = 0; i < nsyms; i++) {
		const char *name = names + sym[i].st_name;
		char klp_name[600];
		int k;

		klp[i] = false;
		(*distance)[i] = 0;
		if (sym[i].st_name >= o->shdr[ss->sh_link].sh_size)
			continue;
		k = list_index(l, name);
		if (k < 0)
			continue;
		if (sym[i].st_shndx != SHN_UNDEF)
			die("%s is listed as a kernel symbol but defined here", name);
		if (l->by_name[k]) {
			snprintf(klp_name, sizeof(klp_name), KLP_SYM_PREFIX "%s,1", name);
			sym[i].st_name = buf_add(strtab, klp_name, strlen(klp_name) + 1, 1);
		} else {
			if (!anchor_name)
				anchor_name = buf_add(strtab, anchor, strlen(anchor) + 1, 1);
			sym[i].st_name = anchor_name;
			(*distance)[i] = l->distance[k];
		}
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
			      const int64_t *distance, struct buf *shstrtab,
			      struct tail *t)
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

			if (symi < nsyms && klp[symi]) {
				moved[n] = r[j];
				moved[n++].r_addend += distance[symi];
			} else {
				r[kept++] = r[j];
			}
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

static void convert(const char *symbols, const char *list_object,
		    const char *module, const char *output)
{
	struct object o, lo;
	struct name_list list;
	struct buf strtab = { NULL, 0 }, shstrtab = { NULL, 0 }, out = { NULL, 0 };
	struct tail t = { { NULL, 0 }, 0, NULL, 0 };
	unsigned int shnum;
	int64_t *distance;
	bool *klp;

	load_object(&lo, list_object);
	list = read_list(&lo);
	read_symbols(symbols, &list);

	load_object(&o, module);
	t.base = (o.e.size + 7) / 8 * 8;
	klp = convert_symbols(&o, &list, &strtab, &distance);
	if (!converted) {
		/* Done before: the .ko was not relinked. */
		if (strcmp(output, module)) {
			buf_add(&out, o.e.data, o.e.size, 1);
			write_file(output, &out);
		}
		return;
	}
	buf_add(&shstrtab, section_data(&o, o.ehdr->e_shstrndx),
		o.shdr[o.ehdr->e_shstrndx].sh_size, 1);
	split_relocations(&o, klp, distance, &shstrtab, &t);
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
	write_file(output, &out);
}

/* Checks the list against the kernel and prints it for modpost. */
static void symvers(const char *symbols, const char *object)
{
	struct object o;
	struct name_list list;
	unsigned int i;

	load_object(&o, object);
	list = read_list(&o);
	read_symbols(symbols, &list);
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
	else if ((argc == 5 || argc == 6) && !strcmp(argv[1], "convert"))
		convert(argv[2], argv[3], argv[4], argv[argc - 1]);
	else if (argc == 3 && !strcmp(argv[1], "kallsyms"))
		kallsyms(argv[2]);
	else {
		fprintf(stderr, "usage: klp-convert symvers SYMBOLS OBJECT\n"
				"       klp-convert convert SYMBOLS OBJECT MODULE [OUTPUT]\n"
				"       klp-convert kallsyms VMLINUX\n");
		return 2;
	}
	return 0;
}
