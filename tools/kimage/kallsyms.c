// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms's tables, as scripts/kallsyms.c lays them out in .rodata (6.1
 * to 6.12), found without symbols:
 *  - kallsyms_token_table: 256 NUL-terminated strings, and right after it
 *    (8-byte aligned) kallsyms_token_index, their 256 u16 offsets;
 *  - kallsyms_num_syms (u32, 8-byte aligned), then kallsyms_names: per
 *    symbol a length (ULEB128, 1 or 2 bytes) and that many token numbers,
 *    whose expansion is the type letter then the name;
 *  - kallsyms_markers right after the names: the offset of every 256th;
 *  - kallsyms_offsets (u32 each) and kallsyms_relative_base (u64): after
 *    the token index since 6.2, before kallsyms_num_syms in 6.1.
 * Each guess is checked by the next table, and the result by "_text"
 * being the start of .text.
 */
#include <stdlib.h>

#include "kallsyms.h"

#define ALIGN8(x)	(((x) + 7) & ~(size_t)7)

struct rodata {
	const unsigned char *b;
	size_t size;
};

static uint16_t get16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

struct tables {
	size_t token_table, token_index, names, markers;
	unsigned int n;
};

/* Is @p the token index, with its table just before it? */
static int find_token_table(const struct rodata *r, size_t p, size_t *table)
{
	const unsigned char *idx = r->b + p;
	size_t q, t;
	int i;

	if (p + 512 > r->size || get16(idx) != 0)
		return 0;
	for (i = 1; i < 256; i++) {
		unsigned int d = get16(idx + 2 * i) - get16(idx + 2 * i - 2);

		if (d < 2 || d > 64)
			return 0;
	}
	/* The last token ends with its NUL, then up to 7 bytes of padding. */
	for (q = p - 1; q > p - 9 && r->b[q] == 0; q--)
		;
	if (q < 16 || r->b[q] == 0)
		return 0;
	while (q > 0 && r->b[q - 1])
		q--;
	if (q < get16(idx + 510))
		return 0;
	t = q - get16(idx + 510);
	if (t % 8 || ALIGN8(q + strlen((const char *)r->b + q) + 1) != p)
		return 0;
	for (i = 1; i < 256; i++)
		if (r->b[t + get16(idx + 2 * i) - 1] != 0)
			return 0;
	*table = t;
	return 1;
}

/* One symbol's encoded length at @pos, which moves past it. */
static size_t name_len(const struct rodata *r, size_t *pos)
{
	size_t len = r->b[*pos];

	if (len & 0x80) {
		len = (len & 0x7f) | (size_t)r->b[*pos + 1] << 7;
		(*pos)++;
	}
	(*pos)++;
	return len;
}

static int plausible_type(const struct rodata *r, const struct tables *t,
			  size_t pos)
{
	const char *tok = (const char *)r->b + t->token_table +
			  get16(r->b + t->token_index + 2 * r->b[pos]);

	return *tok && strchr("tTdDbBrRaAvVwWuUnN", *tok);
}

/* Is @x kallsyms_num_syms, followed by the names and the markers? */
static int check_names(const struct rodata *r, struct tables *t, size_t x)
{
	size_t pos = x + 8, at256 = 0;
	unsigned int n = get32(r->b + x), i;

	if (n < 1000 || n > 4000000 || get32(r->b + x + 4))
		return 0;
	for (i = 0; i < n; i++) {
		size_t len;

		if (pos + 2 > t->token_table)
			return 0;
		if (i == 256)
			at256 = pos - (x + 8);
		len = name_len(r, &pos);
		if (!len || pos + len > t->token_table ||
		    (i < 256 && !plausible_type(r, t, pos)))
			return 0;
		pos += len;
	}
	pos = ALIGN8(pos);
	if (pos + 8 > t->token_table || get32(r->b + pos) != 0 ||
	    (n > 256 && get32(r->b + pos + 4) != at256))
		return 0;
	t->n = n;
	t->names = x + 8;
	t->markers = pos;
	return 1;
}

static int find_tables(const struct rodata *r, struct tables *t)
{
	size_t p, x;

	for (p = 16; p + 512 <= r->size; p += 8)
		if (find_token_table(r, p, &t->token_table))
			break;
	if (p + 512 > r->size)
		return -1;
	t->token_index = p;
	for (x = 0; x + 16 <= t->token_table; x += 8)
		if (check_names(r, t, x))
			return 0;
	return -1;
}

static int decode_names(struct kernel *k, const struct rodata *r,
			const struct tables *t)
{
	size_t pos = t->names;
	unsigned int i, j;

	k->syms = calloc(t->n, sizeof(*k->syms));
	if (!k->syms)
		return -1;
	for (i = 0; i < t->n; i++) {
		size_t len = name_len(r, &pos);
		char buf[1024], *o = buf;

		for (j = 0; j < len; j++) {
			const char *tok = (const char *)r->b + t->token_table +
					  get16(r->b + t->token_index + 2 * r->b[pos + j]);
			size_t l = strlen(tok);

			if (o + l >= buf + sizeof(buf))
				return -1;
			memcpy(o, tok, l);
			o += l;
		}
		*o = 0;
		pos += len;
		k->syms[i].type = buf[0];
		k->syms[i].name = strdup(buf + 1);
		if (!k->syms[i].name)
			return -1;
	}
	k->nsyms = t->n;
	return 0;
}

/* Where kallsyms_offsets is, in the layout of 6.2+ (@late) or of 6.1. */
static size_t offsets_at(const struct tables *t, int late)
{
	size_t table = ALIGN8((size_t)t->n * 4);

	if (late)
		return ALIGN8(t->token_index + 512);
	return t->names - 8 - 8 - table;
}

