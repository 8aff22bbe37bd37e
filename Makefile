# cni-c: one non-recursive Makefile. `make help` lists the targets.
.DEFAULT_GOAL := all
PREFIX      ?= /usr/local
CNI_BIN_DIR ?= /opt/cni/bin
DESTDIR     ?=
CC          ?= cc
BUILD       ?= build
SAN         ?=
# FAULT=1: the test-only fault-injection build (pkg/cni/fault.h); release builds carry none of it.
FAULT       ?=
V           ?= 0

# Binaries link their libraries statically by default: a drop-in for /opt/cni/bin needs nothing
# else on the node, and a static binary starts in about two thirds of the CPU time. The sanitizer
# build cannot be static. STATIC=0 links dynamically.
STATIC      ?= 1
ifneq ($(SAN),)
STATIC      := 0
endif
PKGS        := jansson libnl-route-3.0 libnl-3.0
# pkg/fw's libraries. Debian ships libmnl, libip4tc and libip6tc as shared objects only: no binary
# links them; pkg/fw loads them with dlopen on first use (pkg/fw/lazy.h). So the binaries in
# FW_BINS link libc dynamically (for dlopen) and everything else (jansson, libnl, libnftnl)
# statically; the other binaries stay fully static. Like those, they are not PIE: a PIE start
# relocates every pointer of the static archives (~700 of them) at each run.
FW_PKGS     := libnftnl libmnl libip4tc libip6tc
FW_BINS     := portmap bridge ptp firewall
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) $(FW_PKGS) 2>/dev/null)
ifeq ($(STATIC),1)
PKG_LIBS     = -static -Wl,--no-warnings $(shell pkg-config --static --libs $(PKGS) 2>/dev/null)
FW_LIBS      = -no-pie -Wl,--no-warnings -Wl,-Bstatic -ljansson -lnl-route-3 -lnl-3 -lnftnl \
               -Wl,-Bdynamic -lpthread
else
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
FW_LIBS      = $(PKG_LIBS) $(shell pkg-config --libs libnftnl 2>/dev/null)
endif
# pkg/tc's tc-bpf programs load through libbpf (which needs libelf and zlib); all three have
# static archives, so TC_BINS stay fully static.
TC_BINS     := bandwidth
TC_LIBS      = $(PKG_LIBS) -lbpf -lelf -lz
bin_libs     = $(if $(filter $(1),$(FW_BINS)),$$(FW_LIBS),$(if $(filter $(1),$(TC_BINS)),$$(TC_LIBS),$$(PKG_LIBS)))

CFLAGS      ?= -O2 -g
WARN        := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes \
               -Wmissing-prototypes -Wformat=2 -Wno-format-truncation
ALL_CFLAGS   = -std=gnu11 $(WARN) -D_GNU_SOURCE -Ipkg $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS  = $(LDFLAGS)
ifeq ($(FAULT),1)
ALL_CFLAGS  += -DCNI_FAULT_INJECTION
endif
ifneq ($(SAN),)
ALL_CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SAN)
endif

ifeq ($(V),0)
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2);
else
Q :=
quiet =
endif

OBJ := $(BUILD)/obj
BIN := $(BUILD)/bin
LIB := $(BUILD)/libcnic.a

