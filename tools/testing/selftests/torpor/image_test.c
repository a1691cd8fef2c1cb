// SPDX-License-Identifier: GPL-2.0
/*
 * Image format tests: a good image round-trips through inspect, verify and
 * extract; every kind of damage is reported as its own specific error by
 * verify, extract (and inspect, when it is in the tail or header), never
 * as a crash; discard turns an image back into swap.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "crc32c.h"
#include "fixture.h"
#include "run.h"

#define PAGE TORPOR_PAGE_SIZE

static size_t image_len(const struct fixture *fx)
{
	return fx->dev_pages * PAGE;
}

/* Exit status 1 and exactly one "torpor: <cmd>: ...<expect>..." line. */
static int failed_with(const struct result *r, const char *cmd,
		       const char *expect)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "torpor: %s: ", cmd);
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 1 &&
	       !strncmp(r->err, prefix, strlen(prefix)) &&
	       strstr(r->err, expect) &&
	       strchr(r->err, '\n') == r->err + strlen(r->err) - 1;
}

static int succeeded(const struct result *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0 && !r->err[0];
}

TEST(crc32c_known_answer)
{
	ASSERT_EQ(0xe3069283u, crc32c(0, "123456789", 9));
	ASSERT_EQ(crc32c(0, "123456789", 9),
		  crc32c(crc32c(0, "1234", 4), "56789", 5));
	ASSERT_EQ(0u, crc32c(0, "", 0));
}

FIXTURE(good) {
	struct fixture fx;
	char dir[256];
	char path[300];
	char out[300];
};

FIXTURE_VARIANT(good) {
	struct fixture_opts opts;
};

FIXTURE_VARIANT_ADD(good, lz4) {
	.opts = { .compress = true },
};

FIXTURE_VARIANT_ADD(good, uncompressed) {
	.opts = { .compress = false },
};

FIXTURE_VARIANT_ADD(good, small) {
	.opts = { .small = true, .compress = true },
};

FIXTURE_SETUP(good)
{
	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
	snprintf(self->path, sizeof(self->path), "%s/image", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/memory", self->dir);
	fixture_build(&self->fx, &variant->opts);
	ASSERT_LT(1u, self->fx.nr_map);
	ASSERT_EQ(0, write_file(self->path, self->fx.img, image_len(&self->fx)));
}

FIXTURE_TEARDOWN(good)
{
	fixture_free(&self->fx);
	scratch_remove(self->dir);
}

TEST_F(good, inspect)
{
	const struct torpor_image_header *h = fixture_header(&self->fx);
	struct result r;
	char want[128];

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "inspect", self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "kernel_release     6.1.0-test-amd64\n"));
	snprintf(want, sizeof(want), "nr_pages           %llu (",
		 (unsigned long long)le64toh(h->nr_pages));
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "flags              test 0x2\n"));
	EXPECT_NE(NULL, strstr(r.out, "resume_attempts    0\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "freeze_ms          12.346 ms\n"));
	EXPECT_NE(NULL, strstr(r.out, "page_offset_base   0xffff888000000000\n"));

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "inspect", "--json", self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	snprintf(want, sizeof(want), "\"nr_zero_pages\": %llu,",
		 (unsigned long long)le64toh(h->nr_zero_pages));
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	/* The fixture's kernel version has quotes: they must be escaped. */
	EXPECT_NE(NULL, strstr(r.out, "(\\u0022fixture\\u0022)\""));
	EXPECT_EQ('{', r.out[0]);
	EXPECT_NE(NULL, strstr(r.out, "\"paging_levels\": 4\n}\n"));
}

TEST_F(good, verify)
{
	struct result r;

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, ": valid torpor image: "));
	EXPECT_NE(NULL, strstr(r.out, "kernel 6.1.0-test-amd64\n"));
}

