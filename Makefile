# cni-c: one non-recursive Makefile. `make help` lists the targets.
.DEFAULT_GOAL := all
PREFIX      ?= /usr/local
CNI_BIN_DIR ?= /opt/cni/bin
DESTDIR     ?=
CC          ?= cc
BUILD       ?= build
SAN         ?=
V           ?= 0

# Binaries link their libraries statically by default: a drop-in for /opt/cni/bin needs nothing
# else on the node, and a static binary starts in about two thirds of the CPU time. The sanitizer
# build cannot be static. STATIC=0 links dynamically.
STATIC      ?= 1
ifneq ($(SAN),)
STATIC      := 0
endif
PKGS        := jansson libnl-route-3.0 libnl-3.0
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(STATIC),1)
PKG_LIBS     = -static -Wl,--no-warnings $(shell pkg-config --static --libs $(PKGS) 2>/dev/null)
else
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
endif

CFLAGS      ?= -O2 -g
WARN        := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes \
               -Wmissing-prototypes -Wformat=2 -Wno-format-truncation
ALL_CFLAGS   = -std=gnu11 $(WARN) -D_GNU_SOURCE -Ipkg $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS  = $(LDFLAGS)
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
           host-local:ipam/host-local static:ipam/static
TOOLS   := cnitool:plugins/tools/cnitool

bin_name = $(word 1,$(subst :, ,$(1)))
bin_dir  = $(word 2,$(subst :, ,$(1)))
# A binary whose directory has no main.c yet is not built.
PLUGINS := $(foreach p,$(PLUGINS),$(if $(wildcard $(call bin_dir,$(p))/main.c),$(p)))
TOOLS   := $(foreach p,$(TOOLS),$(if $(wildcard $(call bin_dir,$(p))/main.c),$(p)))
PLUGIN_BINS := $(foreach p,$(PLUGINS),$(BIN)/$(call bin_name,$(p)))
TOOL_BINS   := $(foreach p,$(TOOLS),$(BIN)/$(call bin_name,$(p)))

define binary_rule
$(BIN)/$(call bin_name,$(1)): $(patsubst %.c,$(OBJ)/%.o,$(wildcard $(call bin_dir,$(1))/*.c)) $(LIB)
	$$(call quiet,LD,$$@)mkdir -p $$(@D) && $$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(ALL_LDFLAGS) $$(PKG_LIBS)
endef
$(foreach p,$(PLUGINS) $(TOOLS),$(eval $(call binary_rule,$(p))))

# ---- unit tests (cmocka): test/unit/test_<name>.c -> build/unit/test_<name> -----------------------
UNIT_SRCS := $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:test/unit/%.c=$(BUILD)/unit/%)

$(BUILD)/unit/%: $(OBJ)/test/unit/%.o $(LIB)
	$(call quiet,LD,$@)mkdir -p $(@D) && $(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS) -lcmocka

# ---- generic rules ------------------------------------------------------------------------------
.SECONDARY:
.PHONY: all deps install test unit demo bench format format-check clean help
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
	$(Q)BUILD=build/san BUILD_FLAGS="BUILD=build/san SAN=address,undefined" \
		PLAIN_BIN=$(CURDIR)/build/dyn/bin hack/run-tests.sh

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
	@echo "make deps | all | install | test | demo | bench | format | format-check | clean"
	@echo "  SAN=address,undefined  build with sanitizers;  V=1 verbose;  BUILD=dir  output tree"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
