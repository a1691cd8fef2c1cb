// SPDX-License-Identifier: GPL-2.0
/*
 * Builds a torpor image the way the format allows but a simple writer
 * would not: zero runs and lone zero pages, compressible and random pages,
 * blocks of varying size stored out of order, some raw, a stream scattered
 * over the device in small extents in no particular order, and map pages
 * that hold only a few extents each so the map chain is several pages long.
 */
#include <endian.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "crc32c.h"
#include "xxh64.h"
#include "fixture.h"

#define PAGE TORPOR_PAGE_SIZE

struct range {
	uint64_t start, end;
};

struct layout {
	uint64_t max_pfn;
	struct range ram[3];
	struct range zero[2];
	struct range random[2];
	uint64_t zero_every;	/* also lone zero pages */
	uint32_t block_pages;
	uint32_t per_map;	/* extents per map page */
};

static const struct layout layouts[] = {
	{ 1024, { { 1, 150 }, { 200, 520 }, { 600, 1000 } },
	  { { 30, 50 }, { 304, 344 } }, { { 120, 130 }, { 700, 712 } },
	  37, 16, 5 },
	{ 64, { { 1, 20 }, { 28, 44 } }, { { 8, 12 } }, { { 36, 38 } },
	  13, 4, 3 },
};

enum page_kind { NOT_SAVED, ZERO, TEXT, RANDOM };

struct builder {
	struct fixture *fx;
	const struct layout *l;
	bool compress;
	struct torpor_extent *index;
	uint64_t nr_index, nr_zero;
	uint64_t *data_pfn;
	uint64_t nr_data;
	uint8_t *stream;
	uint64_t data_bytes, index_offset;
	uint64_t ram_pages, nr_ranges;
	uint32_t ram_fingerprint;
};

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static bool in(const struct range *r, size_t n, uint64_t pfn)
{
	for (size_t i = 0; i < n; i++)
		if (pfn >= r[i].start && pfn < r[i].end)
			return true;
	return false;
}

#define IN(arr, pfn) in(arr, ARRAY_SIZE(arr), pfn)

static enum page_kind kind_of(const struct layout *l, uint64_t pfn)
{
	if (!IN(l->ram, pfn))
		return NOT_SAVED;
	if (IN(l->zero, pfn) || pfn % l->zero_every == 0)
		return ZERO;
	return IN(l->random, pfn) ? RANDOM : TEXT;
}

static void fill_page(uint8_t *p, enum page_kind kind, uint64_t pfn)
{
	uint64_t s = pfn * 0x9e3779b97f4a7c15ull + 1;
	size_t n = 0;

	if (kind == RANDOM) {
		for (size_t i = 0; i < PAGE; i += 8) {
			uint64_t v = rng(&s);

			memcpy(p + i, &v, 8);
		}
		return;
	}
	if (pfn % 53 == 0) {	/* nearly zero, but a data page */
		p[pfn % PAGE] = 0x5a;
		return;
	}
	for (int line = 0; n < PAGE; line++) {
		char buf[80];
		int len = snprintf(buf, sizeof(buf),
				   "pfn %llu line %d: the quick brown fox %llu\n",
				   (unsigned long long)pfn, line,
				   (unsigned long long)(rng(&s) % 10));

		memcpy(p + n, buf, n + len > PAGE ? PAGE - n : (size_t)len);
		n += len;
	}
}

static void add_extent(struct builder *b, uint64_t pfn, bool zero)
{
	struct torpor_extent *e = b->nr_index ? &b->index[b->nr_index - 1] : NULL;

	if (e && le64toh(e->pfn) + le32toh(e->count) == pfn &&
	    !!(le32toh(e->flags) & TORPOR_EXTENT_ZERO) == zero) {
		e->count = htole32(le32toh(e->count) + 1);
		return;
	}
	e = &b->index[b->nr_index++];
	e->pfn = htole64(pfn);
	e->count = htole32(1);
	e->flags = htole32(zero ? TORPOR_EXTENT_ZERO : 0);
}