TEST_F(good, extract)
{
	size_t len = self->fx.max_pfn * PAGE;
	off_t hole = self->fx.zero_run_pfn * PAGE;
	unsigned char *got;
	struct result r;
	int fd;

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "extract", self->path, "-o", self->out, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	ASSERT_EQ((long)len, read_file(self->out, &got));
	EXPECT_EQ(0, memcmp(got, self->fx.ram, len));
	free(got);
	/* Zero pages are holes: no data until the end of the zero run. */
	fd = open(self->out, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_LE(hole + (off_t)self->fx.zero_run_len * PAGE,
		  lseek(fd, hole, SEEK_DATA));
	close(fd);
}

TEST_F(good, discard)
{
	size_t len = image_len(&self->fx);
	unsigned char *after, *again;
	static const char zero[TORPOR_TAIL_SIZE - TORPOR_SIG_LEN];
	struct result r;

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "discard", self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "swap signature restored"));
	ASSERT_EQ((long)len, read_file(self->path, &after));
	/* mkswap's part and the stream untouched, tail as mkswap left it. */
	EXPECT_EQ(0, memcmp(after, self->fx.img, TORPOR_TAIL_OFFSET));
	EXPECT_EQ(0, memcmp(after + PAGE, self->fx.img + PAGE, len - PAGE));
	EXPECT_EQ(0, memcmp(after + TORPOR_TAIL_OFFSET, zero, sizeof(zero)));
	EXPECT_EQ(0, memcmp(after + PAGE - TORPOR_SIG_LEN, "SWAPSPACE2", 10));

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", self->path, NULL }));
	EXPECT_TRUE(failed_with(&r, "verify", "no torpor image (swap signature present)")) TH_LOG("%s", r.err);

	/* Idempotent: a second discard changes nothing and succeeds. */
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "discard", self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "no torpor image"));
	ASSERT_EQ((long)len, read_file(self->path, &again));
	EXPECT_EQ(0, memcmp(after, again, len));
	free(after);
	free(again);
}

TEST_F(good, discard_refuses_other_data)
{
	size_t len = image_len(&self->fx);
	unsigned char *after;
	struct result r;

	memcpy(self->fx.img + PAGE - TORPOR_SIG_LEN, "SWAP-SPACE", 10);
	ASSERT_EQ(0, write_file(self->path, self->fx.img, len));
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "discard", self->path, NULL }));
	EXPECT_TRUE(failed_with(&r, "discard", "neither a torpor image nor swap")) TH_LOG("%s", r.err);
	ASSERT_EQ((long)len, read_file(self->path, &after));
	EXPECT_EQ(0, memcmp(after, self->fx.img, len));
	free(after);
}

/*
 * An image in a swap file: the signature page sits at the file's first
 * page, resume_offset pages into the device, and every address in the
 * image counts from the device's start.  The fixture leaves its last page
 * unused; moving the signature page there makes such a device.
 */
TEST_F(good, swap_file_offset)
{
	size_t len = image_len(&self->fx);
	uint64_t at = self->fx.dev_pages - 1;
	unsigned char *dev = malloc(len), *got;
	char offset[32];
	struct result r;

	ASSERT_NE(NULL, dev);
	memcpy(dev, self->fx.img, len);
	memcpy(dev + at * PAGE, self->fx.img, PAGE);
	memset(dev, 0xa5, PAGE);
	ASSERT_EQ(0, write_file(self->path, dev, len));
	snprintf(offset, sizeof(offset), "%llu", (unsigned long long)at);

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", self->path, NULL }));
	EXPECT_TRUE(failed_with(&r, "verify", "no torpor image and no swap signature")) TH_LOG("%s", r.err);
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", "--offset", offset, self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "inspect", self->path, "--offset", offset, "--json", NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "extract", "--offset", offset, self->path, "-o", self->out, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	ASSERT_EQ((long)(self->fx.max_pfn * PAGE), read_file(self->out, &got));
	EXPECT_EQ(0, memcmp(got, self->fx.ram, self->fx.max_pfn * PAGE));
	free(got);

	/* discard rewrites the tail of that page and nothing else. */
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "discard", "--offset", offset, self->path, NULL }));
	ASSERT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	ASSERT_EQ((long)len, read_file(self->path, &got));
	EXPECT_EQ(0, memcmp(got, dev, at * PAGE + TORPOR_TAIL_OFFSET));
	EXPECT_EQ(0, memcmp(got + (at + 1) * PAGE - TORPOR_SIG_LEN, "SWAPSPACE2", 10));
	free(got);

	snprintf(offset, sizeof(offset), "%llu", (unsigned long long)at + 1);
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", "--offset", offset, self->path, NULL }));
	EXPECT_TRUE(failed_with(&r, "verify", "beyond the end of the device")) TH_LOG("%s", r.err);
	free(dev);
}

