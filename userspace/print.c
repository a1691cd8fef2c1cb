// SPDX-License-Identifier: GPL-2.0
/*
 * inspect's output.  Every field is emitted once through out_*(), which
 * renders it either as an aligned "label: value" line or as a JSON member,
 * so the two forms cannot drift apart.
 */
#include <endian.h>
#include <inttypes.h>
#include <string.h>

#include "print.h"

struct out {
	FILE *f;
	bool json;
	bool first;
};

static void out_key(struct out *o, const char *key)
{
	if (o->json)
		fprintf(o->f, "%s\n  \"%s\": ", o->first ? "{" : ",", key);
	else
		fprintf(o->f, "%-18s ", key);
	o->first = false;
}

/* Strings come from the image: escape everything outside printable ASCII. */
static void out_str(struct out *o, const char *key, const char *s, size_t max)
{
	out_key(o, key);
	if (o->json)
		fputc('"', o->f);
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && (!o->json || (c != '"' && c != '\\')))
			fputc(c, o->f);
		else
			fprintf(o->f, o->json ? "\\u%04x" : "\\x%02x", c);
	}
	fputs(o->json ? "\"" : "\n", o->f);
}

static void out_u64(struct out *o, const char *key, uint64_t v)
{
	out_key(o, key);
	fprintf(o->f, o->json ? "%" PRIu64 : "%" PRIu64 "\n", v);
}

/* JSON numbers lose precision past 2^53: addresses go as strings. */
static void out_hex(struct out *o, const char *key, uint64_t v)
{
	out_key(o, key);
	fprintf(o->f, o->json ? "\"0x%" PRIx64 "\"" : "0x%" PRIx64 "\n", v);
}

static void out_size(struct out *o, const char *key, uint64_t v, uint64_t unit)
{
	out_key(o, key);
	if (o->json)
		fprintf(o->f, "%" PRIu64, v);
	else
		fprintf(o->f, "%" PRIu64 " (%.1f MiB)\n", v,
			(double)v * unit / (1 << 20));
}

static void out_real(struct out *o, const char *key, double v, int digits,
		     const char *unit)
{
	out_key(o, key);
	fprintf(o->f, o->json ? "%.*f" : "%.*f%s\n", digits, v, unit);
}

static void out_uuid(struct out *o, const char *key, const uint8_t *u)
{
	char s[37];
	int n = 0;

	for (int i = 0; i < 16; i++)
		n += snprintf(s + n, sizeof(s) - n, "%s%02x",
			      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
			      u[i]);
	out_str(o, key, s, sizeof(s));
}

static void out_flags(struct out *o, uint32_t flags)
{
	char s[64];

	snprintf(s, sizeof(s), "%s%s%s%s0x%x",
		 flags & TORPOR_FLAG_PLATFORM ? "platform " : "",
		 flags & TORPOR_FLAG_TEST ? "test " : "",
		 flags & TORPOR_FLAG_REUSABLE ? "reusable " : "",
		 flags ? "" : "none ", flags);
	out_str(o, "flags", s, sizeof(s));
}

static void print_identity(struct out *o, const struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;

	out_str(o, "device", img->dev->name, strlen(img->dev->name));
	out_str(o, "kernel_release", h->kernel_release, TORPOR_UTS_LEN);
	out_str(o, "kernel_version", h->kernel_version, TORPOR_UTS_LEN);
	out_hex(o, "kernel_hash", le32toh(h->kernel_hash));
	out_str(o, "arch", "x86_64", 7);
	out_uuid(o, "uuid", h->image_uuid);
	out_flags(o, le32toh(h->flags));
	out_u64(o, "resume_attempts", le32toh(img->tail.attempts));
	if (le32toh(h->flags) & TORPOR_FLAG_REUSABLE)
		out_u64(o, "resumes", le32toh(img->tail.resumes));
	out_u64(o, "nr_cpus", le32toh(h->nr_cpus));
	out_u64(o, "ram_ranges", le32toh(h->ram_ranges));
	out_size(o, "ram_pages", le64toh(h->ram_pages), TORPOR_PAGE_SIZE);
	out_hex(o, "max_pfn", le64toh(h->max_pfn));
	out_hex(o, "ram_fingerprint", le32toh(h->ram_fingerprint));
}

static void print_contents(struct out *o, const struct image *img)
{
	const struct torpor_image_header *h = &img->hdr;
	uint64_t data = le64toh(h->nr_data_pages);

	out_size(o, "nr_pages", le64toh(h->nr_pages), TORPOR_PAGE_SIZE);
	out_size(o, "nr_zero_pages", le64toh(h->nr_zero_pages), TORPOR_PAGE_SIZE);
	out_size(o, "nr_data_pages", data, TORPOR_PAGE_SIZE);
	out_str(o, "compression",
		le32toh(h->compression) == TORPOR_COMP_LZ4 ? "lz4" : "none", 5);
	out_u64(o, "block_pages", le32toh(h->block_pages));
	out_u64(o, "nr_blocks", le64toh(h->nr_blocks));
	out_size(o, "data_bytes", le64toh(h->data_bytes), 1);
	out_size(o, "image_bytes", image_disk_bytes(h), 1);
	out_real(o, "ratio", image_ratio(h), 2, "");
	out_u64(o, "header_page", le64toh(img->tail.header_page));
	out_u64(o, "stream_pages", le64toh(h->stream_pages));
	out_u64(o, "map_page", le64toh(h->map_page));
	out_u64(o, "map_pages", le32toh(h->map_pages));
	out_u64(o, "index_offset", le64toh(h->index_offset));
	out_u64(o, "index_extents", le64toh(h->index_extents));
}

static void print_timings(struct out *o, const struct torpor_image_header *h)
{
	out_real(o, "freeze_ms", le64toh(h->freeze_ns) / 1e6, 3, " ms");
	out_real(o, "prepare_ms", le64toh(h->prepare_ns) / 1e6, 3, " ms");
	out_real(o, "snapshot_ms", le64toh(h->snapshot_ns) / 1e6, 3, " ms");
	out_real(o, "write_ms", le64toh(h->write_ns) / 1e6, 3, " ms");
}

static void print_x86_64(struct out *o, const struct torpor_arch_x86_64 *a)
{
	out_hex(o, "entry_virt", le64toh(a->entry_virt));
	out_hex(o, "cr3", le64toh(a->cr3));
	out_hex(o, "page_offset_base", le64toh(a->page_offset_base));
	out_hex(o, "kernel_text_base", le64toh(a->kernel_text_base));
	out_hex(o, "restore_code_virt", le64toh(a->restore_code_virt));
	out_hex(o, "restore_code_pfn", le64toh(a->restore_code_pfn));
	out_u64(o, "paging_levels", le32toh(a->paging_levels));
}

void image_print(FILE *f, const struct image *img, bool json)
{
	struct out o = { .f = f, .json = json, .first = true };

	print_identity(&o, img);
	print_contents(&o, img);
	print_timings(&o, &img->hdr);
	print_x86_64(&o, &img->hdr.arch_data.x86_64);
	if (json)
		fputs("\n}\n", f);
}
