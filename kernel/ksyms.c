// SPDX-License-Identifier: GPL-2.0
/*
 * Resolution of the unexported kernel symbols listed in ksyms_list.h.
 *
 * kallsyms_lookup_name() itself is not exported since 5.7.  A kprobe
 * registered by symbol name tells us where it is, and then it resolves
 * everything else.
 */

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>

#include "ksyms.h"

struct torpor_ksyms torpor_ksym __ro_after_init;

typedef unsigned long (*torpor_lookup_fn)(const char *name);

/*
 * Kernels built with IBT start functions with endbr64 (f3 0f 1e fa), and
 * at boot overwrite it with a 4-byte no-op (66 0f 1f 00) in functions
 * that vmlinux never calls indirectly.  Both read as little-endian u32.
 */
#define TORPOR_ENDBR64		0xfa1e0ff3u
#define TORPOR_ENDBR_SEALED	0x001f0f66u

static u32 torpor_insn32(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return 0;
	return insn;
}

/*
 * With IBT enforced an indirect call must land on an endbr64, so a sealed
 * function cannot be called through a pointer (it would oops).
 */
static bool torpor_ksym_callable(unsigned long addr)
{
	return !cpu_feature_enabled(X86_FEATURE_IBT) ||
	       torpor_insn32(addr) == TORPOR_ENDBR64;
}

static unsigned long torpor_kprobe_addr(const char *name)
{
	struct kprobe kp = {
		.symbol_name = name,
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/*
 * A kprobe on a function's entry sits after its endbr64 or sealed no-op
 * when it has one (6.12 is built with IBT), so the symbol is either at the
 * probe address or 4 bytes before it.  Calling the earlier candidate is
 * harmless either way: its 4 bytes are a no-op that falls through into the
 * function.  The right candidate is the one kallsyms_lookup_name() itself
 * reports.
 */
static bool torpor_is_entry_nop(unsigned long addr)
{
	u32 insn = torpor_insn32(addr);

	return insn == TORPOR_ENDBR64 || insn == TORPOR_ENDBR_SEALED;
}

static torpor_lookup_fn torpor_find_lookup(const char **why)
{
	const char *self = "kallsyms_lookup_name";
	unsigned long probe = torpor_kprobe_addr(self);
	unsigned long cand[2] = { probe - 4, probe };
	int i;

	*why = "kprobe on kallsyms_lookup_name failed";
	if (!probe)
		return NULL;
	*why = "kallsyms_lookup_name cannot be called with IBT enforced (boot with ibt=off)";
	for (i = torpor_is_entry_nop(cand[0]) ? 0 : 1; i < ARRAY_SIZE(cand); i++) {
		torpor_lookup_fn fn = (torpor_lookup_fn)cand[i];

		if (!torpor_ksym_callable(cand[i]))
			continue;
		*why = "kallsyms_lookup_name does not find itself";
		if (fn(self) == cand[i])
			return fn;
	}
	return NULL;
}

/* A list of names for one error line; long lists end in "...". */
struct torpor_name_list {
	char buf[160];
	size_t len;
	int count;
};

static void torpor_name_list_add(struct torpor_name_list *l, const char *name)
{
	l->len += scnprintf(l->buf + l->len, sizeof(l->buf) - l->len, " %s", name);
	if (l->len >= sizeof(l->buf) - 4)
		strscpy(l->buf + sizeof(l->buf) - 5, "...", 4);
	l->count++;
}

struct torpor_ksym_ctx {
	torpor_lookup_fn lookup;
	struct torpor_name_list missing;
	struct torpor_name_list uncallable;
};

static void torpor_ksym_resolve(struct torpor_ksym_ctx *ctx, const char *name,
				unsigned long *addr, bool is_fn)
{
	*addr = ctx->lookup(name);
	if (!*addr)
		torpor_name_list_add(&ctx->missing, name);
	else if (is_fn && !torpor_ksym_callable(*addr))
		torpor_name_list_add(&ctx->uncallable, name);
}

static void torpor_ksym_resolve_all(struct torpor_ksym_ctx *ctx)
{
#define TORPOR_KSYM_FN(ret, name, args) \
	torpor_ksym_resolve(ctx, #name, &torpor_ksym.name##_addr, true)
#define TORPOR_KSYM_VAR(type, name) \
	torpor_ksym_resolve(ctx, #name, &torpor_ksym.name##_addr, false)
#include "ksyms_list.h"
#undef TORPOR_KSYM_FN
#undef TORPOR_KSYM_VAR
}

int torpor_ksyms_init(void)
{
	struct torpor_ksym_ctx ctx = {};
	const char *why;

	ctx.lookup = torpor_find_lookup(&why);
	if (!ctx.lookup) {
		pr_err("cannot resolve kernel symbols: %s\n", why);
		return -ENOENT;
	}
	torpor_ksym_resolve_all(&ctx);
	if (ctx.missing.count)
		pr_err("kernel symbols not found:%s\n", ctx.missing.buf);
	if (ctx.uncallable.count)
		pr_err("kernel functions not callable with IBT enforced (boot with ibt=off):%s\n",
		       ctx.uncallable.buf);
	return ctx.missing.count || ctx.uncallable.count ? -ENOENT : 0;
}