static void build_ram(struct builder *b)
{
	struct fixture *fx = b->fx;
	const struct layout *l = b->l;

	fx->max_pfn = l->max_pfn;
	fx->ram = calloc(l->max_pfn, PAGE);
	b->index = calloc(l->max_pfn, sizeof(*b->index));
	b->data_pfn = calloc(l->max_pfn, sizeof(*b->data_pfn));
	for (uint64_t pfn = 0; pfn < l->max_pfn; pfn++) {
		enum page_kind kind = kind_of(l, pfn);

		if (kind == NOT_SAVED)
			continue;
		b->ram_pages++;
		add_extent(b, pfn, kind == ZERO);
		if (kind == ZERO) {
			b->nr_zero++;
			continue;
		}
		fill_page(fx->ram + pfn * PAGE, kind, pfn);
		b->data_pfn[b->nr_data++] = pfn;
	}
	for (size_t i = 0; i < ARRAY_SIZE(l->ram); i++) {
		uint64_t pair[2] = { htole64(l->ram[i].start), htole64(l->ram[i].end) };

		if (!l->ram[i].end)
			continue;
		b->ram_fingerprint = crc32c(b->ram_fingerprint, pair, sizeof(pair));
		b->nr_ranges++;
	}
	fx->zero_run_pfn = l->zero[1].end ? l->zero[1].start : l->zero[0].start;
	fx->zero_run_len = l->zero[1].end ? l->zero[1].end - l->zero[1].start :
					    l->zero[0].end - l->zero[0].start;
}

static void split_blocks(struct builder *b)
{
	static const uint32_t sizes[] = { 64, 5, 64, 1, 11, 3, 64, 7 };
	struct fixture *fx = b->fx;
	uint64_t first = 0, s = 42;

	fx->blocks = calloc(b->nr_data, sizeof(*fx->blocks));
	for (uint64_t i = 0; first < b->nr_data; i++) {
		uint32_t n = sizes[i % 8] < b->l->block_pages ? sizes[i % 8] :
								 b->l->block_pages;

		if (n > b->nr_data - first)
			n = b->nr_data - first;
		fx->blocks[fx->nr_blocks++] = (struct fixture_block){ 0, first, n, 0 };
		first += n;
	}
	/* Out of order in the stream: a deterministic shuffle. */
	for (uint64_t i = fx->nr_blocks - 1; i > 0; i--) {
		uint64_t j = rng(&s) % (i + 1);
		struct fixture_block t = fx->blocks[i];

		fx->blocks[i] = fx->blocks[j];
		fx->blocks[j] = t;
	}
}

static void emit_block(struct builder *b, struct fixture_block *blk)
{
	uint32_t raw = blk->npages * PAGE;
	uint8_t *src = malloc(raw), *dst = b->stream + b->data_bytes;
	struct torpor_block_head head = { 0 };
	int clen = 0;

	for (uint32_t i = 0; i < blk->npages; i++)
		memcpy(src + (size_t)i * PAGE,
		       b->fx->ram + b->data_pfn[blk->first + i] * PAGE, PAGE);
	if (b->compress)
		clen = LZ4_compress_default((char *)src, (char *)dst + sizeof(head),
					    raw, LZ4_compressBound(raw));
	if (clen <= 0 || (uint32_t)clen >= raw) {
		clen = raw;
		memcpy(dst + sizeof(head), src, raw);
	}
	blk->off = b->data_bytes;
	blk->clen = clen;
	head.magic = htole32(TORPOR_BLOCK_MAGIC);
	head.clen = htole32(clen);
	head.hash = htole32((uint32_t)xxh64(dst + sizeof(head), clen, 0));
	head.npages = htole32(blk->npages);
	head.first_data_page = htole64(blk->first);
	head.head_crc = htole32(crc32c(b->fx->seed, &head, sizeof(head)));
	memcpy(dst, &head, sizeof(head));
	b->data_bytes += sizeof(head) + clen;
	free(src);
}

