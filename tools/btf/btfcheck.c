// SPDX-License-Identifier: GPL-2.0
/*
 * btfcheck: torpor's copies of kernel-private values (kernel/kabi.h)
 * against the kernel's BTF.
 *
 *   btfcheck BTF OBJECT [NAME]
 *
 * BTF is raw BTF (/sys/kernel/btf/vmlinux) or an ELF file with a .BTF
 * section (a vmlinux, see tools/kimage/vmlinux-elf), called NAME in the
 * messages (default: BTF).  OBJECT is torpor.o, whose .discard.torpor_kabi
 * section holds the records.  Says what it checked, or names every
 * difference and exits 1; exits 3 if BTF has no BTF, 2 on other errors.
 *
 * The enumerators of a record group must all be in one enum of the
 * kernel: private enums of different files may reuse a name.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../kimage/kelf.h"

/* include/uapi/linux/btf.h */
#define BTF_MAGIC	0xeb9f
#define BTF_KIND_INT	1
#define BTF_KIND_ARRAY	3
#define BTF_KIND_STRUCT	4
#define BTF_KIND_UNION	5
#define BTF_KIND_ENUM	6
#define BTF_KIND_FUNC_PROTO 13
#define BTF_KIND_VAR	14
#define BTF_KIND_DATASEC 15
#define BTF_KIND_DECL_TAG 17
#define BTF_KIND_ENUM64	19

struct btf_header {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

struct btf_type {
	uint32_t name_off, info, size_or_type;
};

/* kernel/kabi.h's struct torpor_kabi */
struct kabi {
	int64_t value;
	char group[24];
	char kernel[48];
	char torpor[56];
};

struct btf {
	const unsigned char *types, *end;
	const char *strs;
	uint32_t str_len;
};

static const char *btf_str(const struct btf *b, uint32_t off)
{
	return off < b->str_len ? b->strs + off : "";
}

/* Bytes that follow a type of this kind and vlen, or -1 if unknown. */
static long extra(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		return 12L * vlen;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return 8L * vlen;
	default:
		return kind <= 19 ? 0 : -1;
	}
}

static int btf_open(struct btf *b, const char *path)
{
	const struct btf_header *h;
	const unsigned char *data;
	size_t size;
	struct kelf e;

	if (kelf_load(&e, path))
		return -1;
	if (kelf_parse(&e) == 0) {
		const Elf64_Shdr *s = kelf_section(&e, ".BTF");

		data = s ? kelf_bytes(&e, s) : NULL;
		if (!data) {
			fprintf(stderr, "%s: no .BTF section\n", path);
			return -1;
		}
		size = s->sh_size;
	} else {
		data = e.data;	/* raw BTF */
		size = e.size;
	}
	h = (const struct btf_header *)data;
	if (size < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (size_t)h->hdr_len + h->type_off + h->type_len > size ||
	    (size_t)h->hdr_len + h->str_off + h->str_len > size) {
		fprintf(stderr, "%s: no valid BTF\n", path);
		return -1;
	}
	b->types = data + h->hdr_len + h->type_off;
	b->end = b->types + h->type_len;
	b->strs = (const char *)data + h->hdr_len + h->str_off;
	b->str_len = h->str_len;
	return 0;
}

/* Is @name in @t (an enum)?  Its value goes to *@val. */
static int enum_value(const struct btf *b, const struct btf_type *t,
		      const char *name, int64_t *val)
{
	unsigned int kind = (t->info >> 24) & 0x1f, vlen = t->info & 0xffff, i;
	const uint32_t *e = (const uint32_t *)(t + 1);

	for (i = 0; i < vlen; i++) {
		if (kind == BTF_KIND_ENUM && !strcmp(btf_str(b, e[2 * i]), name)) {
			*val = (int32_t)e[2 * i + 1];
			return 1;
		}
		if (kind == BTF_KIND_ENUM64 && !strcmp(btf_str(b, e[3 * i]), name)) {
			*val = (int64_t)((uint64_t)e[3 * i + 2] << 32 | e[3 * i + 1]);
			return 1;
		}
	}
	return 0;
}

