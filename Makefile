# SPDX-License-Identifier: GPL-2.0
#
# torpor: hibernation for stock kernels as a loadable module.
# "make help" lists the targets.  Everything generated goes to build/.

BUILD := $(CURDIR)/build
CHECK := $(BUILD)/check
SELFTESTS := tools/testing/selftests/torpor
RUN_SCENARIO := tools/qemu/run-scenario
CHECKPATCH := $(BUILD)/checkpatch/checkpatch.pl

.DEFAULT_GOAL := all

VERSION := $(shell cat VERSION)

# Goals that use only what is installed: they never run tools/deps.sh (apt,
# downloads).  Building for a kernel named with KVER= or KDIR= is one of
# them, which is how installs, DKMS and packagers build.
LOCAL_GOALS := clean distclean help install install-module install-tool \
	install-boot install-dkms dkms-source dkms-here uninstall uninstall-module \
	uninstall-tool uninstall-boot uninstall-dkms
ifneq ($(filter command line,$(origin KVER) $(origin KDIR)),)
LOCAL_GOALS += all module module-debug tool
endif
ifneq ($(filter-out $(LOCAL_GOALS),$(or $(MAKECMDGOALS),all)),)
WANT_DEPS := deps
endif

# KVER_61 and KVER_612: the Debian kernel releases, discovered by deps.
-include $(BUILD)/versions.mk
ifdef WANT_DEPS
$(BUILD)/versions.mk:
	tools/deps.sh
endif

# Tests build for the 6.1 kernel by default; installs for the running one.
ifdef WANT_DEPS
KVER ?= $(KVER_61)
else
KVER ?= $(shell uname -r)
endif
KDIR ?= /usr/src/linux-headers-$(KVER)
MODDIR := $(BUILD)/$(KVER)
# Kbuild's tree: its torpor.ko is klp-convert's input, the one in MODDIR
# the output.  Kbuild's link line starts with "+", which make runs even
# under make -n: converted in place, a dry run could link the module again
# over the converted one, which the kernel refuses to load.
KBUILD_TREE = $(MODDIR)/kbuild
KERNEL_SOURCES = $(shell find kernel -name '*.[chS]' | LC_ALL=C sort)
# checkpatch reads assembly too, as the kernel's does.
ASM_SOURCES = $(shell find tools -name '*.S' | LC_ALL=C sort)
# The shell scripts: *.sh, sourced (each says its dialect in a
# "shellcheck shell=" line or a .shellcheckrc), and those that start with
# a #!/bin/sh or #!/bin/bash line.
SHELL_SCRIPTS = $(shell find tools userspace -type f | LC_ALL=C sort | \
	while read -r f; do case $$f in (*.sh) echo $$f ;; \
	(*) head -n 1 $$f | grep -qE '^\#! */bin/(ba)?sh' && echo $$f ;; esac; done)

all: module tool

deps:
	@tools/deps.sh

# A kernel that deps downloaded (build/kernels/): its ELF vmlinux, taken
# once out of its image, gives the module build the BTF to check against
# (kernel/kabi.h), klp-convert the kernel's symbol table (Debian ships no
# real System.map) and the IBT check its kallsyms and seal list.
KIMAGE = $(BUILD)/kernels/$(1)/boot/vmlinuz-$(1)
VMLINUX = $(BUILD)/vmlinux/$(1).elf
vmlinux_elf = test $(call VMLINUX,$(1)) -nt $(call KIMAGE,$(1)) || \
	{ mkdir -p $(BUILD)/vmlinux && tools/kimage/vmlinux-elf $(call KIMAGE,$(1)) $(call VMLINUX,$(1)); }
# Other kernels: Kbuild finds their BTF and symbols itself
# (tools/btf/kabi-check, tools/klp-convert/kernel-symbols), both unpacking
# the image with tools/kimage/vmlinux-elf.
MODULE_KIMAGE = $(if $(wildcard $(call KIMAGE,$(KVER))),\
	TORPOR_BTF=$(call VMLINUX,$(KVER)) TORPOR_KERNEL_IMAGE=$(call VMLINUX,$(KVER)))
# The host tools the module build runs, with the module's sources.
MODULE_TOOLS := tools/btf tools/kimage tools/klp-convert