static void build_stream(struct builder *b)
{
	struct fixture *fx = b->fx;
	size_t index_len = b->nr_index * sizeof(struct torpor_extent);
	size_t worst = b->nr_data * (PAGE + 128) + index_len + PAGE;

	b->stream = calloc(1, worst + PAGE);
	for (uint64_t i = 0; i < fx->nr_blocks; i++)
		emit_block(b, &fx->blocks[i]);
	b->index_offset = (b->data_bytes + PAGE - 1) / PAGE;
	fx->index_off = b->index_offset * PAGE;
	fx->nr_index = b->nr_index;
	memcpy(b->stream + fx->index_off, b->index, index_len);
	fx->stream_pages = (fx->index_off + index_len + PAGE - 1) / PAGE;
}

/*
 * Device placement: the stream is cut into runs of 1..5 pages; the runs,
 * the header page and the map pages are placed in a shuffled order with a
 * junk page after every other one.
 */
struct item {
	int type;		/* 0 run, 1 header, 2 map page */
	uint64_t arg, len;	/* run: first stream page; map: index */
};

static uint64_t cut_runs(struct builder *b, struct item *items)
{
	static const uint64_t lens[] = { 1, 3, 2, 5, 1, 4, 2 };
	uint64_t n = 0;

	for (uint64_t sp = 0; sp < b->fx->stream_pages; n++) {
		uint64_t len = lens[n % 7];

		if (len > b->fx->stream_pages - sp)
			len = b->fx->stream_pages - sp;
		items[n] = (struct item){ 0, sp, len };
		sp += len;
	}
	return n;
}

static void place(struct builder *b)
{
	struct fixture *fx = b->fx;
	uint64_t nitems, nruns, cursor = 1, s = 7;
	struct item *items = calloc(2 * fx->stream_pages + 2, sizeof(*items));

	nruns = cut_runs(b, items);
	fx->nr_map = (nruns + b->l->per_map - 1) / b->l->per_map;
	fx->map_at = calloc(fx->nr_map, sizeof(*fx->map_at));
	fx->stream_dev = calloc(fx->stream_pages, sizeof(*fx->stream_dev));
	nitems = nruns;
	items[nitems++] = (struct item){ 1, 0, 1 };
	for (uint32_t i = 0; i < fx->nr_map; i++)
		items[nitems++] = (struct item){ 2, i, 1 };
	for (uint64_t i = nitems - 1; i > 0; i--) {
		uint64_t j = rng(&s) % (i + 1);
		struct item t = items[i];

		items[i] = items[j];
		items[j] = t;
	}
	for (uint64_t i = 0; i < nitems; i++) {
		if (items[i].type == 1)
			fx->header_page = cursor;
		else if (items[i].type == 2)
			fx->map_at[items[i].arg] = cursor;
		else
			for (uint64_t k = 0; k < items[i].len; k++)
				fx->stream_dev[items[i].arg + k] = cursor + k;
		cursor += items[i].len + (i & 1);
	}
	fx->dev_pages = cursor + 2;
	free(items);
}

static void write_map(struct builder *b)
{
	struct fixture *fx = b->fx;
	uint64_t sp = 0;

	for (uint32_t i = 0; i < fx->nr_map; i++) {
		struct torpor_map_page *mp = fixture_map(fx, i);
		uint32_t n = 0;

		mp->head.magic = htole32(TORPOR_MAP_MAGIC);
		mp->head.next = htole64(i + 1 < fx->nr_map ? fx->map_at[i + 1] : 0);
		mp->head.first_stream_page = htole64(sp);
		/* One extent per contiguous device run, per_map at most. */
		while (sp < fx->stream_pages && n < b->l->per_map) {
			uint64_t start = sp;

			while (++sp < fx->stream_pages &&
			       fx->stream_dev[sp] == fx->stream_dev[sp - 1] + 1)
				;
			mp->extents[n].dev_page = htole64(fx->stream_dev[start]);
			mp->extents[n++].count = htole32(sp - start);
		}
		mp->head.nr_extents = htole32(n);
		fixture_seal_map(fx, i);
	}
	/* Contiguous runs may have merged: drop map pages left empty. */
	while (fx->nr_map > 1 && !fixture_map(fx, fx->nr_map - 1)->head.nr_extents)
		fx->nr_map--;
	fixture_map(fx, fx->nr_map - 1)->head.next = 0;
	fixture_seal_map(fx, fx->nr_map - 1);
}