/* Does enum @t have every enumerator of @group? */
static int has_group(const struct btf *b, const struct btf_type *t,
		     const struct kabi *k, size_t n, const char *group)
{
	int64_t v;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(k[i].group, group) && !enum_value(b, t, k[i].kernel, &v))
			return 0;
	return 1;
}

/*
 * The enum holding @group, NULL if none or (*@count > 1) if several
 * disagree on a value of the group.
 */
static const struct btf_type *find_group(const struct btf *b, const struct kabi *k,
					 size_t n, const char *group, int *count)
{
	const unsigned char *p = b->types;
	const struct btf_type *found = NULL;

	*count = 0;
	while (p + sizeof(struct btf_type) <= b->end) {
		const struct btf_type *t = (const struct btf_type *)p;
		unsigned int kind = (t->info >> 24) & 0x1f;
		long more = extra(kind, t->info & 0xffff);

		if (more < 0)
			break;
		if ((kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) &&
		    has_group(b, t, k, n, group)) {
			size_t i;
			int same = 1;

			for (i = 0; found && i < n; i++) {
				int64_t v1, v2;

				if (!strcmp(k[i].group, group) &&
				    enum_value(b, t, k[i].kernel, &v1) &&
				    enum_value(b, found, k[i].kernel, &v2) && v1 != v2)
					same = 0;
			}
			if (!found || !same)
				(*count)++;
			found = found ? found : t;
		}
		p += sizeof(*t) + more;
	}
	return *count == 1 ? found : NULL;
}

/*
 * Every file that includes a header has its records: is @i the first
 * record of its group (@kernel NULL) or of its enumerator?
 */
static int first(const struct kabi *k, size_t i, int by_name)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(k[j].group, k[i].group) &&
		    (!by_name || !strcmp(k[j].kernel, k[i].kernel)))
			return 0;
	return 1;
}

static int check_group(const struct btf *b, const struct kabi *k, size_t n,
		       const char *group, const char *btf_path)
{
	const struct btf_type *t;
	int count, bad = 0;
	size_t i;

	t = find_group(b, k, n, group, &count);
	if (!t) {
		printf("torpor: %s: %s enum in the kernel's BTF (%s) has all of:",
		       group, count ? "more than one" : "no", btf_path);
		for (i = 0; i < n; i++)
			if (!strcmp(k[i].group, group) && first(k, i, 1))
				printf(" %s", k[i].kernel);
		printf("\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int64_t v = 0;

		if (strcmp(k[i].group, group) || !first(k, i, 1) ||
		    (enum_value(b, t, k[i].kernel, &v) && v == k[i].value))
			continue;
		printf("torpor: %s is %lld, but the kernel's %s is %lld (BTF of %s)\n",
		       k[i].torpor, (long long)k[i].value, k[i].kernel,
		       (long long)v, btf_path);
		bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	const Elf64_Shdr *s;
	const struct kabi *k;
	struct kelf o;
	struct btf b;
	const char *name;
	size_t n, i, groups = 0;
	int bad = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: btfcheck BTF OBJECT [NAME]\n");
		return 2;
	}
	name = argc == 4 ? argv[3] : argv[1];
	if (btf_open(&b, argv[1]))
		return 3;
	if (kelf_open(&o, argv[2]))
		return 2;
	s = kelf_section(&o, ".discard.torpor_kabi");
	k = s ? (const struct kabi *)kelf_bytes(&o, s) : NULL;
	if (!k || !s->sh_size || s->sh_size % sizeof(*k)) {
		fprintf(stderr, "%s: no kernel/kabi.h records (.discard.torpor_kabi)\n",
			argv[2]);
		return 2;
	}
	n = s->sh_size / sizeof(*k);
	for (i = 0; i < n; i++) {
		if (!memchr(k[i].group, 0, sizeof(k[i].group)) ||
		    !memchr(k[i].kernel, 0, sizeof(k[i].kernel)) ||
		    !memchr(k[i].torpor, 0, sizeof(k[i].torpor))) {
			fprintf(stderr, "%s: malformed kernel/kabi.h record\n", argv[2]);
			return 2;
		}
		if (!first(k, i, 0))
			continue;
		groups++;
		bad |= check_group(&b, k, n, k[i].group, name);
	}
	if (!bad)
		printf("torpor: %zu kernel-private enums match the kernel's BTF (%s)\n",
		       groups, name);
	return bad;
}
