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

# KVER_61 and KVER_612: the Debian kernel releases, discovered by deps.
-include $(BUILD)/versions.mk
ifneq ($(filter-out clean distclean help,$(or $(MAKECMDGOALS),all)),)
$(BUILD)/versions.mk:
	tools/deps.sh
endif

KVER ?= $(KVER_61)
KDIR ?= /usr/src/linux-headers-$(KVER)
MODDIR := $(BUILD)/$(KVER)
KERNEL_SOURCES = $(shell find kernel -name '*.[ch]' | LC_ALL=C sort)

all: module tool

deps:
	@tools/deps.sh

# Each kernel gets its own tree of links to the sources, so objects built
# for different kernels never mix; links are refreshed on every build so
# added and removed files are picked up.
module: deps
	@test -d $(KDIR) || { echo "no kernel headers in $(KDIR)"; exit 1; }
	@mkdir -p $(MODDIR)
	@cp -rsf $(CURDIR)/kernel $(CURDIR)/Kbuild $(MODDIR)/
	@find $(MODDIR) -xtype l -delete
	$(MAKE) -C $(KDIR) M=$(MODDIR) modules

module-debug:
	$(MAKE) module TORPOR_DEBUG=y

modules:
	$(MAKE) module KVER=$(KVER_61)
	$(MAKE) module KVER=$(KVER_612)

tool: deps
	$(MAKE) -C userspace BUILD=$(BUILD)

# checkpatch's advice against LINUX_VERSION_CODE is replaced by our own
# rule: version tests live in kernel/compat.h and nowhere else.
style: deps
	@$(CHECKPATCH) --no-tree --quiet --ignore LINUX_VERSION_CODE -f $(KERNEL_SOURCES)
	@! grep -n LINUX_VERSION_CODE $(filter-out kernel/compat.h,$(KERNEL_SOURCES)) || \
		{ echo "style: LINUX_VERSION_CODE belongs in kernel/compat.h only"; exit 1; }

# make scenario S=NAME [KVER=release] [ARGS="VAR=value ..."]
scenario: all
	@test -n "$(S)" || { echo "usage: make scenario S=NAME [KVER=release]"; exit 1; }
	@$(RUN_SCENARIO) $(S) $(KVER) $(ARGS)

demo: all
	@tools/qemu/demo $(KVER_61)

# torpor against the kernel's swsusp on both kernels (ROUNDS=n, QUICK=1).
bench: modules tool
	@tools/bench/bench

# $(call check_group,NAME,COMMAND): run COMMAND with its output in
# build/check/NAME.log, print one result line and record the outcome, so
# that check goes on after a failure.
define check_group
	@if ( $(2) ) >$(CHECK)/$(1).log 2>&1; then \
		echo "ok - $(1)"; echo pass >>$(CHECK)/results; \
	else \
		echo "not ok - $(1) (build/check/$(1).log)"; \
		tail -n 40 $(CHECK)/$(1).log | sed 's/^/#   /'; \
		echo fail >>$(CHECK)/results; \
	fi
endef

# $(call output_clean,NAME,COMMAND,BAD): COMMAND succeeds and prints no
# line matching the extended regexp BAD.
output_clean = $(2) >$(CHECK)/$(1).out 2>&1; rc=$$?; cat $(CHECK)/$(1).out; \
	test $$rc -eq 0 && ! grep -E -i -e '$(3)' $(CHECK)/$(1).out

