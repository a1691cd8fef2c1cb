// SPDX-License-Identifier: GPL-2.0
/*
 * ibtcheck: the static proof that torpor.ko runs with IBT enforced
 * (Documentation/module.rst, "Indirect branch tracking").
 *
 *   ibtcheck VMLINUX MODULE.ko [MODULE.o]
 *
 * VMLINUX is the kernel's ELF image (tools/kimage/vmlinux-elf); MODULE.o
 * is the module before modfinal, which still has the .discard.noendbr
 * annotations (default: MODULE.ko with .o for .ko).  Prints KTAP, one
 * "# ... " line per finding, and exits 1 if anything was found:
 *
 *  1 kernel-branches: every relocation, ordinary or livepatch, against a
 *    kernel function the kernel seals (.ibt_endbr_seal) is the rel32 of a
 *    direct call or jump (e8, e9, 0f 8x), never an address taken.  A
 *    livepatch relocation is checked at the address it reaches, which for
 *    most is _text plus a distance (tools/klp-convert); the table of
 *    addresses torpor's load compares (kernel/ksyms.c) is left out.
 *  2 no-runtime-lookup: the module references none of the kernel's
 *    services that turn a name into an address at run time (kallsyms,
 *    kprobes, fprobes, ftrace filters).  Without them a name in the
 *    module's strings is inert, so such names are listed, as the symbols
 *    those lookups would reach, only when the test fails.
 *  3 endbr: every relocation taking the address of a place in the
 *    module's own text, other than a direct branch or a reference from
 *    inside the same function, lands on an endbr64 that objtool did not
 *    seal (the module's .ibt_endbr_seal), unless that place is marked
 *    ANNOTATE_NOENDBR.  Metadata sections objtool also skips (alternatives,
 *    exception tables, ORC, ...) do not count.
 * Tests 1 and 3 are skipped for a kernel built without IBT.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "../kimage/kallsyms.h"

#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH	0xff20
#endif

static const char *const lookup_apis[] = {
	"kallsyms_lookup_name", "kallsyms_on_each_symbol",
	"kallsyms_on_each_match_symbol", "module_kallsyms_lookup_name",
	"module_kallsyms_on_each_symbol", "register_kprobe", "register_kprobes",
	"register_kretprobe", "register_kretprobes", "register_fprobe",
	"register_fprobe_syms", "ftrace_set_filter", "ftrace_set_filter_ips",
	NULL
};

/* Sections that point into text without branching there (objtool's list). */
static const char *const metadata_sections[] = {
	".altinstructions", ".ibt_endbr_seal", ".orc_unwind_ip",
	".parainstructions", ".retpoline_sites", ".return_sites", ".call_sites",
	".smp_locks", ".static_call_sites", "_error_injection_whitelist",
	"_kprobe_blacklist", "__bug_table", "__ex_table", "__jump_table",
	"__mcount_loc", ".kcfi_traps", "__patchable_function_entries", NULL
};

/*
 * Sections whose kernel addresses are compared, never called: the table
 * torpor's load checks its kernel symbols against (kernel/ksyms.c).
 */
static const char *const compared_sections[] = {
	".init.rodata.torpor_ksyms", NULL
};

struct place {
	unsigned int shndx;
	uint64_t off;
};

struct places {
	struct place *p;
	size_t n;
};

struct module {
	struct kelf e;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	struct places sealed;		/* the module's own .ibt_endbr_seal */
	struct places noendbr;		/* ANNOTATE_NOENDBR, in the .ko */
};

struct test {
	const char *name;
	unsigned int findings;
};

static struct test tests[] = {
	{ .name = "kernel-branches" },
	{ .name = "no-runtime-lookup" },
	{ .name = "endbr" },
};

enum { T_BRANCHES, T_LOOKUP, T_ENDBR };

static void finding(int t, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", tests[t].name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tests[t].findings++;
}

static int in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name) ||
		    (!strncmp(name, ".rela", 5) && !strcmp(*list, name + 5)))
			return 1;
	return 0;
}