static void write_swap_header(struct builder *b)
{
	struct fixture *fx = b->fx;
	struct torpor_swap_tail *t = fixture_tail(fx);
	uint32_t v = htole32(1), last = htole32(fx->dev_pages - 1);

	memset(fx->img, 0, PAGE);
	memcpy(fx->img + 1024, &v, 4);
	memcpy(fx->img + 1028, &last, 4);
	memcpy(fx->img + 1036, "0123456789abcdef", 16);
	memcpy(fx->img + 1052, "torpor-test", 11);
	t->version = htole32(TORPOR_FORMAT_VERSION);
	t->header_page = htole64(fx->header_page);
	memcpy(t->image_uuid, fx->uuid, 16);
	memcpy(t->orig_sig, TORPOR_SWAP_SIG, TORPOR_SIG_LEN);
	memcpy(t->sig, TORPOR_SIG, TORPOR_SIG_LEN);
}

static void write_header(struct builder *b)
{
	struct fixture *fx = b->fx;
	struct torpor_image_header *h = fixture_header(fx);
	struct torpor_arch_x86_64 *a = &h->arch_data.x86_64;

	h->magic = htole32(TORPOR_IMAGE_MAGIC);
	h->version = htole32(TORPOR_FORMAT_VERSION);
	h->header_size = htole32(sizeof(*h));
	snprintf(h->kernel_release, TORPOR_UTS_LEN, "6.1.0-test-amd64");
	snprintf(h->kernel_version, TORPOR_UTS_LEN,
		 "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-test (\"fixture\")");
	h->kernel_hash = htole32(crc32c(0, h->kernel_release, 16));
	h->arch = htole32(TORPOR_ARCH_X86_64);
	h->page_size = htole32(PAGE);
	h->ram_ranges = htole32(b->nr_ranges);
	h->ram_pages = htole64(b->ram_pages);
	h->max_pfn = htole64(fx->max_pfn);
	h->ram_fingerprint = htole32(b->ram_fingerprint);
	h->nr_cpus = htole32(2);
	h->nr_pages = htole64(b->ram_pages);
	h->nr_zero_pages = htole64(b->nr_zero);
	h->nr_data_pages = htole64(b->nr_data);
	h->compression = htole32(b->compress ? TORPOR_COMP_LZ4 : TORPOR_COMP_NONE);
	h->block_pages = htole32(b->l->block_pages);
	h->nr_blocks = htole64(fx->nr_blocks);
	h->data_bytes = htole64(b->data_bytes);
	h->stream_pages = htole64(fx->stream_pages);
	h->map_page = htole64(fx->map_at[0]);
	h->map_pages = htole32(fx->nr_map);
	h->index_offset = htole64(b->index_offset);
	h->index_extents = htole64(b->nr_index);
	h->flags = htole32(TORPOR_FLAG_TEST);
	h->freeze_ns = htole64(12345678);
	h->prepare_ns = htole64(2000000);
	h->snapshot_ns = htole64(33000000);
	h->write_ns = htole64(456000000);
	memcpy(h->image_uuid, fx->uuid, 16);
	a->entry_virt = htole64(0xffffffffc0a02040ull);
	a->cr3 = htole64(0x10a000);
	a->page_offset_base = htole64(0xffff888000000000ull);
	a->kernel_text_base = htole64(0xffffffff81000000ull);
	a->restore_code_virt = htole64(0xffffffffc0a02000ull);
	a->restore_code_pfn = htole64(0x1234);
	a->paging_levels = htole32(4);
	fixture_seal_index(fx);
}