# ---- the shared library -------------------------------------------------------------------------
PKG_SRCS := $(sort $(wildcard pkg/*/*.c))
PKG_OBJS := $(PKG_SRCS:%.c=$(OBJ)/%.o)

# ---- binaries: name -> source dir; each links every .c of its dir plus libcnic.a -----------------
PLUGINS := bridge:plugins/main/bridge loopback:plugins/main/loopback ptp:plugins/main/ptp \
           macvlan:plugins/main/macvlan ipvlan:plugins/main/ipvlan \
           vxlan-overlay:plugins/main/vxlan-overlay \
           host-local:ipam/host-local static:ipam/static portmap:plugins/meta/portmap \
           tuning:plugins/meta/tuning bandwidth:plugins/meta/bandwidth \
           firewall:plugins/meta/firewall \
           sriov:plugins/main/sriov dpdk-vhost:plugins/main/dpdk-vhost
TOOLS   := cnitool:plugins/tools/cnitool fastpathctl:plugins/tools/fastpathctl

bin_name = $(word 1,$(subst :, ,$(1)))
bin_dir  = $(word 2,$(subst :, ,$(1)))
# A binary whose directory has no main.c yet is not built.
PLUGINS := $(foreach p,$(PLUGINS),$(if $(wildcard $(call bin_dir,$(p))/main.c),$(p)))
TOOLS   := $(foreach p,$(TOOLS),$(if $(wildcard $(call bin_dir,$(p))/main.c),$(p)))
PLUGIN_BINS := $(foreach p,$(PLUGINS),$(BIN)/$(call bin_name,$(p)))
TOOL_BINS   := $(foreach p,$(TOOLS),$(BIN)/$(call bin_name,$(p)))

define binary_rule
$(BIN)/$(call bin_name,$(1)): $(patsubst %.c,$(OBJ)/%.o,$(wildcard $(call bin_dir,$(1))/*.c)) $(LIB)
	$$(call quiet,LD,$$@)mkdir -p $$(@D) && $$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(ALL_LDFLAGS) $(call bin_libs,$(call bin_name,$(1)))
endef
$(foreach p,$(PLUGINS) $(TOOLS),$(eval $(call binary_rule,$(p))))

# ---- fastpathd: a DPDK daemon, not a drop-in plugin. Debian ships libdpdk as shared objects
# only, so it links dynamically whatever STATIC says; built only where libdpdk is installed.
DPDK_CFLAGS   := $(shell pkg-config --cflags libdpdk 2>/dev/null)
DPDK_LIBS     := $(shell pkg-config --libs libdpdk 2>/dev/null)
FASTPATHD_SRC := $(wildcard plugins/fastpathd/*.c)
FASTPATHD     := $(if $(DPDK_LIBS),$(if $(FASTPATHD_SRC),$(BIN)/fastpathd))
$(OBJ)/plugins/fastpathd/%.o: ALL_CFLAGS += $(DPDK_CFLAGS) -DALLOW_EXPERIMENTAL_API
$(BIN)/fastpathd: $(FASTPATHD_SRC:%.c=$(OBJ)/%.o) $(LIB)
	$(call quiet,LD,$@)mkdir -p $(@D) && $(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) \
		$(DPDK_LIBS) $(shell pkg-config --libs jansson)
all: $(FASTPATHD)
install: install-fastpathd
install-fastpathd: all
	$(if $(FASTPATHD),$(Q)install -D -m 0755 $(FASTPATHD) $(DESTDIR)$(PREFIX)/bin/fastpathd)
.PHONY: install-fastpathd

# ---- unit tests (cmocka): test/unit/test_<name>.c -> build/unit/test_<name> -----------------------
UNIT_SRCS := $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:test/unit/%.c=$(BUILD)/unit/%)

$(BUILD)/unit/%: $(OBJ)/test/unit/%.o $(LIB)
	$(call quiet,LD,$@)mkdir -p $(@D) && $(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(FW_LIBS) -lcmocka

# ---- fuzz targets (clang libFuzzer): test/fuzz/fuzz_<name>.c -> $(BUILD)/fuzz/fuzz_<name> -------
# `make fuzz` builds them in build/fuzz and runs each for FUZZ_TIME seconds (hack/fuzz.sh). A target
# of a plugin's config parser links that plugin's config.c (fuzz_extra_<name>).
FUZZ_SRCS   := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS   := $(FUZZ_SRCS:test/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_COMMON := test/fuzz/request_input.c test/fuzz/scratch_file.c
FUZZ_TIME   ?= 20
# clang warns where gcc does not; the gcc build is the one that holds the tree to -Werror.
FUZZ_FLAGS  := BUILD=build/fuzz CC=clang SAN=fuzzer-no-link,address,undefined \
               CFLAGS="-O1 -g -Wno-error -Wno-unknown-warning-option -Wno-format-nonliteral"
fuzz_extra_bridge_config        := plugins/main/bridge/config.c
fuzz_extra_ptp_config           := plugins/main/ptp/config.c
fuzz_extra_macvlan_config       := plugins/main/macvlan/config.c
fuzz_extra_ipvlan_config        := plugins/main/ipvlan/config.c
fuzz_extra_vxlan_overlay_config := plugins/main/vxlan-overlay/config.c
fuzz_extra_portmap_config       := plugins/meta/portmap/config.c
fuzz_extra_bandwidth_config     := plugins/meta/bandwidth/config.c
fuzz_extra_tuning_config        := plugins/meta/tuning/config.c
fuzz_extra_firewall_config      := plugins/meta/firewall/config.c
fuzz_extra_sriov_config         := plugins/main/sriov/config.c
fuzz_extra_dpdk_vhost_config    := plugins/main/dpdk-vhost/config.c
fuzz_extra_fastpathd_request    := plugins/fastpathd/request_parse.c

# The parsers live outside pkg/tc, whose BPF programs need a build step clang-as-CC cannot share.
FUZZ_LIB    := $(BUILD)/libcnic-fuzz.a
$(FUZZ_LIB): $(filter-out $(OBJ)/pkg/tc/%,$(PKG_OBJS))
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

define fuzz_rule
$(BUILD)/fuzz/$(1): $(patsubst %.c,$(OBJ)/%.o,test/fuzz/$(1).c $(FUZZ_COMMON) $(fuzz_extra_$(1:fuzz_%=%))) $(FUZZ_LIB)
	$$(call quiet,LD,$$@)mkdir -p $$(@D) && $$(CC) $$(ALL_CFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(ALL_LDFLAGS) $$(FW_LIBS)
endef
$(foreach f,$(FUZZ_SRCS:test/fuzz/%.c=%),$(eval $(call fuzz_rule,$(f))))

fuzz-bins: $(FUZZ_BINS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_FLAGS) fuzz-bins
	$(Q)hack/fuzz.sh -t $(FUZZ_TIME) build/fuzz

# ---- pkg/tc's BPF programs: clang -> object -> `bpftool gen skeleton` header, so the program is
# embedded in the binary and nothing is loaded from a path at run time. -------------------------
BPF_CLANG   ?= clang
BPFTOOL     ?= bpftool
BPF_CFLAGS  := -O2 -g -target bpf -I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) -Ipkg
GEN         := $(BUILD)/gen
ALL_CFLAGS  += -I$(GEN)

$(GEN)/%.bpf.o: pkg/tc/bpf/%.bpf.c pkg/tc/edt_config.h
	$(call quiet,BPF,$<)mkdir -p $(@D) && $(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<
# An explicit rule, not a pattern: -MP's empty rule for the header would shadow a pattern one.
$(GEN)/tc_edt.skel.h: $(GEN)/edt.bpf.o
	$(call quiet,SKEL,$@)$(BPFTOOL) gen skeleton $< name tc_edt > $@.tmp && mv $@.tmp $@
$(OBJ)/pkg/tc/edt.o: $(GEN)/tc_edt.skel.h

# ---- generic rules ------------------------------------------------------------------------------
.SECONDARY:
.PHONY: all deps install test unit demo bench format format-check clean help fuzz fuzz-bins
all: $(PLUGIN_BINS) $(TOOL_BINS)

$(OBJ)/%.o: %.c
	$(call quiet,CC,$<)mkdir -p $(@D) && $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(PKG_OBJS)
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

unit: $(UNIT_BINS)

deps:
	$(Q)hack/install-deps.sh

install: all
	$(Q)install -d $(DESTDIR)$(CNI_BIN_DIR) $(DESTDIR)$(PREFIX)/bin
	$(Q)install -m 0755 $(PLUGIN_BINS) $(DESTDIR)$(CNI_BIN_DIR)/
	$(Q)install -m 0755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/

# `make test` builds an instrumented tree of its own (build/san) and runs every suite on it.
# test/valgrind.bats runs a plain, dynamically linked build under valgrind (valgrind cannot
# replace malloc in a static binary, and ASan and valgrind do not mix).
test: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/dyn STATIC=0 all
	$(Q)$(MAKE) --no-print-directory BUILD=build/san SAN=address,undefined all unit
	$(Q)$(MAKE) --no-print-directory BUILD=build/fault FAULT=1 SAN=address,undefined all
	$(Q)BUILD=build/san BUILD_FLAGS="BUILD=build/san SAN=address,undefined" \
		PLAIN_BIN=$(CURDIR)/build/dyn/bin FAULT_BIN=$(CURDIR)/build/fault/bin hack/run-tests.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)hack/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)hack/bench.sh

FORMAT_FILES = $(shell find pkg plugins ipam test hack -name '*.[ch]' 2>/dev/null)
format:
	$(Q)clang-format -i $(FORMAT_FILES)
format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build

help:
	@echo "make deps | all | install | test | demo | bench | fuzz | format | format-check | clean"
	@echo "  SAN=address,undefined  build with sanitizers;  V=1 verbose;  BUILD=dir  output tree"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