static void places_add(struct places *ps, unsigned int shndx, uint64_t off)
{
	ps->p = realloc(ps->p, (ps->n + 1) * sizeof(*ps->p));
	if (!ps->p) {
		perror("ibtcheck");
		exit(2);
	}
	ps->p[ps->n].shndx = shndx;
	ps->p[ps->n++].off = off;
}

static int places_has(const struct places *ps, unsigned int shndx, uint64_t off)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].shndx == shndx && ps->p[i].off == off)
			return 1;
	return 0;
}

static int module_open(struct module *m, const char *path)
{
	int i;

	memset(m, 0, sizeof(*m));
	if (kelf_open(&m->e, path))
		return -1;
	for (i = 1; i < m->e.eh->e_shnum; i++) {
		const Elf64_Shdr *s = &m->e.sh[i];

		if (s->sh_type != SHT_SYMTAB)
			continue;
		m->syms = (const Elf64_Sym *)kelf_bytes(&m->e, s);
		m->nsyms = s->sh_size / sizeof(Elf64_Sym);
		m->strtab = (const char *)kelf_bytes(&m->e, &m->e.sh[s->sh_link]);
	}
	if (m->e.eh->e_type != ET_REL || !m->syms || !m->strtab) {
		fprintf(stderr, "%s: not a relocatable object with symbols\n", path);
		return -1;
	}
	return 0;
}

/* The function (or, in assembly, the label) that @off of @shndx is in. */
static const Elf64_Sym *sym_at(const struct module *m, unsigned int shndx,
			       uint64_t off)
{
	const Elf64_Sym *best = NULL;
	size_t i;

	for (i = 1; i < m->nsyms; i++) {
		const Elf64_Sym *s = &m->syms[i];
		int type = ELF64_ST_TYPE(s->st_info);

		if (s->st_shndx != shndx || !m->strtab[s->st_name] ||
		    (type != STT_FUNC && type != STT_NOTYPE) || s->st_value > off)
			continue;
		if (s->st_size && off >= s->st_value + s->st_size)
			continue;
		if (!best || s->st_value > best->st_value ||
		    (s->st_value == best->st_value && type == STT_FUNC))
			best = s;
	}
	return best;
}

/* "section+0xoff (symbol+0xoff)" */
static const char *where(const struct module *m, unsigned int shndx,
			 uint64_t off)
{
	static char buf[2][256];
	static int which;
	const Elf64_Sym *s = sym_at(m, shndx, off);
	char *b = buf[which++ % 2];
	int n;

	n = snprintf(b, sizeof(buf[0]), "%s+0x%llx",
		     kelf_secname(&m->e, &m->e.sh[shndx]), (unsigned long long)off);
	if (s)
		snprintf(b + n, sizeof(buf[0]) - n, " (%s+0x%llx)", m->strtab + s->st_name,
			 (unsigned long long)(off - s->st_value));
	return b;
}

/*
 * What the addend of @r in @shndx leaves out of the place it refers to: a
 * RIP-relative rel32 in code counts from its own end, 4 bytes on.
 */
static uint64_t rel32_bias(const struct module *m, unsigned int shndx,
			   const Elf64_Rela *r)
{
	unsigned int type = ELF64_R_TYPE(r->r_info);

	return (m->e.sh[shndx].sh_flags & SHF_EXECINSTR) &&
	       (type == R_X86_64_PC32 || type == R_X86_64_PLT32) ? 4 : 0;
}

/*
 * Is the relocation @r in @shndx the rel32 of a direct call or jump?  A
 * rel32 ends its instruction, so the opcode is right before it; a
 * RIP-relative operand has a ModRM byte there (mod 00, rm 101), which is
 * never e8, e9 or 8x.
 */