# A W=1 module build must not print a single warning; KTAP output that
# exits 0 but reports a failed test still fails its group.
clean_build = $(call output_clean,module-$(1),$(MAKE) --no-print-directory module KVER=$(1) W=1,warning:)
ktap_run = $(call output_clean,$(1),$(MAKE) -C $(SELFTESTS) BUILD=$(BUILD) $(2) run_tests,^([#] )*not ok)

# The hibernate scenarios every kernel runs (the QEMU guests have 2 CPUs).
define hibernate_groups
	$(call check_group,hibernate-$(1),$(RUN_SCENARIO) hibernate $(1))
	$(call check_group,hibernate-noswap-$(1),$(RUN_SCENARIO) hibernate-noswap $(1))
	$(call check_group,hibernate-smallswap-$(1),$(RUN_SCENARIO) hibernate-smallswap $(1))

endef

# The resume scenarios every kernel runs; cycle hibernates and resumes twice.
define resume_groups
	$(call check_group,cycle-$(1),$(RUN_SCENARIO) cycle $(1))
	$(call check_group,resume-noimage-$(1),$(RUN_SCENARIO) resume-noimage $(1))
	$(call check_group,resume-corrupt-$(1),$(RUN_SCENARIO) resume-corrupt $(1))
	$(call check_group,resume-crosskernel-$(1),$(RUN_SCENARIO) resume-crosskernel $(1))
	$(call check_group,test-resume-$(1),$(RUN_SCENARIO) test-resume $(1))

endef

# $(call cycle_variant,KERNEL,TAG,VAR=value...): one round of cycle.
cycle_variant = $(call check_group,cycle-$(1)-$(2),$(RUN_SCENARIO) cycle $(1) ROUNDS=1 TAG=$(2) $(3))

check:
	@rm -rf $(CHECK)
	@mkdir -p $(CHECK)
	$(call check_group,deps,tools/deps.sh)
	$(call check_group,module-$(KVER_61),$(call clean_build,$(KVER_61)))
	$(call check_group,module-$(KVER_612),$(call clean_build,$(KVER_612)))
	$(call check_group,tool,$(MAKE) --no-print-directory tool)
	$(call check_group,style,$(MAKE) --no-print-directory style)
	$(call check_group,selftests,$(call ktap_run,selftests,))
	$(call check_group,selftests-asan,$(call ktap_run,selftests-asan,SANITIZE=1))
	$(call check_group,harness-persist,$(RUN_SCENARIO) harness-persist $(KVER_61))
	$(call check_group,smoke-$(KVER_61),$(RUN_SCENARIO) smoke $(KVER_61))
	$(call check_group,smoke-$(KVER_612),$(RUN_SCENARIO) smoke $(KVER_612))
	$(foreach k,$(KVER_61) $(KVER_612),$(call hibernate_groups,$(k)))
	$(call check_group,hibernate-$(KVER_61)-full,$(RUN_SCENARIO) hibernate $(KVER_61) WORKLOAD=full TAG=full)
	$(foreach k,$(KVER_61) $(KVER_612),$(call resume_groups,$(k)))
	$(call cycle_variant,$(KVER_612),no5lvl,APPEND=no5lvl)
	$(call cycle_variant,$(KVER_61),pti,APPEND=pti=on)
	$(call cycle_variant,$(KVER_61),smp1,SMP=1)
	$(call cycle_variant,$(KVER_612),smp4,SMP=4)
	@passed=$$(grep -c pass $(CHECK)/results); \
	failed=$$(grep -c fail $(CHECK)/results); \
	echo "$$passed passed, $$failed failed"; \
	test $$failed -eq 0

# Keeps what deps downloaded and extracted; distclean removes that too.
clean:
	rm -rf $(filter-out $(addprefix $(BUILD)/,distfiles kernels checkpatch kselftest versions.mk), \
		$(wildcard $(BUILD)/*))

distclean:
	rm -rf $(BUILD)

help:
	@echo "make [KVER=release]  module for one kernel (default $(or $(KVER_61),the 6.1 one)) + tool"
	@echo "make modules         module for both kernels: build/<release>/torpor.ko"
	@echo "make module-debug    module with -DDEBUG"
	@echo "make tool            the torpor command: build/torpor"
	@echo "make deps            install packages, fetch kernels (tools/deps.sh)"
	@echo "make style           checkpatch over kernel/"
	@echo "make check           every test; ends with 'N passed, N failed'"
	@echo "make demo            hibernate and resume a guest (6.1), print a report"
	@echo "make bench           torpor vs the kernel's hibernation, both kernels (ROUNDS=3, QUICK=1)"
	@echo "make scenario S=name [KVER=release] [ARGS='VAR=value']"
	@echo "make clean | distclean"
	@echo "W=1 is passed on to kbuild."

.PHONY: all deps module module-debug modules tool style scenario demo bench check \
	clean distclean help