/*
 * Damage: each variant patches the good LZ4 image (re-sealing checksums
 * it does not mean to break) and names the error it must cause.
 */
FIXTURE(damage) {
	struct fixture fx;
	char dir[256];
	char path[300];
	char out[300];
};

FIXTURE_VARIANT(damage) {
	/* Returns the number of bytes of the device to keep. */
	size_t (*patch)(struct fixture *fx);
	const char *expect;
	int in_header;		/* inspect must see it too */
};

FIXTURE_SETUP(damage)
{
	struct fixture_opts opts = { .compress = true };
	size_t len;

	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
	snprintf(self->path, sizeof(self->path), "%s/image", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/memory", self->dir);
	fixture_build(&self->fx, &opts);
	len = variant->patch(&self->fx);
	ASSERT_EQ(0, write_file(self->path, self->fx.img, len));
}

FIXTURE_TEARDOWN(damage)
{
	fixture_free(&self->fx);
	scratch_remove(self->dir);
}

TEST_F(damage, reported)
{
	struct result r;
	struct stat st;

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", self->path, NULL }));
	EXPECT_TRUE(failed_with(&r, "verify", variant->expect))
		TH_LOG("status 0x%x, stderr: %s", r.status, r.err);
	EXPECT_EQ(0, r.out[0]);

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "extract", self->path, "-o", self->out, NULL }));
	EXPECT_TRUE(failed_with(&r, "extract", variant->expect))
		TH_LOG("status 0x%x, stderr: %s", r.status, r.err);
	EXPECT_NE(0, stat(self->out, &st)) TH_LOG("partial output left behind");

	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "inspect", self->path, NULL }));
	if (variant->in_header) {
		EXPECT_TRUE(failed_with(&r, "inspect", variant->expect))
			TH_LOG("status 0x%x, stderr: %s", r.status, r.err);
	} else {
		EXPECT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
	}
}

/* Helpers for the patches. */

static size_t whole(struct fixture *fx)
{
	return image_len(fx);
}

#define HDR(fx) fixture_header(fx)

static uint64_t block_with_first(struct fixture *fx, uint64_t first)
{
	for (uint64_t b = 0; b < fx->nr_blocks; b++)
		if (fx->blocks[b].first == first)
			return b;
	abort();
}

/* A block that is neither first nor last in data order, with >1 page. */
static uint64_t middle_block(struct fixture *fx)
{
	uint64_t data = le64toh(HDR(fx)->nr_data_pages);

	for (uint64_t b = 0; b < fx->nr_blocks; b++)
		if (fx->blocks[b].first && fx->blocks[b].npages > 1 &&
		    fx->blocks[b].first + fx->blocks[b].npages < data)
			return b;
	abort();
}

static uint64_t compressed_block(struct fixture *fx)
{
	for (uint64_t b = 0; b < fx->nr_blocks; b++)
		if (fx->blocks[b].clen < fx->blocks[b].npages * PAGE)
			return b;
	abort();
}

static void index_rw(struct fixture *fx, struct torpor_extent *ext, int i,
		     bool write)
{
	fixture_stream_rw(fx, ext, sizeof(*ext),
			  fx->index_off + i * sizeof(*ext), write);
}

#define DAMAGE(name, text, header)					\
	static size_t patch_##name(struct fixture *fx);			\
	FIXTURE_VARIANT_ADD(damage, name) {				\
		.patch = patch_##name, .expect = text, .in_header = header, \
	};								\
	static size_t patch_##name(struct fixture *fx)