static int direct_branch(const struct module *m, unsigned int shndx,
			 const Elf64_Rela *r)
{
	const Elf64_Shdr *s = &m->e.sh[shndx];
	const unsigned char *b = kelf_bytes(&m->e, s);
	unsigned int type = ELF64_R_TYPE(r->r_info);
	uint64_t off = r->r_offset;

	if (!(s->sh_flags & SHF_EXECINSTR) || !b || off < 1 ||
	    (type != R_X86_64_PLT32 && type != R_X86_64_PC32))
		return 0;
	return b[off - 1] == 0xe8 || b[off - 1] == 0xe9 ||
	       (off >= 2 && b[off - 2] == 0x0f && (b[off - 1] & 0xf0) == 0x80);
}

/*
 * The kernel symbol a relocation refers to: an undefined symbol (exported,
 * sympos 0) or a livepatch one, ".klp.sym.vmlinux.NAME,POS".
 */
static int kernel_symbol(const struct module *m, const Elf64_Sym *s,
			 char *name, size_t size, unsigned long *pos, int *klp)
{
	const char *n = m->strtab + s->st_name;
	const char *prefix = ".klp.sym.vmlinux.", *comma;

	*pos = 0;
	*klp = s->st_shndx == SHN_LIVEPATCH;
	if (s->st_shndx == SHN_UNDEF && *n) {
		snprintf(name, size, "%s", n);
		return 1;
	}
	if (!*klp || strncmp(n, prefix, strlen(prefix)))
		return 0;
	n += strlen(prefix);
	comma = strrchr(n, ',');
	if (!comma || (size_t)(comma - n) >= size)
		return 0;
	memcpy(name, n, comma - n);
	name[comma - n] = 0;
	*pos = strtoul(comma + 1, NULL, 10);
	return 1;
}

/* What the checks of the relocations found, for the summary. */
struct ctx {
	const struct kernel *k;
	unsigned int direct, targets, klp;
};

static const char *reloc_name(unsigned int type)
{
	switch (type) {
	case R_X86_64_64: return "R_X86_64_64";
	case R_X86_64_PC32: return "R_X86_64_PC32";
	case R_X86_64_PLT32: return "R_X86_64_PLT32";
	case R_X86_64_32: return "R_X86_64_32";
	case R_X86_64_32S: return "R_X86_64_32S";
	default: return "relocation";
	}
}

/*
 * The kernel address a livepatch relocation refers to, in *@addr: its
 * symbol (named, or _text for one bound at a distance, tools/klp-convert)
 * plus its addend and rel32_bias(); and the symbols it is in (*@count of
 * them at one address).  A rel32 followed by an immediate lands a few
 * bytes short, in the symbol before: only a memory operand has one, never
 * a call or an address taken.
 */
static const struct ksym *klp_target(const struct module *m, const struct kernel *k,
				     unsigned int shndx, const Elf64_Rela *r,
				     const struct ksym *sym, uint64_t *addr,
				     unsigned int *count)
{
	*addr = sym->addr + r->r_addend + rel32_bias(m, shndx, r);
	return kernel_at(k, *addr, count);
}

static void check_kernel_reloc(const struct module *m, const struct kernel *k,
			       unsigned int shndx, const Elf64_Rela *r,
			       const Elf64_Sym *s, struct ctx *c)
{
	char name[256];
	unsigned long pos;
	unsigned int count = 1, i;
	const struct ksym *ks = NULL;
	uint64_t addr = 0;
	int klp, sealed;

	if (!kernel_symbol(m, s, name, sizeof(name), &pos, &klp))
		return;
	c->klp += klp;
	if (klp) {
		ks = kernel_lookup(k, name, pos, &count);
		if (ks)
			ks = klp_target(m, k, shndx, r, ks, &addr, &count);
		if (!ks) {
			finding(T_BRANCHES, "%s: %s,%lu%+lld: no such kernel symbol",
				where(m, shndx, r->r_offset), name, pos,
				(long long)r->r_addend);
			return;
		}
	}
	for (i = 0; i < count; i++) {
		const char *at = klp ? ks[i].name : name;

		if (in_list(lookup_apis, at))
			finding(T_LOOKUP, "%s: %s: looks kernel symbols up at run time",
				where(m, shndx, r->r_offset), at);
	}
	if (!k->ibt || in_list(compared_sections, kelf_secname(&m->e, &m->e.sh[shndx])))
		return;
	sealed = klp ? strchr("tT", ks->type) && kernel_sealed(k, addr) :
		       kernel_name_sealed(k, name);
	if (!sealed)
		return;
	if (direct_branch(m, shndx, r))
		c->direct++;
	else
		finding(T_BRANCHES, "%s: %s: address of a sealed kernel function taken (%s)",
			where(m, shndx, r->r_offset), klp ? ks->name : name,
			reloc_name(ELF64_R_TYPE(r->r_info)));
}