int fixture_build(struct fixture *fx, const struct fixture_opts *opts)
{
	struct builder b = { .fx = fx, .l = &layouts[opts->small],
			     .compress = opts->compress };

	memset(fx, 0, sizeof(*fx));
	memcpy(fx->uuid, opts->uuid ? opts->uuid : "fixture-uuid-001", 16);
	fx->seed = crc32c(0, fx->uuid, 16);
	build_ram(&b);
	split_blocks(&b);
	build_stream(&b);
	place(&b);
	fx->img = malloc(fx->dev_pages * PAGE);
	memset(fx->img, 0xa5, fx->dev_pages * PAGE);	/* old swap contents */
	memset(fx->img + fx->header_page * PAGE, 0, PAGE);
	for (uint32_t i = 0; i < fx->nr_map; i++)
		memset(fixture_map(fx, i), 0, PAGE);
	fixture_stream_rw(fx, b.stream, fx->stream_pages * PAGE, 0, true);
	write_swap_header(&b);
	write_map(&b);
	write_header(&b);
	free(b.index);
	free(b.data_pfn);
	free(b.stream);
	return 0;
}

void fixture_free(struct fixture *fx)
{
	free(fx->img);
	free(fx->ram);
	free(fx->map_at);
	free(fx->stream_dev);
	free(fx->blocks);
}

struct torpor_swap_tail *fixture_tail(struct fixture *fx)
{
	return (struct torpor_swap_tail *)(fx->img + TORPOR_TAIL_OFFSET);
}

struct torpor_image_header *fixture_header(struct fixture *fx)
{
	return (struct torpor_image_header *)(fx->img + fx->header_page * PAGE);
}

struct torpor_map_page *fixture_map(struct fixture *fx, uint32_t i)
{
	return (struct torpor_map_page *)(fx->img + fx->map_at[i] * PAGE);
}

void fixture_stream_rw(struct fixture *fx, void *buf, size_t len, uint64_t off,
		       bool write)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++, off++) {
		uint8_t *d = fx->img + fx->stream_dev[off / PAGE] * PAGE + off % PAGE;

		if (write)
			*d = p[i];
		else
			p[i] = *d;
	}
}

struct torpor_block_head fixture_block_head(struct fixture *fx, uint64_t b)
{
	struct torpor_block_head head;

	fixture_stream_rw(fx, &head, sizeof(head), fx->blocks[b].off, false);
	return head;
}

void fixture_set_block_head(struct fixture *fx, uint64_t b,
			    const struct torpor_block_head *head)
{
	struct torpor_block_head h = *head;

	h.head_crc = 0;
	h.head_crc = htole32(crc32c(fx->seed, &h, sizeof(h)));
	fixture_stream_rw(fx, &h, sizeof(h), fx->blocks[b].off, true);
}

void fixture_seal_tail(struct fixture *fx)
{
	struct torpor_swap_tail *t = fixture_tail(fx);

	t->tail_crc = 0;
	t->tail_crc = htole32(crc32c(0, t, sizeof(*t)));
}

void fixture_seal_header(struct fixture *fx)
{
	struct torpor_image_header *h = fixture_header(fx);

	h->header_crc = 0;
	h->header_crc = htole32(crc32c(0, h, sizeof(*h)));
	fixture_tail(fx)->header_crc = htole64(le32toh(h->header_crc));
	fixture_seal_tail(fx);
}

void fixture_seal_map(struct fixture *fx, uint32_t i)
{
	struct torpor_map_page *mp = fixture_map(fx, i);

	mp->head.crc = 0;
	mp->head.crc = htole32(crc32c(fx->seed, mp, PAGE));
}

void fixture_seal_index(struct fixture *fx)
{
	size_t len = fx->nr_index * sizeof(struct torpor_extent);
	uint8_t *buf = malloc(len);

	fixture_stream_rw(fx, buf, len, fx->index_off, false);
	fixture_header(fx)->index_crc = htole32(crc32c(fx->seed, buf, len));
	free(buf);
	fixture_seal_header(fx);
}

void fixture_seal_block(struct fixture *fx, uint64_t b)
{
	struct torpor_block_head head = fixture_block_head(fx, b);
	uint8_t *payload = malloc(fx->blocks[b].clen);

	fixture_stream_rw(fx, payload, fx->blocks[b].clen,
			  fx->blocks[b].off + sizeof(head), false);
	head.hash = htole32((uint32_t)xxh64(payload, fx->blocks[b].clen, 0));
	free(payload);
	fixture_set_block_head(fx, b, &head);
}