DAMAGE(truncated_to_nothing, "too small for a swap signature page (100 bytes)", 1)
{
	(void)fx;
	return 100;
}

/* Cut inside the last page the stream or map uses: the header stays. */
DAMAGE(truncated, "outside 1..", 0)
{
	uint64_t last = 0;

	for (uint64_t i = 0; i < fx->stream_pages; i++)
		if (fx->stream_dev[i] > last)
			last = fx->stream_dev[i];
	for (uint32_t i = 0; i < fx->nr_map; i++)
		if (fx->map_at[i] > last)
			last = fx->map_at[i];
	if (fx->header_page >= last)
		abort();	/* the fixture's layout changed: fix the test */
	return last * PAGE + 1000;
}

DAMAGE(tail_sig, "no torpor image and no swap signature", 1)
{
	memcpy(fixture_tail(fx)->sig, "S1SUSPEND", 10);	/* the kernel's own */
	return whole(fx);
}

DAMAGE(plain_swap, "no torpor image (swap signature present)", 1)
{
	memcpy(fixture_tail(fx)->sig, "SWAPSPACE2", 10);
	return whole(fx);
}

DAMAGE(tail_orig_sig, "tail: saved swap signature is not SWAPSPACE2", 1)
{
	memcpy(fixture_tail(fx)->orig_sig, "SWAPSPACE1", 10);
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(tail_version, "tail: format version 1, expected 3", 1)
{
	fixture_tail(fx)->version = htole32(1);
	fixture_seal_tail(fx);
	return whole(fx);
}

/* A third resume is never started: the kernel discards such an image. */
DAMAGE(tail_attempts, "tail: 3 resume attempts, at most 2", 1)
{
	fixture_tail(fx)->attempts = htole32(3);
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(tail_crc, "tail: crc32c mismatch (stored 0x", 1)
{
	fixture_tail(fx)->reserved[7] ^= 1;
	return whole(fx);
}

DAMAGE(too_many_badpages, "swap header: 600 bad pages, at most 512 fit before the tail", 1)
{
	uint32_t n = htole32(600);

	memcpy(fx->img + 1032, &n, 4);
	return whole(fx);
}

DAMAGE(header_page_outside, "tail: header page 100000 outside the device", 1)
{
	fixture_tail(fx)->header_page = htole64(100000);
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(header_magic, "header: bad magic 0x48524f55 (expected 0x48524f54)", 1)
{
	HDR(fx)->magic = htole32(TORPOR_IMAGE_MAGIC + 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_version, "header: format version 7, expected 3", 1)
{
	HDR(fx)->version = htole32(7);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_size, "header: size 1000, expected", 1)
{
	HDR(fx)->header_size = htole32(1000);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_crc, "header: crc32c mismatch (stored 0x", 1)
{
	HDR(fx)->kernel_version[3] ^= 0x20;
	return whole(fx);
}

DAMAGE(header_crc_copy, "differs from the tail's copy", 1)
{
	fixture_tail(fx)->header_crc ^= htole64(1);
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(header_uuid, "header: image uuid differs from the tail's", 1)
{
	fixture_tail(fx)->image_uuid[0] ^= 1;
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(header_page_dirty, "of the header page is not zero", 1)
{
	fx->img[fx->header_page * PAGE + PAGE - 1] = 1;
	return whole(fx);
}

DAMAGE(header_release, "kernel release or version not NUL-terminated", 1)
{
	memset(HDR(fx)->kernel_release, 'x', TORPOR_UTS_LEN);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(page_size, "header: page size 8192, expected 4096", 1)
{
	HDR(fx)->page_size = htole32(8192);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(ram_ranges, "header: 4097 RAM ranges, at most 4096", 1)
{
	HDR(fx)->ram_ranges = htole32(4097);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(absurd_nr_pages, "header: nr_pages 1099511627776 out of range 1..68719476736", 1)
{
	HDR(fx)->nr_pages = htole64(1ull << 40);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(absurd_max_pfn, "header: max_pfn 18446744073709551615 impossible", 1)
{
	HDR(fx)->max_pfn = htole64(~0ull);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(absurd_nr_blocks, "blocks of at most 16 pages cannot carry", 1)
{
	HDR(fx)->nr_blocks = htole64(1ull << 60);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(absurd_stream_pages, "header: stream of 4294967296000 pages does not fit the device", 1)
{
	HDR(fx)->stream_pages = htole64(1000ull << 32);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(absurd_index_extents, "header: index of 1152921504606846976 extents", 1)
{
	HDR(fx)->index_extents = htole64(1ull << 60);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(data_pages_inconsistent, "is not nr_pages", 1)
{
	HDR(fx)->nr_data_pages = htole64(le64toh(HDR(fx)->nr_data_pages) + 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(compression_unknown, "header: unknown compression 2", 1)
{
	HDR(fx)->compression = htole32(2);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(block_pages_too_big, "header: block_pages 65 out of range 1..64", 1)
{
	HDR(fx)->block_pages = htole32(65);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(index_over_blocks, "header: index at stream page 0 overlaps the", 1)
{
	HDR(fx)->index_offset = 0;
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(map_magic, "map page 1 at device page", 0)
{
	fixture_map(fx, 1)->head.magic = htole32(0x12345678);
	fixture_seal_map(fx, 1);
	return whole(fx);
}

DAMAGE(map_crc, "map page 2 at device page", 0)
{
	fixture_map(fx, 2)->head.reserved ^= 1;
	return whole(fx);
}

DAMAGE(map_first_stream_page, "map page 1: first stream page", 0)
{
	fixture_map(fx, 1)->head.first_stream_page ^= htole64(1);
	fixture_seal_map(fx, 1);
	return whole(fx);
}

DAMAGE(map_extent_on_signature, "map page 0 extent 0: device pages 0+", 0)
{
	fixture_map(fx, 0)->extents[0].dev_page = 0;
	fixture_seal_map(fx, 0);
	return whole(fx);
}

DAMAGE(map_chain_short, "map chain ends after 1 of", 0)
{
	fixture_map(fx, 0)->head.next = 0;
	fixture_seal_map(fx, 0);
	return whole(fx);
}

DAMAGE(map_chain_long, "map chain: last of", 0)
{
	HDR(fx)->map_pages = htole32(fx->nr_map - 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(map_too_few_pages, "map chain maps", 0)
{
	HDR(fx)->stream_pages = htole64(fx->stream_pages + 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(index_crc, "index: crc32c mismatch (stored 0x", 0)
{
	struct torpor_extent e;

	index_rw(fx, &e, 1, false);
	e.count = htole32(le32toh(e.count) + 1);
	index_rw(fx, &e, 1, true);
	return whole(fx);
}

DAMAGE(index_out_of_order, "index: extent 3 (pfn", 0)
{
	struct torpor_extent a, b;

	index_rw(fx, &a, 2, false);
	index_rw(fx, &b, 3, false);
	index_rw(fx, &b, 2, true);
	index_rw(fx, &a, 3, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(index_overlap, "overlaps the previous one, which ends at pfn", 0)
{
	struct torpor_extent a, b;

	index_rw(fx, &a, 2, false);
	index_rw(fx, &b, 3, false);
	b.pfn = htole64(le64toh(a.pfn) + le32toh(a.count) - 1);
	index_rw(fx, &b, 3, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(index_count_zero, "index: extent 4 (pfn", 0)
{
	struct torpor_extent e;

	index_rw(fx, &e, 4, false);
	e.count = 0;
	index_rw(fx, &e, 4, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(index_flags, "index: extent 1 has unknown flags 0x4", 0)
{
	struct torpor_extent e;

	index_rw(fx, &e, 1, false);
	e.flags |= htole32(4);
	index_rw(fx, &e, 1, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(index_beyond_max_pfn, "beyond max_pfn 999", 0)
{
	HDR(fx)->max_pfn = htole64(999);	/* the last extent ends at 1000 */
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(index_page_sum, "index: holds", 0)
{
	struct torpor_extent e;

	index_rw(fx, &e, 0, false);
	e.count = htole32(le32toh(e.count) - 1);
	index_rw(fx, &e, 0, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(block_magic, ": bad magic 0x42524f55 (expected 0x42524f54)", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 3);

	head.magic = htole32(TORPOR_BLOCK_MAGIC + 1);
	fixture_set_block_head(fx, 3, &head);
	return whole(fx);
}

DAMAGE(block_head_crc, ": head crc32c mismatch (stored 0x", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 4);

	head.reserved ^= 1;
	fixture_stream_rw(fx, &head, sizeof(head), fx->blocks[4].off, true);
	return whole(fx);
}

DAMAGE(block_payload_hash, ": payload xxh64 mismatch (stored 0x", 0)
{
	uint8_t byte;
	uint64_t off = fx->blocks[5].off + sizeof(struct torpor_block_head) + 7;

	fixture_stream_rw(fx, &byte, 1, off, false);
	byte ^= 0x40;
	fixture_stream_rw(fx, &byte, 1, off, true);
	return whole(fx);
}

DAMAGE(block_npages_zero, ": 0 pages, expected 1..16", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 2);

	head.npages = 0;
	fixture_set_block_head(fx, 2, &head);
	return whole(fx);
}

DAMAGE(block_clen_too_big, "invalid for", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 2);

	head.clen = htole32(le32toh(head.npages) * PAGE + 1);
	fixture_set_block_head(fx, 2, &head);
	return whole(fx);
}

DAMAGE(block_past_end_of_stream, "runs past the end of the block stream (", 0)
{
	HDR(fx)->data_bytes = htole64(le64toh(HDR(fx)->data_bytes) - 10);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(block_head_past_end_of_stream, ": head runs past the end of the block stream", 0)
{
	HDR(fx)->data_bytes = htole64(fx->blocks[fx->nr_blocks - 1].off + 10);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(block_beyond_data_pages, "beyond nr_data_pages", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 1);

	head.first_data_page = HDR(fx)->nr_data_pages;
	fixture_set_block_head(fx, 1, &head);
	return whole(fx);
}

DAMAGE(blocks_missing, "blocks end at byte", 0)
{
	HDR(fx)->nr_blocks = htole64(fx->nr_blocks - 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(blocks_extra, ": head runs past the end of the block stream", 0)
{
	HDR(fx)->nr_blocks = htole64(fx->nr_blocks + 1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(coverage_gap, "are in no block", 0)
{
	uint64_t b = middle_block(fx);
	struct torpor_block_head head = fixture_block_head(fx, b);

	head.first_data_page = htole64(fx->blocks[b].first + 1);
	fixture_set_block_head(fx, b, &head);
	return whole(fx);
}

DAMAGE(coverage_overlap, ") overlaps block", 0)
{
	uint64_t b = middle_block(fx);
	struct torpor_block_head head = fixture_block_head(fx, b);

	head.first_data_page = htole64(fx->blocks[b].first - 1);
	fixture_set_block_head(fx, b, &head);
	return whole(fx);
}

DAMAGE(coverage_duplicate, ") overlaps block", 0)
{
	uint64_t b = block_with_first(fx, 0), c = middle_block(fx);
	struct torpor_block_head head = fixture_block_head(fx, c);

	/* Same first page as another block, npages kept: overlap. */
	head.first_data_page = htole64(fx->blocks[b].first);
	fixture_set_block_head(fx, c, &head);
	return whole(fx);
}

/* The payload is garbage but correctly checksummed: only LZ4 can tell. */
DAMAGE(lz4_corrupt, ": LZ4 decompression failed (result -", 0)
{
	uint64_t b = compressed_block(fx);
	uint8_t *junk = malloc(fx->blocks[b].clen);

	memset(junk, 0xff, fx->blocks[b].clen);
	fixture_stream_rw(fx, junk, fx->blocks[b].clen,
			  fx->blocks[b].off + sizeof(struct torpor_block_head), true);
	free(junk);
	fixture_seal_block(fx, b);
	return whole(fx);
}

DAMAGE(compressed_in_raw_image, ": compressed payload in an uncompressed image", 0)
{
	HDR(fx)->compression = htole32(TORPOR_COMP_NONE);
	fixture_seal_header(fx);
	return whole(fx);
}

/* Reserved fields must be zero, everywhere; checksums are right. */
DAMAGE(tail_reserved, "tail: reserved field reserved is not zero", 1)
{
	fixture_tail(fx)->reserved[3] = 1;
	fixture_seal_tail(fx);
	return whole(fx);
}

DAMAGE(header_reserved, "header: reserved field reserved is not zero", 1)
{
	HDR(fx)->reserved[255] = 0x80;
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_reserved1, "header: reserved field reserved1 is not zero", 1)
{
	HDR(fx)->reserved1 = htole32(1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_auth, "header: reserved field auth_alg is not zero", 1)
{
	HDR(fx)->auth_alg = htole32(1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(header_base_uuid, "header: reserved field base_uuid is not zero", 1)
{
	HDR(fx)->base_uuid[15] = 1;
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(arch_reserved, "header: arch_data: reserved field reserved is not zero", 1)
{
	HDR(fx)->arch_data.x86_64.reserved[23] = htole64(1);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(arch_tail_bytes, "header: arch_data: bytes after the x86-64 data are not zero", 1)
{
	HDR(fx)->arch_data.bytes[255] = 1;
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(map_head_reserved, "map page 1: reserved field is not zero", 0)
{
	fixture_map(fx, 1)->head.reserved = htole32(1);
	fixture_seal_map(fx, 1);
	return whole(fx);
}

DAMAGE(map_extent_reserved, "map page 0 extent 1: reserved field is not zero", 0)
{
	fixture_map(fx, 0)->extents[1].reserved = htole32(1);
	fixture_seal_map(fx, 0);
	return whole(fx);
}

DAMAGE(block_head_reserved, ": reserved field is not zero", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 0);

	head.reserved = htole32(1);
	fixture_set_block_head(fx, 0, &head);
	return whole(fx);
}

/* The image kernel is entered there: it must be a kernel address. */
DAMAGE(landing_not_canonical, "header: arch_data: landing point 0x8000000000001040 is not a canonical kernel address", 1)
{
	struct torpor_arch_x86_64 *a = &HDR(fx)->arch_data.x86_64;

	a->restore_code_virt = htole64(0x8000000000001000ull);
	a->entry_virt = htole64(0x8000000000001040ull);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(landing_outside_trampoline, "header: arch_data: landing point 0xffffffffc0a01000 is not in the trampoline's page", 1)
{
	HDR(fx)->arch_data.x86_64.entry_virt = htole64(0xffffffffc0a01000ull);
	fixture_seal_header(fx);
	return whole(fx);
}

DAMAGE(paging_levels, "header: arch_data: 3-level paging, expected 4 or 5", 1)
{
	HDR(fx)->arch_data.x86_64.paging_levels = htole32(3);
	fixture_seal_header(fx);
	return whole(fx);
}

/* A map chain that comes back to its own first page. */
DAMAGE(map_chain_loop, "map page 1: first stream page 0, expected", 0)
{
	fixture_map(fx, 0)->head.next = htole64(fx->map_at[0]);
	fixture_seal_map(fx, 0);
	return whole(fx);
}

DAMAGE(map_extent_wraps, "map page 0 extent 0: device pages 18446744073709551615+", 0)
{
	fixture_map(fx, 0)->extents[0].dev_page = htole64(~0ull);
	fixture_seal_map(fx, 0);
	return whole(fx);
}

DAMAGE(index_extent_wraps, "index: extent 2 (pfns 18446744073709551608+", 0)
{
	struct torpor_extent e;

	index_rw(fx, &e, 2, false);
	e.pfn = htole64(~0ull - 7);
	index_rw(fx, &e, 2, true);
	fixture_seal_index(fx);
	return whole(fx);
}

DAMAGE(block_first_wraps, "data pages 18446744073709551615+", 0)
{
	struct torpor_block_head head = fixture_block_head(fx, 1);

	head.first_data_page = htole64(~0ull);
	fixture_set_block_head(fx, 1, &head);
	return whole(fx);
}

/*
 * Slots are reused: a block or map page an earlier image left where a
 * later write was lost passes its own checks unless it is tied to its
 * image.  Images A and B hold the same memory in the same layout and
 * differ only in their uuid; a structure of A spliced into B must be
 * refused.
 */
FIXTURE(splice) {
	struct fixture a, b;
	char dir[256];
	char path[300];
};

FIXTURE_SETUP(splice)
{
	struct fixture_opts oa = { .compress = true, .uuid = "splice-image-AAA" };
	struct fixture_opts ob = { .compress = true, .uuid = "splice-image-BBB" };

	ASSERT_EQ(0, scratch_dir(self->dir, sizeof(self->dir)));
	snprintf(self->path, sizeof(self->path), "%s/image", self->dir);
	fixture_build(&self->a, &oa);
	fixture_build(&self->b, &ob);
	ASSERT_EQ(self->a.dev_pages, self->b.dev_pages);
}

FIXTURE_TEARDOWN(splice)
{
	fixture_free(&self->a);
	fixture_free(&self->b);
	scratch_remove(self->dir);
}

static void verify_b(struct __test_metadata *_metadata, const char *dir,
		     const char *path, struct fixture *b, const char *expect)
{
	struct result r;

	ASSERT_EQ(0, write_file(path, b->img, image_len(b)));
	ASSERT_EQ(0, torpor_run(&r, dir, (const char *[]){ "verify", path, NULL }));
	EXPECT_TRUE(failed_with(&r, "verify", expect))
		TH_LOG("status 0x%x, stderr: %s", r.status, r.err);
}

TEST_F(splice, block_from_another_image)
{
	struct fixture_block *blk = &self->a.blocks[3];
	size_t len = sizeof(struct torpor_block_head) + blk->clen;
	uint8_t *buf = malloc(len);
	char expect[96];

	ASSERT_NE(NULL, buf);
	fixture_stream_rw(&self->a, buf, len, blk->off, false);
	fixture_stream_rw(&self->b, buf, len, blk->off, true);
	free(buf);
	snprintf(expect, sizeof(expect), "block 3 at stream byte %llu: head crc32c mismatch",
		 (unsigned long long)blk->off);
	verify_b(_metadata, self->dir, self->path, &self->b, expect);
}

TEST_F(splice, map_page_from_another_image)
{
	char expect[96];

	memcpy(fixture_map(&self->b, 1), fixture_map(&self->a, 1), PAGE);
	snprintf(expect, sizeof(expect), "map page 1 at device page %llu: crc32c mismatch",
		 (unsigned long long)self->b.map_at[1]);
	verify_b(_metadata, self->dir, self->path, &self->b, expect);
}

/* The same image written twice (a new uuid each time) is never confused. */
TEST_F(splice, whole_images_verify)
{
	struct result r;

	ASSERT_EQ(0, write_file(self->path, self->a.img, image_len(&self->a)));
	ASSERT_EQ(0, torpor_run(&r, self->dir, (const char *[]){ "verify", self->path, NULL }));
	EXPECT_TRUE(succeeded(&r)) TH_LOG("%s", r.err);
}

/*
 * The fuzzer's committed seeds are valid images of this format: a stale
 * seed would only teach it the version check ("make -C userspace
 * fuzz-seeds" writes them again).
 */
TEST(fuzz_seeds_verify)
{
	static const char *const seeds[] = { "small-lz4", "small-raw" };
	char dir[256], path[512];
	struct result r;

	ASSERT_EQ(0, scratch_dir(dir, sizeof(dir)));
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", TORPOR_SEEDS, seeds[i]);
		ASSERT_EQ(0, torpor_run(&r, dir, (const char *[]){ "verify", path, NULL }));
		EXPECT_TRUE(succeeded(&r)) TH_LOG("%s: %s", seeds[i], r.err);
	}
	scratch_remove(dir);
}

TEST_HARNESS_MAIN