static int is_endbr64(const struct module *m, unsigned int shndx, uint64_t off)
{
	const Elf64_Shdr *s = &m->e.sh[shndx];
	const unsigned char *b = kelf_bytes(&m->e, s);
	static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

	return b && off + 4 <= s->sh_size && !memcmp(b + off, endbr64, 4);
}

/* A place in the module's text whose address is taken at @site. */
static void check_target(const struct module *m, unsigned int site,
			 uint64_t at, unsigned int dst, uint64_t off,
			 unsigned int *targets)
{
	const Elf64_Sym *from = sym_at(m, site, at);

	/* _THIS_IP_ and the like, as objtool allows. */
	if ((m->e.sh[site].sh_flags & SHF_EXECINSTR) && from &&
	    from == sym_at(m, dst, off))
		return;
	(*targets)++;
	if (places_has(&m->noendbr, dst, off))
		return;
	if (!is_endbr64(m, dst, off))
		finding(T_ENDBR, "%s: address of %s taken, which is not an endbr64",
			where(m, site, at), where(m, dst, off));
	else if (places_has(&m->sealed, dst, off))
		finding(T_ENDBR, "%s: address of %s taken, whose endbr64 the module seals",
			where(m, site, at), where(m, dst, off));
}

static void check_own_reloc(const struct module *m, unsigned int shndx,
			    const Elf64_Rela *r, const Elf64_Sym *s,
			    unsigned int *targets)
{
	unsigned int dst = s->st_shndx;

	if (dst == SHN_UNDEF || dst >= m->e.eh->e_shnum ||
	    !(m->e.sh[dst].sh_flags & SHF_EXECINSTR) || direct_branch(m, shndx, r))
		return;
	check_target(m, shndx, r->r_offset, dst,
		     s->st_value + r->r_addend + rel32_bias(m, shndx, r), targets);
}

/* Is there a relocation in [@from, @to) of section @shndx? */
static int relocated(const struct module *m, unsigned int shndx, uint64_t from,
		     uint64_t to)
{
	int i;

	for (i = 1; i < m->e.eh->e_shnum; i++) {
		const Elf64_Shdr *s = &m->e.sh[i];
		const Elf64_Rela *r = (const Elf64_Rela *)kelf_bytes(&m->e, s);
		size_t j;

		if (s->sh_type != SHT_RELA || s->sh_info != shndx || !r)
			continue;
		for (j = 0; j < s->sh_size / sizeof(*r); j++)
			if (r[j].r_offset >= from && r[j].r_offset < to)
				return 1;
	}
	return 0;
}

/*
 * The assembler resolves a RIP-relative reference to a local label of the
 * same section itself, leaving no relocation to check: such lea are found
 * by disassembling the section (binutils' objdump, which prints their
 * target).  Each is complete when the next instruction's address is known.
 */