/*
 * With KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP, 6.1 to 6.12) a negative
 * offset is relative to the base and a positive one absolute; without
 * it, every offset is relative.
 */
static uint64_t sym_addr(uint32_t off, uint64_t base, int percpu)
{
	if (!percpu)
		return base + off;
	return (int32_t)off >= 0 ? off : base - 1 - (int32_t)off;
}

static int decode_addrs(struct kernel *k, const struct rodata *r,
			const struct tables *t, uint64_t text)
{
	const struct ksym *ts;
	unsigned int c, i;
	int late, percpu;

	ts = kernel_lookup(k, "_text", 0, &c);
	if (!ts)
		return -1;
	for (late = 1; late >= 0; late--) {
		size_t off = offsets_at(t, late);
		size_t base = ALIGN8(off + (size_t)t->n * 4);
		uint64_t rb;

		if (off > r->size || base + 8 > r->size)
			continue;
		rb = get64(r->b + base);
		for (percpu = 1; percpu >= 0; percpu--) {
			if (sym_addr(get32(r->b + off + 4 * (ts - k->syms)), rb,
				     percpu) != text)
				continue;
			for (i = 0; i < k->nsyms; i++)
				k->syms[i].addr = sym_addr(get32(r->b + off + 4 * i),
							   rb, percpu);
			return 0;
		}
	}
	return -1;
}

static int cmp_name(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym **)a;
	const struct ksym *y = *(const struct ksym **)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int load_seals(struct kernel *k, const struct kelf *v)
{
	const Elf64_Shdr *s = kelf_section(v, ".ibt_endbr_seal");
	const unsigned char *b;
	unsigned int i;

	if (!s)
		return 0;
	b = kelf_bytes(v, s);
	if (!b)
		return -1;
	k->ibt = true;
	k->nsealed = s->sh_size / 4;
	k->sealed = calloc(k->nsealed + 1, sizeof(*k->sealed));
	if (!k->sealed)
		return -1;
	/* Each entry is the sealed endbr64's address relative to its own. */
	for (i = 0; i < k->nsealed; i++)
		k->sealed[i] = s->sh_addr + 4 * i + (int32_t)get32(b + 4 * i);
	qsort(k->sealed, k->nsealed, sizeof(*k->sealed), cmp_u64);
	return 0;
}

int kernel_load(struct kernel *k, const struct kelf *v)
{
	const Elf64_Shdr *ro = kelf_section(v, ".rodata");
	const Elf64_Shdr *text = kelf_section(v, ".text");
	struct rodata r;
	struct tables t;
	unsigned int i;

	memset(k, 0, sizeof(*k));
	r.b = ro ? kelf_bytes(v, ro) : NULL;
	if (!r.b || !text) {
		fprintf(stderr, "%s: no .rodata or .text\n", v->path);
		return -1;
	}
	r.size = ro->sh_size;
	if (find_tables(&r, &t) || decode_names(k, &r, &t)) {
		fprintf(stderr, "%s: kallsyms tables not found in .rodata\n", v->path);
		return -1;
	}
	k->by_name = calloc(k->nsyms, sizeof(*k->by_name));
	if (!k->by_name)
		return -1;
	for (i = 0; i < k->nsyms; i++)
		k->by_name[i] = &k->syms[i];
	qsort(k->by_name, k->nsyms, sizeof(*k->by_name), cmp_name);
	if (decode_addrs(k, &r, &t, text->sh_addr)) {
		fprintf(stderr, "%s: kallsyms addresses do not put _text at .text\n",
			v->path);
		return -1;
	}
	if (load_seals(k, v)) {
		fprintf(stderr, "%s: cannot read .ibt_endbr_seal\n", v->path);
		return -1;
	}
	return 0;
}

/* The first of the symbols called @name in by_name, and their number. */
static struct ksym **first_named(const struct kernel *k, const char *name,
				 unsigned int *count)
{
	size_t lo = 0, hi = k->nsyms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(k->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (*count = 0; lo + *count < k->nsyms &&
	     !strcmp(k->by_name[lo + *count]->name, name); (*count)++)
		;
	return k->by_name + lo;
}

const struct ksym *kernel_lookup(const struct kernel *k, const char *name,
				 unsigned long pos, unsigned int *count)
{
	struct ksym **first = first_named(k, name, count);

	if (pos == 0)
		return *count == 1 ? first[0] : NULL;
	return pos <= *count ? first[pos - 1] : NULL;
}

const struct ksym *kernel_at(const struct kernel *k, uint64_t addr,
			     unsigned int *count)
{
	size_t lo = 0, hi = k->nsyms, end;

	/* The first symbol above @addr... */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*count = 0;
	if (!lo)
		return NULL;
	/* ...then back over the symbols at the address before it. */
	for (end = lo; lo && k->syms[lo - 1].addr == k->syms[end - 1].addr; lo--)
		(*count)++;
	return &k->syms[lo];
}

bool kernel_sealed(const struct kernel *k, uint64_t addr)
{
	return k->nsealed && bsearch(&addr, k->sealed, k->nsealed,
				     sizeof(addr), cmp_u64);
}

bool kernel_name_sealed(const struct kernel *k, const char *name)
{
	unsigned int count, i;
	struct ksym **first = first_named(k, name, &count);

	for (i = 0; i < count; i++)
		if (strchr("tT", first[i]->type) && kernel_sealed(k, first[i]->addr))
			return true;
	return false;
}