# Each kernel gets its own tree of links to the sources, so objects built
# for different kernels never mix; links are refreshed on every build so
# added and removed files are picked up.
module: $(WANT_DEPS)
	@test -d $(KDIR) || { echo "no kernel headers in $(KDIR)"; exit 1; }
	@mkdir -p $(KBUILD_TREE)/tools
	@cp -rsf $(CURDIR)/kernel $(CURDIR)/Kbuild $(CURDIR)/VERSION $(KBUILD_TREE)/
	@cp -rsf $(addprefix $(CURDIR)/,$(MODULE_TOOLS)) $(KBUILD_TREE)/tools/
	@find $(KBUILD_TREE) -xtype l -delete
	@$(if $(MODULE_KIMAGE),$(call vmlinux_elf,$(KVER)))
	$(MAKE) -C $(KDIR) M=$(KBUILD_TREE) $(MODULE_KIMAGE) modules
	$(KBUILD_TREE)/tools/klp-convert/klp-convert convert $(KBUILD_TREE)/kernel.syms \
		$(KBUILD_TREE)/torpor.o $(KBUILD_TREE)/torpor.ko $(MODDIR)/torpor.ko

module-debug:
	$(MAKE) module TORPOR_DEBUG=y

modules: deps
	$(MAKE) module KVER=$(KVER_61)
	$(MAKE) module KVER=$(KVER_612)

tool: $(WANT_DEPS)
	$(MAKE) -C userspace BUILD=$(BUILD)

# The static proof that torpor.ko runs with IBT enforced, against a kernel
# deps downloaded: make ibt [KVER=release] (Documentation/module.rst).
IBTCHECK := $(BUILD)/ibtcheck
IBTCHECK_SOURCES := tools/ibt/ibtcheck.c tools/kimage/kallsyms.c
$(IBTCHECK): $(IBTCHECK_SOURCES) tools/kimage/kallsyms.h tools/kimage/kelf.h
	$(CC) -O2 -Wall -Wextra -o $@ $(IBTCHECK_SOURCES)

# klp-convert as the module build makes it (Kbuild), for ibt-selftest.
KLP_CONVERT := $(BUILD)/klp-convert
KLP_CONVERT_SOURCES := tools/klp-convert/klp-convert.c tools/kimage/kallsyms.c
$(KLP_CONVERT): $(KLP_CONVERT_SOURCES) tools/kimage/kallsyms.h tools/kimage/kelf.h
	$(CC) -O2 -Wall -Wextra -o $@ $(KLP_CONVERT_SOURCES)

ibt: module $(IBTCHECK)
	@$(call vmlinux_elf,$(KVER))
	$(IBTCHECK) $(call VMLINUX,$(KVER)) $(MODDIR)/torpor.ko $(KBUILD_TREE)/torpor.o

# The check itself must find the faults planted in tools/ibt/fixture.S,
# against 6.12, whose IBT seals the kernel functions the fixture names.
ibt-selftest: deps $(IBTCHECK) $(KLP_CONVERT)
	@$(call vmlinux_elf,$(KVER_612))
	@mkdir -p $(BUILD)/ibt-selftest
	tools/ibt/selftest $(IBTCHECK) $(KLP_CONVERT) $(call VMLINUX,$(KVER_612)) $(BUILD)/ibt-selftest

# The module build's guards fail on planted faults, naming them: a kernel
# symbol the kernel lacks, one the load could not check by its address
# (klp-convert), a value that differs from the kernel's BTF (btfcheck).
# Against 6.12, the kernel with IBT.
build-selftest: deps
	@$(call vmlinux_elf,$(KVER_612))
	@mkdir -p $(BUILD)/build-selftest
	tools/build/selftest $(KVER_612) $(BUILD)/build-selftest

# checkpatch's advice against LINUX_VERSION_CODE is replaced by our own
# rule: version tests live in kernel/compat.h and nowhere else.
# $(call version_guard,DIR): fails on any kernel version test (the
# version macros, KERNEL_VERSION(), the release string or the headers
# that define them) in a source file under DIR other than compat.h.
VERSION_TEST := \<(LINUX_VERSION_[A-Z_]+|KERNEL_VERSION|UTS_RELEASE|UTS_VERSION)\>|\<(linux/version|generated/utsrelease)\.h\>
version_guard = ! grep -rnE --include='*.[chS]' --exclude=compat.h '$(VERSION_TEST)' $(1) || \
	{ echo "style: kernel version tests belong in kernel/compat.h only"; exit 1; }