static void check_local_leas(const struct module *m, unsigned int *targets)
{
	char cmd[4096], line[1024];
	int i;

	for (i = 1; i < m->e.eh->e_shnum; i++) {
		unsigned long long at, lea_at = 0, to = 0;
		const char *name = kelf_secname(&m->e, &m->e.sh[i]);
		int pending = 0;
		FILE *f;

		if (!(m->e.sh[i].sh_flags & SHF_EXECINSTR) || !m->e.sh[i].sh_size ||
		    strchr(name, '\'') || strchr(m->e.path, '\''))
			continue;
		snprintf(cmd, sizeof(cmd), "objdump -d -w --no-show-raw-insn -j '%s' '%s'",
			 name, m->e.path);
		f = popen(cmd, "r");
		if (!f) {
			perror("objdump");
			exit(2);
		}
		while (fgets(line, sizeof(line), f)) {
			const char *c;

			if (sscanf(line, " %llx:", &at) != 1)
				continue;
			if (pending && !relocated(m, i, lea_at, at))
				check_target(m, i, lea_at, i, to, targets);
			c = strstr(line, "(%rip)");
			pending = strstr(line, "\tlea") && c && (c = strstr(c, "# ")) &&
				  sscanf(c, "# %llx", &to) == 1;
			lea_at = at;
		}
		if (pending && !relocated(m, i, lea_at, m->e.sh[i].sh_size))
			check_target(m, i, lea_at, i, to, targets);
		if (pclose(f)) {
			fprintf(stderr, "%s: objdump failed\n", m->e.path);
			exit(2);
		}
	}
}

typedef void reloc_fn(const struct module *m, unsigned int shndx,
		      const Elf64_Rela *r, void *arg);

/* Calls @fn for every relocation of @m (ordinary and livepatch). */
static void walk_relocs(const struct module *m, reloc_fn *fn, void *arg)
{
	int i;

	for (i = 1; i < m->e.eh->e_shnum; i++) {
		const Elf64_Shdr *s = &m->e.sh[i];
		const Elf64_Rela *r = (const Elf64_Rela *)kelf_bytes(&m->e, s);
		size_t j;

		if (s->sh_type != SHT_RELA || !r || s->sh_info >= m->e.eh->e_shnum)
			continue;
		for (j = 0; j < s->sh_size / sizeof(*r); j++)
			fn(m, s->sh_info, &r[j], arg);
	}
}

static void check_reloc(const struct module *m, unsigned int shndx,
			const Elf64_Rela *r, void *arg)
{
	struct ctx *c = arg;
	const Elf64_Sym *s = &m->syms[ELF64_R_SYM(r->r_info)];

	if (ELF64_R_SYM(r->r_info) >= m->nsyms)
		return;
	check_kernel_reloc(m, c->k, shndx, r, s, c);
	if (c->k->ibt && !in_list(metadata_sections, kelf_secname(&m->e, &m->e.sh[shndx])) &&
	    strncmp(kelf_secname(&m->e, &m->e.sh[shndx]), ".discard", 8) &&
	    strncmp(kelf_secname(&m->e, &m->e.sh[shndx]), ".debug", 6))
		check_own_reloc(m, shndx, r, s, &c->targets);
}

/* Each entry of .ibt_endbr_seal is a PC32 relocation to what it seals. */
static void add_seal(const struct module *m, unsigned int shndx,
		     const Elf64_Rela *r, void *arg)
{
	const Elf64_Sym *s = &m->syms[ELF64_R_SYM(r->r_info)];

	if (strcmp(kelf_secname(&m->e, &m->e.sh[shndx]), ".ibt_endbr_seal"))
		return;
	places_add(arg, s->st_shndx, s->st_value + r->r_addend);
}

/* ANNOTATE_NOENDBR in the .o, as places in the .ko: same symbol, same offset. */
static void add_noendbr(const struct module *o, unsigned int shndx,
			const Elf64_Rela *r, void *arg)
{
	const struct module *ko = arg;
	const Elf64_Sym *s = &o->syms[ELF64_R_SYM(r->r_info)], *at;
	uint64_t off = s->st_value + r->r_addend;
	size_t i;

	if (strcmp(kelf_secname(&o->e, &o->e.sh[shndx]), ".discard.noendbr"))
		return;
	at = sym_at(o, s->st_shndx, off);
	if (!at) {
		printf("# noendbr annotation at %s names no symbol: ignored\n",
		       where(o, s->st_shndx, off));
		return;
	}
	for (i = 1; i < ko->nsyms; i++)
		if (!strcmp(ko->strtab + ko->syms[i].st_name, o->strtab + at->st_name) &&
		    ko->syms[i].st_shndx < ko->e.eh->e_shnum)
			places_add((struct places *)&ko->noendbr, ko->syms[i].st_shndx,
				   ko->syms[i].st_value + off - at->st_value);
}