# What the QEMU guest sources runs in busybox ash, which shellcheck's bash
# and dash dialects do not cover (a bash-only "for ((" kills its /init).
GUEST_SCRIPTS = tools/qemu/guest.sh tools/qemu/workload.sh $(wildcard tools/qemu/scenarios/*.sh)
guest_parse = for f in $(1); do busybox ash -n $$f || \
	{ echo "style: $$f does not parse in busybox ash, the guest's shell"; exit 1; }; done

style: deps
	@$(CHECKPATCH) --no-tree --quiet --ignore LINUX_VERSION_CODE -f $(KERNEL_SOURCES) $(ASM_SOURCES)
	@$(call version_guard,kernel)
	@shellcheck -x $(SHELL_SCRIPTS)
	@tools/doc/rst-check Documentation/*.rst
	@$(call guest_parse,$(GUEST_SCRIPTS))
	@! grep -nE '\<bitmap_(set|clear|weight|zero|zalloc|fill)\(' $(filter-out kernel/bits.h,$(KERNEL_SOURCES)) || \
		{ echo "style: frame and page bitmaps go through kernel/bits.h (the kernel's helpers count in unsigned int)"; exit 1; }
	@! git ls-files 2>/dev/null | grep -E '\.(orig|rej)$$|~$$' || \
		{ echo "style: leftovers of a patch or an editor are tracked: git rm them"; exit 1; }

# The version guard must pass on kernel/ and fail on a copy of it with
# one version test planted in a file, for each way of writing one.
STYLE_SELFTEST := $(BUILD)/style-selftest
PLANTED_VERSION_TESTS := '\#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)' \
	'\#if LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL > 1' \
	'\#if LINUX_VERSION_SUBLEVEL' '\#if KERNEL_VERSION(6, 12, 0) > 0' \
	'\#include <linux/version.h>' 'static const char *r = UTS_RELEASE;'
style-selftest:
	@( $(call version_guard,kernel) ) || { echo "style-selftest: the guard fails on kernel/"; exit 1; }
	@n=0; for t in $(PLANTED_VERSION_TESTS); do \
		n=$$((n + 1)); rm -rf $(STYLE_SELFTEST) && mkdir -p $(STYLE_SELFTEST) && cp -R kernel $(STYLE_SELFTEST)/ && \
		echo "$$t" >>$(STYLE_SELFTEST)/kernel/arch/x86/arch.c && \
		if ( $(call version_guard,$(STYLE_SELFTEST)/kernel) ); then \
			echo "style-selftest: the guard misses: $$t"; exit 1; \
		fi; \
	done; echo "style-selftest: the version guard caught all $$n planted tests"
	@printf 'f()\n{\n\tfor ((i = 0; i < 2; i++)); do :; done\n}\n' >$(STYLE_SELFTEST)/bashism.sh && \
		if ( $(call guest_parse,$(STYLE_SELFTEST)/bashism.sh) ) >/dev/null 2>&1; then \
			echo "style-selftest: the guest parse check passes a bash-only loop"; exit 1; \
		fi; echo "style-selftest: the guest parse check caught a bash-only loop"
	@printf 'A longer title\n======\n\ntext\n' >$(STYLE_SELFTEST)/short-underline.rst && \
		if tools/doc/rst-check $(STYLE_SELFTEST)/short-underline.rst >/dev/null; then \
			echo "style-selftest: rst-check passes a title underline too short"; exit 1; \
		fi; echo "style-selftest: rst-check caught a title underline too short"

# make scenario S=NAME [KVER=release] [ARGS="VAR=value ..."]
scenario: all
	@test -n "$(S)" || { echo "usage: make scenario S=NAME [KVER=release]"; exit 1; }
	@$(RUN_SCENARIO) $(S) $(KVER) $(ARGS)

demo: all
	@tools/qemu/demo $(KVER_61)

# torpor against the kernel's swsusp on both kernels (ROUNDS=n, QUICK=1).
bench: modules tool
	@tools/bench/bench

# $(call check_group,NAME,COMMAND[,BUDGET]): run COMMAND with its output
# in $(CHECK)/NAME.log, print one result line and record the outcome, so
# that check goes on after a failure.  A failed group's own reasons
# come before its log's tail: a CI page that shortens the output keeps
# the first lines of an excerpt.  A failure that is the emulator's
# (EMULATOR_FAULT says which) is said out loud and run once more, its
# log kept as NAME.first.log.  The re-run is recorded too, and counted
# in the summary: a hang of torpor's own that looks like the emulator's
# must not pass unseen because its second run passed.  A (last) run
# that took longer than BUDGET seconds is said and named before the
# summary, as a hint of a slow-down; it does not fail the group.
EMULATOR_FAULT := tools/testing/selftests/torpor/emulator-fault
define check_group
	@start=$$(date +%s); \
	if ( $(2) ) >$(CHECK)/$(1).log 2>&1 || \
	    { fault=$$($(EMULATOR_FAULT) $(CHECK)/$(1).log) && \
	      mv $(CHECK)/$(1).log $(CHECK)/$(1).first.log && \
	      echo "# $(1): $$fault; running it once more" && \
	      echo "rerun $(1)" >>$(CHECK)/results && \
	      start=$$(date +%s) && \
	      ( $(2) ) >$(CHECK)/$(1).log 2>&1; }; then \
		echo "ok - $(1)"; echo "pass $(1)" >>$(CHECK)/results; \
	else \
		echo "not ok - $(1) ($(CHECK:$(CURDIR)/%=%)/$(1).log)"; \
		grep -E '^(not ok |# (FAIL|STALLED): )' $(CHECK)/$(1).log | \
			sed 's/^/#   why: /'; \
		tail -n 40 $(CHECK)/$(1).log | sed 's/^/#   /'; \
		echo "fail $(1)" >>$(CHECK)/results; \
	fi; \
	took=$$(($$(date +%s) - start)); \
	test -z "$(3)" || test $$took -le "$(3)" || \
		{ echo "# $(1): took $$took s (budget $(3) s)"; echo "slow $(1)" >>$(CHECK)/results; }
endef

# The first and the last lines of a check recipe: an empty $(CHECK), and
# "N passed, N failed, N rerun" (the re-run groups and those over their
# time budget named before it, the QEMU that ran them first) with the exit
# status.
define check_begin
	@rm -rf $(CHECK)
	@mkdir -p $(CHECK)
	@df -h --output=avail $(BUILD) | sed -n '2s/ *\(.*\)/# $(BUILD:$(CURDIR)/%=%): \1 free/p'
endef

define check_end
	@qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^/# /p'
	@passed=$$(grep -c '^pass ' $(CHECK)/results); \
	failed=$$(grep -c '^fail ' $(CHECK)/results); \
	rerun=$$(grep -c '^rerun ' $(CHECK)/results); \
	test $$rerun -eq 0 || echo "# rerun after an emulator fault (see NAME.first.log):" \
		$$(sed -n 's/^rerun //p' $(CHECK)/results); \
	! grep -q '^slow ' $(CHECK)/results || echo "# over their time budget:" \
		$$(sed -n 's/^slow //p' $(CHECK)/results); \
	echo "$$passed passed, $$failed failed, $$rerun rerun"; \
	test $$failed -eq 0
endef

# $(call output_clean,NAME,COMMAND,BAD): COMMAND succeeds and prints no
# line matching the extended regexp BAD.
output_clean = $(2) >$(CHECK)/$(1).out 2>&1; rc=$$?; cat $(CHECK)/$(1).out; \
	test $$rc -eq 0 && ! grep -E -i -e '$(3)' $(CHECK)/$(1).out

# A W=1 module build must not print a single warning; KTAP output that
# exits 0 but reports a failed test still fails its group.
clean_build = $(call output_clean,module-$(1),$(MAKE) --no-print-directory module KVER=$(1) W=1,warning:)
# The IBT check of the module clean_build made: with its W=1, which Kbuild
# counts in its flags, so that nothing is compiled again beside the lanes.
ibt_built = $(MAKE) --no-print-directory ibt KVER=$(1) W=1
ktap_run = $(call output_clean,$(1),$(MAKE) -C $(SELFTESTS) BUILD=$(BUILD) $(2) run_tests,^([#] )*not ok)

# $(call scenario_groups,TARGET[,LANE]): a check group for each QEMU group
# that the scenarios register for make TARGET with their "# TARGET:" lines
# (tools/qemu/check-groups, Documentation/testing.rst), with its time
# budget; with LANE, only those of lane LANE of $(CHECK_JOBS).
# Each group's line is one word here, its spaces made unit separators.
CHECK_GROUPS = tools/qemu/check-groups $(1) $(if $(2),--lane $(2)/$(CHECK_JOBS)) CUTS=$(CUTS)
US := $(shell printf '\037')
define scenario_groups
	$(foreach g,$(shell $(CHECK_GROUPS) | tr ' ' '$(US)'),$(call scenario_group,$(subst $(US), ,$(g))))
endef

# $(call scenario_group,NAME BUDGET SCENARIO RELEASE [VAR=value...])
define scenario_group
	$(call check_group,$(firstword $(1)),$(RUN_SCENARIO) $(wordlist 3,$(words $(1)),$(1)),$(word 2,$(1)))

endef

# $(call check_lanes,TARGET[,SIDE]): the QEMU groups TARGET registers
# run in CHECK_JOBS lanes side by side, and the groups of the target SIDE
# in one more beside them.  A guest keeps about one CPU busy, so on a
# host with one CPU a lane a whole make check took 1.4 times less time
# than one group at a time (Documentation/testing.rst, Lanes).  Each group's
# lines are printed when it ends; the group scenario-groups first lists
# them all in its log, and fails on a line that check-groups cannot read,
# which no run may skip unseen.
CHECK_JOBS ?= $(shell nproc)
define check_lanes
	$(if $(LANES),,$(error CHECK_JOBS=$(CHECK_JOBS): the QEMU groups need one lane or more))
	$(call check_group,scenario-groups,$(call CHECK_GROUPS,$(1)))
	@$(MAKE) --no-print-directory --output-sync=line -j$(words $(2) $(LANES)) \
		CHECK=$(CHECK) LANE_TARGET=$(1) $(2) $(addprefix check-lane-,$(LANES))
endef
LANES = $(shell seq $(CHECK_JOBS))

check-lane-%:
	$(call scenario_groups,$(LANE_TARGET),$*)

# The runs of the checks keep the logs of those that pass, not their disks
# (tools/qemu/lib.sh, harness_tidy).
check check-system check-faults: export TIDY := 1

check:
	$(check_begin)
	$(call check_group,deps,tools/deps.sh)
	$(call check_group,module-$(KVER_61),$(call clean_build,$(KVER_61)))
	$(call check_group,module-$(KVER_612),$(call clean_build,$(KVER_612)))
	$(call check_group,tool,$(MAKE) --no-print-directory tool)
	$(call check_lanes,check,check-side)
	$(system_groups)
	$(laptop_groups)
	$(check_end)

# What runs beside make check's QEMU lanes: the guest images the system
# and laptop groups boot, then the checks that boot no guest.  The system
# and laptop groups themselves run after the lanes, one at a time: a
# Debian guest on a loaded host now and then reports an RCU stall while
# it starts (Documentation/testing.rst, The laptop, Timing).
check-side:
	$(system_image_group)
	$(laptop_image_group)
	$(call check_group,build-selftest,$(MAKE) --no-print-directory build-selftest)
	$(call check_group,ibt-selftest,$(MAKE) --no-print-directory ibt-selftest)
	$(call check_group,ibt-$(KVER_61),$(call ibt_built,$(KVER_61)))
	$(call check_group,ibt-$(KVER_612),$(call ibt_built,$(KVER_612)))
	$(call check_group,style,$(MAKE) --no-print-directory style)
	$(call check_group,style-selftest,$(MAKE) --no-print-directory style-selftest)
	$(call check_group,rerun-selftest,$(EMULATOR_FAULT)-test)
	$(call check_group,selftests,$(call ktap_run,selftests,))
	$(call check_group,selftests-asan,$(call ktap_run,selftests-asan,SANITIZE=1))
	$(call check_group,fuzz,$(MAKE) --no-print-directory -C userspace BUILD=$(BUILD) FUZZ_TIME=60 fuzz)

# The QEMU groups of check and check-faults, as the scenarios register
# them: name, time budget (s), run-scenario's arguments.
check-list:
	@for t in check check-faults; do echo "# make $$t"; $(call CHECK_GROUPS,$$t) || exit 1; done

# The system tests (tools/system/): a Debian 12 guest with systemd, torpor
# installed by DKMS for both kernels; systemctl hibernate, lid close and a
# swap file (on the ext4 root, and on a btrfs root), each hibernating and
# resuming, systemctl hybrid-sleep woken from RAM, and systemctl hibernate
# refused under lockdown=integrity.  About 2 minutes a scenario,
# 11 in all with the guest built from scratch (cached in build/system/).
SYSTEM_RUN := tools/system/run
# Every group tests the image the first one built, even if the sources
# change meanwhile.
SYSTEM_IMAGE = SYSTEM_IMAGE=$$(cat $(CHECK)/system-image.dir)
LAPTOP_RUN = $(SYSTEM_IMAGE) LAPTOP_IMAGE=$$(cat $(CHECK)/laptop-image.dir) $(SYSTEM_RUN)
define system_image_group
	$(call check_group,system-image,tools/system/rootfs >$(CHECK)/system-image.dir)
endef
define system_groups
	$(call check_group,system-dkms,$(SYSTEM_IMAGE) tools/system/check-dkms)
	$(call check_group,system-hibernate-$(KVER_61),$(SYSTEM_IMAGE) $(SYSTEM_RUN) hibernate $(KVER_61))
	$(call check_group,system-hibernate-$(KVER_612),$(SYSTEM_IMAGE) $(SYSTEM_RUN) hibernate $(KVER_612))
	$(call check_group,system-lid-$(KVER_61),$(SYSTEM_IMAGE) $(SYSTEM_RUN) lid $(KVER_61))
	$(call check_group,system-swapfile-$(KVER_61),$(SYSTEM_IMAGE) $(SYSTEM_RUN) swapfile $(KVER_61))
	$(call check_group,system-hybrid-$(KVER_612),$(SYSTEM_IMAGE) $(SYSTEM_RUN) hybrid $(KVER_612))
	$(call check_group,system-swapfile-btrfs-$(KVER_612),$(SYSTEM_IMAGE) $(SYSTEM_RUN) swapfile $(KVER_612) ROOT_FS=btrfs TAG=btrfs)
	$(call check_group,system-lockdown-$(KVER_612),$(SYSTEM_IMAGE) $(SYSTEM_RUN) lockdown $(KVER_612))
endef

# The laptop (PROFILE=laptop: UEFI, NVMe, encrypted LVM), built on the
# system guest: make check hibernates it once with each kernel, 5 to 9
# minutes to build and 2 to 4 a run; check-system adds lid close, hybrid sleep
# woken and losing power, and suspend-then-hibernate, with both kernels.
define laptop_image_group
	$(call check_group,laptop-image,$(SYSTEM_IMAGE) tools/system/laptop >$(CHECK)/laptop-image.dir)
endef
define laptop_groups
	$(call check_group,laptop-hibernate-$(KVER_61),$(LAPTOP_RUN) hibernate $(KVER_61) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-hibernate-$(KVER_612),$(LAPTOP_RUN) hibernate $(KVER_612) PROFILE=laptop TAG=laptop)
endef
define laptop_more_groups
	$(call check_group,laptop-lid-$(KVER_61),$(LAPTOP_RUN) lid $(KVER_61) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-hybrid-$(KVER_61),$(LAPTOP_RUN) hybrid $(KVER_61) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-hybrid-powerloss-$(KVER_61),$(LAPTOP_RUN) hybrid $(KVER_61) PROFILE=laptop POWER_LOSS=1 TAG=laptop-powerloss)
	$(call check_group,laptop-s2h-$(KVER_61),$(LAPTOP_RUN) suspend-then-hibernate $(KVER_61) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-lid-$(KVER_612),$(LAPTOP_RUN) lid $(KVER_612) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-hybrid-$(KVER_612),$(LAPTOP_RUN) hybrid $(KVER_612) PROFILE=laptop TAG=laptop)
	$(call check_group,laptop-hybrid-powerloss-$(KVER_612),$(LAPTOP_RUN) hybrid $(KVER_612) PROFILE=laptop POWER_LOSS=1 TAG=laptop-powerloss)
	$(call check_group,laptop-s2h-$(KVER_612),$(LAPTOP_RUN) suspend-then-hibernate $(KVER_612) PROFILE=laptop TAG=laptop)
endef

# Debian's dracut in place of initramfs-tools, resuming through torpor.
# Not in make check: installing dracut and making its initramfs adds 1.5
# minutes whenever the image is built again, and under a loaded host its
# boots log soft lockups in page allocation that the initramfs-tools
# boots do not (Documentation/testing.rst).
define system_dracut_groups
	$(call check_group,system-hibernate-dracut-$(KVER_612),$(SYSTEM_IMAGE) $(SYSTEM_RUN) hibernate $(KVER_612) INITRAMFS=dracut TAG=dracut)
endef

# Its own directory: a check-system run leaves the results of the last
# check alone.
check-system: CHECK := $(BUILD)/check-system
check-system: tool
	$(check_begin)
	$(system_image_group)
	$(system_groups)
	$(laptop_image_group)
	$(laptop_groups)
	$(laptop_more_groups)
	$(system_dracut_groups)
	$(check_end)

# The long fault runs, by hand (make check runs small counts of them):
# CUTS power cuts during the resume and CUTS during the image write per
# kernel (default 10: 21 boots and about 20 boots), a resume that crashes
# twice, hibernation at 50, 70 and 85 % of RAM in use with swap just big
# enough and too small, and a soak of 20 cycles (21 boots), on both
# kernels; the cut and soak tallies are printed at the end.
CUTS ?= 10
check-faults: CHECK := $(BUILD)/check-faults
check-faults: modules tool
	$(check_begin)
	$(call check_lanes,check-faults)
	@grep -H 'resume-cut tally' $(CHECK)/resume-cut-*.log || true
	@grep -H 'hibernate-cut tally' $(CHECK)/hibernate-cut-*.log || true
	@grep -H 'soak tally' $(CHECK)/soak-*.log || true
	$(check_end)

# Installation, see Documentation/admin-guide.rst.  DESTDIR stages files
# for a package: depmod and dkms are then left to the package's scripts.
# Boot integration files go where initramfs-tools, dracut and systemd look,
# whatever PREFIX is; the tool's path in them follows SBINDIR.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
MODULE_DEST = /lib/modules/$(KVER)/extra/torpor.ko
DKMS_SRC := /usr/src/torpor-$(VERSION)
# DKMS builds for these kernels: by default every one with headers.
KVERS ?= $(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build))

MAN_PAGES := man8/torpor.8 man5/torpor-image.5
# source (under userspace/):destination
BOOT_FILES := \
	initramfs-tools/hooks/torpor:/usr/share/initramfs-tools/hooks/torpor \
	initramfs-tools/scripts/init-premount/torpor:/usr/share/initramfs-tools/scripts/init-premount/torpor \
	dracut/90torpor/module-setup.sh:/usr/lib/dracut/modules.d/90torpor/module-setup.sh \
	dracut/90torpor/torpor-load.sh:/usr/lib/dracut/modules.d/90torpor/torpor-load.sh \
	modules-load.d/torpor.conf:/usr/lib/modules-load.d/torpor.conf
boot_src = userspace/$(word 1,$(subst :, ,$(1)))
boot_dest = $(DESTDIR)$(word 2,$(subst :, ,$(1)))
DRACUT_MODULE := /usr/lib/dracut/modules.d/90torpor

NEXT_STEP := echo "torpor $(VERSION) installed.  Rebuild the initramfs so that it resumes \
	with torpor: update-initramfs -u -k all (or dracut --regenerate-all -f)"

install: install-module install-tool install-boot
	@$(if $(DESTDIR),:,$(NEXT_STEP))

install-module: module
	install -D -m 0644 $(MODDIR)/torpor.ko $(DESTDIR)$(MODULE_DEST)
	$(if $(DESTDIR),,depmod -a $(KVER))

# $(call install_file,MODE,SOURCE,DESTINATION): one recipe line per file.
define install_file
	install -D -m $(1) $(2) $(3)

endef

install-tool: tool
	install -D -m 0755 $(BUILD)/torpor $(DESTDIR)$(SBINDIR)/torpor
	$(foreach m,$(MAN_PAGES),$(call install_file,0644,Documentation/man/$(notdir $(m)),$(DESTDIR)$(MANDIR)/$(m)))

# The hook and the dracut module copy the tool from where it was installed.
install-boot:
	$(foreach f,$(BOOT_FILES),$(call install_file,$(if $(filter %.conf,$(f)),0644,0755),$(call boot_src,$(f)),$(call boot_dest,$(f))))
	sed -i 's|^TORPOR_BIN=.*|TORPOR_BIN=$(SBINDIR)/torpor|' \
		$(DESTDIR)/usr/share/initramfs-tools/hooks/torpor $(DESTDIR)$(DRACUT_MODULE)/module-setup.sh

# The sources DKMS builds from, with the version filled in.
dkms-source:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	install -d $(DESTDIR)$(DKMS_SRC)
	cp -R --parents Kbuild VERSION $(shell find kernel -name '*.[chS]') \
		$(shell find $(MODULE_TOOLS) -type f) $(DESTDIR)$(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

# dkms acts on this system only; a package stages dkms-source instead.
dkms-here:
	@test -z "$(DESTDIR)" || { echo "dkms cannot install into DESTDIR: use dkms-source"; exit 1; }

# uname -r is the host's in a chroot: name the kernels with KVERS="...".
# A version already in DKMS is removed first, so its modules are rebuilt.
install-dkms: dkms-here dkms-source install-tool install-boot
	! dkms status torpor/$(VERSION) | grep -q . || dkms remove torpor/$(VERSION) --all
	dkms add torpor/$(VERSION)
	$(foreach k,$(KVERS),dkms install torpor/$(VERSION) -k $(k) &&) true
	@$(NEXT_STEP)

uninstall: uninstall-module uninstall-tool uninstall-boot
	@$(if $(DESTDIR),:,echo "Rebuild the initramfs without torpor: update-initramfs -u -k all")

# Every kernel's copy, whichever KVER installed it.
uninstall-module:
	@for ko in $(DESTDIR)/lib/modules/*/extra/torpor.ko; do \
		test -e "$$ko" || continue; \
		echo "rm -f $$ko"; rm -f "$$ko"; \
		rel=$${ko#$(DESTDIR)/lib/modules/}; \
		$(if $(DESTDIR),:,echo "depmod -a $${rel%%/*}"; depmod -a "$${rel%%/*}"); \
	done

uninstall-tool:
	rm -f $(DESTDIR)$(SBINDIR)/torpor $(addprefix $(DESTDIR)$(MANDIR)/,$(MAN_PAGES))

uninstall-boot:
	rm -f $(foreach f,$(BOOT_FILES),$(call boot_dest,$(f)))
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DRACUT_MODULE) 2>/dev/null || true

uninstall-dkms: dkms-here uninstall-tool uninstall-boot
	! dkms status torpor/$(VERSION) | grep -q . || dkms remove torpor/$(VERSION) --all
	rm -rf $(DKMS_SRC)
	@echo "Rebuild the initramfs without torpor: update-initramfs -u -k all"

# Keeps what deps downloaded and extracted, and the system tests' package
# cache and base system, made from downloads (build/system/debs and
# base-*); distclean removes that too.
clean:
	rm -rf $(filter-out $(addprefix $(BUILD)/,distfiles kernels checkpatch kselftest versions.mk system), \
		$(wildcard $(BUILD)/*)) \
		$(filter-out $(addprefix $(BUILD)/system/,debs base-%),$(wildcard $(BUILD)/system/*))

distclean:
	rm -rf $(BUILD)

help:
	@echo "make [KVER=release]  module for one kernel (default $(or $(KVER_61),the 6.1 one)) + tool"
	@echo "make modules         module for both kernels: build/<release>/torpor.ko"
	@echo "make module-debug    module with -DDEBUG"
	@echo "make tool            the torpor command: build/torpor"
	@echo "make deps            install packages, fetch kernels (tools/deps.sh)"
	@echo "make style           checkpatch over kernel/, the version guard, shellcheck"
	@echo "make style-selftest  the version guard fails on planted version tests"
	@echo "make ibt [KVER=release]"
	@echo "                     static IBT check of the module for a fetched kernel (tools/ibt/)"
	@echo "make ibt-selftest    the IBT check finds the faults planted in tools/ibt/fixture.S"
	@echo "make build-selftest  the module build fails on a planted unknown symbol and BTF mismatch"
	@echo "make check           every test; ends with 'N passed, N failed, N rerun'"
	@echo "make check-list      the QEMU groups of check and check-faults, from the scenarios"
	@echo "make check-faults    power cuts during resume (CUTS=10 per kernel), resume crashes, 20-cycle soak; prints tallies"
	@echo "make check-system    the Debian guest tests (tools/system/): DKMS, systemctl hibernate, lid, swap file, dracut"
	@echo "make demo            hibernate and resume a guest (6.1), print a report"
	@echo "make bench           torpor vs the kernel's hibernation, both kernels (ROUNDS=3, QUICK=1)"
	@echo "make scenario S=name [KVER=release] [ARGS='VAR=value']"
	@echo "make install [KVER=release] [DESTDIR=dir] [PREFIX=/usr]"
	@echo "                     module (default: running kernel), tool, man pages, boot hooks"
	@echo "make install-dkms [KVERS='release ...']"
	@echo "                     module through DKMS for every kernel with headers, tool, hooks"
	@echo "make dkms-source     the DKMS source tree: /usr/src/torpor-$(VERSION)"
	@echo "make uninstall | uninstall-dkms   remove what install | install-dkms added"
	@echo "make clean | distclean"
	@echo "W=1 is passed on to kbuild."

.PHONY: all deps module module-debug modules tool ibt ibt-selftest build-selftest style style-selftest scenario demo bench check check-list check-faults check-system check-side \
	clean distclean help install install-module install-tool install-boot \
	dkms-source dkms-here install-dkms uninstall uninstall-module \
	uninstall-tool uninstall-boot uninstall-dkms