/* Sealed kernel functions whose names are strings in the module. */
static void list_sealed_strings(const struct module *m, const struct kernel *k)
{
	int i;

	for (i = 1; i < m->e.eh->e_shnum; i++) {
		const Elf64_Shdr *s = &m->e.sh[i];
		const char *b = (const char *)kelf_bytes(&m->e, s);
		size_t j = 0;

		if (!b || !(s->sh_flags & SHF_ALLOC) || (s->sh_flags & SHF_EXECINSTR))
			continue;
		while (j < s->sh_size) {
			size_t len = strnlen(b + j, s->sh_size - j);

			if (len && len < s->sh_size - j &&
			    (j == 0 || !b[j - 1]) && kernel_name_sealed(k, b + j))
				printf("# %s: string \"%s\" at %s names a sealed kernel function\n",
				       tests[T_LOOKUP].name, b + j, where(m, i, j));
			j += len + 1;
		}
	}
}

static void report(int t, const char *skip)
{
	if (skip)
		printf("ok %d %s # SKIP %s\n", t + 1, tests[t].name, skip);
	else
		printf("%s %d %s\n", tests[t].findings ? "not ok" : "ok", t + 1,
		       tests[t].name);
}

int main(int argc, char **argv)
{
	static struct module ko, o;
	struct kelf vmlinux;
	struct kernel k;
	struct ctx c = { .k = &k };
	char *opath;
	const char *noibt = "the kernel is built without IBT (no .ibt_endbr_seal)";

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: ibtcheck VMLINUX MODULE.ko [MODULE.o]\n");
		return 2;
	}
	if (kelf_open(&vmlinux, argv[1]) || kernel_load(&k, &vmlinux) ||
	    module_open(&ko, argv[2]))
		return 2;
	opath = argc == 4 ? argv[3] : strdup(argv[2]);
	if (argc == 3 && strlen(opath) > 3)
		strcpy(opath + strlen(opath) - 3, ".o");
	if (module_open(&o, opath))
		return 2;

	printf("TAP version 13\n1..3\n");
	if (k.ibt)
		printf("# kernel: %u kallsyms symbols, %u endbr64 sealed\n", k.nsyms, k.nsealed);
	else
		printf("# kernel: %u kallsyms symbols; %s: nothing is sealed, only test 2 applies\n",
		       k.nsyms, noibt);
	walk_relocs(&ko, add_seal, &ko.sealed);
	walk_relocs(&o, add_noendbr, &ko);
	printf("# %s: %zu endbr64 sealed, %zu noendbr annotations (%s)\n",
	       argv[2], ko.sealed.n, ko.noendbr.n, opath);
	walk_relocs(&ko, check_reloc, &c);
	if (k.ibt)
		check_local_leas(&ko, &c.targets);
	if (tests[T_LOOKUP].findings && k.ibt)
		list_sealed_strings(&ko, &k);
	printf("# %u livepatch relocations; %u direct branches to sealed kernel functions; %u addresses of module text taken\n",
	       c.klp, c.direct, c.targets);
	report(T_BRANCHES, k.ibt ? NULL : noibt);
	report(T_LOOKUP, NULL);
	report(T_ENDBR, k.ibt ? NULL : noibt);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       !tests[0].findings + !tests[1].findings + !tests[2].findings -
	       (k.ibt ? 0 : 2),
	       !!tests[0].findings + !!tests[1].findings + !!tests[2].findings,
	       k.ibt ? 0 : 2);
	return tests[0].findings || tests[1].findings || tests[2].findings;
}
