# testbench/verilator/build.mk: builds build/addon/flue_nic.node, nic_top under Verilator
# wrapped as a Node.js addon. Meant to be `include`d by the top Makefile (make runs at the repo
# root); also usable alone: `make -f testbench/verilator/build.mk addon`.
#
# Targets: addon (the .node), addon-selftest (build + run selftest.mjs), addon-clean.
# Stages, each skipped when its inputs are unchanged:
#   1. verilate: Verilator turns the RTL listed in hdl/files.f into C++ in build/verilator/nic_top,
#      then one make (runtime.mk) compiles the model into Vnic_top__ALL.a and the Verilator
#      runtime into libverilated.a, both -fPIC (they end up inside a shared object), via ccache
#      when it is installed.                                      stamp: $(FLUE_VL_STAMP)
#   2. node-gyp: binding.gyp is copied to build/node-gyp and built there (node-gyp always writes
#      ./build next to binding.gyp, which must not be inside testbench/), then the .node is
#      copied to build/addon/.

# Keep whatever default goal the including makefile has (our first rule must not become it).
FLUE_VL_SAVED_GOAL := $(.DEFAULT_GOAL)

FLUE_VL_DIR       := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FLUE_HDL_FILES_F  ?= hdl/files.f
FLUE_BUILD_DIR    ?= build
FLUE_VL_MDIR      := $(FLUE_BUILD_DIR)/verilator/nic_top
FLUE_VL_STAMP     := $(FLUE_VL_MDIR)/.model.stamp
FLUE_GYP_DIR      := $(FLUE_BUILD_DIR)/node-gyp
FLUE_ADDON        := $(FLUE_BUILD_DIR)/addon/flue_nic.node

VERILATOR         ?= verilator
FLUE_VL_JOBS      ?= 2
# ccache only if it is installed (OBJCACHE is how Verilator's makefiles spell the wrapper).
FLUE_OBJCACHE     ?= $(if $(shell command -v ccache 2>/dev/null),ccache,)
FLUE_VERILATOR_ROOT ?= $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
FLUE_NODE_GYP     ?= $(CURDIR)/node_modules/.bin/node-gyp
FLUE_NODEDIR      ?= /usr
FLUE_CXX          ?= g++

# VL_USER_FINISH/STOP/FATAL: harness.cpp replaces Verilator's exit()/abort() on $finish, $stop
# and fatal errors, which would otherwise kill the Node process.
FLUE_VL_FLAGS ?= --cc -O3 --x-assign fast --x-initial fast --trace-fst -Wno-fatal \
  --top-module nic_top --prefix Vnic_top -Iprotocol/generated -Ihdl/toe -Ihdl/lib \
  -CFLAGS -fPIC -CFLAGS -O2 \
  -CFLAGS -DVL_USER_FINISH -CFLAGS -DVL_USER_STOP -CFLAGS -DVL_USER_FATAL
# Verilator's makefile appends -Os (OPT_FAST/OPT_GLOBAL) after our -O2; override it.
FLUE_VL_MAKEFLAGS ?= OPT_FAST=-O2 OPT_GLOBAL=-O2

# RTL inputs: everything files.f names (minus options), plus every file the previous
# Verilator run read (includes too), as recorded in its Vnic_top__ver.d.
FLUE_HDL_LISTED = $(filter-out -% +%,$(shell sed -e 's,//.*,,' -e 's,\#.*,,' $(FLUE_HDL_FILES_F) 2>/dev/null))
FLUE_HDL_READ   = $(filter-out %verilator_bin,$(shell sed -e 's/^[^:]*://' $(FLUE_VL_MDIR)/Vnic_top__ver.d 2>/dev/null))
FLUE_HDL_DEPS   = $(FLUE_HDL_FILES_F) $(wildcard $(FLUE_HDL_LISTED) $(FLUE_HDL_READ))

FLUE_ADDON_SRCS = $(addprefix $(FLUE_VL_DIR)/,addon.cpp harness.cpp harness.hpp binding.gyp) \
  protocol/generated/flue_contract.hpp testbench/napi/type_name.hpp

.PHONY: addon addon-selftest addon-clean

addon: $(FLUE_ADDON)

$(FLUE_HDL_FILES_F):
	@echo "$@ is missing: the RTL has to list its files there (paths relative to the repo root)" >&2; exit 1

# The command lines of stage 1, rewritten only when they change (switching FLUE_HDL_FILES_F or
# flags must rebuild even though no source is newer). Then everything old in the directory goes:
# Verilator's makefiles do not track compiler flags.
FLUE_VL_CONFIG      := $(FLUE_VL_MDIR)/.config
FLUE_VL_CONFIG_TEXT  = $(VERILATOR) $(FLUE_VL_FLAGS) -f $(FLUE_HDL_FILES_F) ; OBJCACHE=$(FLUE_OBJCACHE) $(FLUE_VL_MAKEFLAGS)
$(FLUE_VL_CONFIG): FLUE_VL_FORCE
	@mkdir -p $(@D)
	@echo '$(FLUE_VL_CONFIG_TEXT)' | cmp -s - $@ || echo '$(FLUE_VL_CONFIG_TEXT)' > $@
.PHONY: FLUE_VL_FORCE

$(FLUE_VL_STAMP): $(FLUE_VL_CONFIG) $(FLUE_HDL_DEPS) $(FLUE_VL_DIR)/build.mk $(FLUE_VL_DIR)/runtime.mk
	$(if $(filter $(FLUE_VL_CONFIG) $(FLUE_VL_DIR)/build.mk,$?),find $(FLUE_VL_MDIR) -mindepth 1 ! -name .config -delete)
	$(VERILATOR) $(FLUE_VL_FLAGS) -Mdir $(FLUE_VL_MDIR) -f $(FLUE_HDL_FILES_F)
	OBJCACHE=$(FLUE_OBJCACHE) $(MAKE) --no-print-directory -C $(FLUE_VL_MDIR) \
	  -f $(abspath $(FLUE_VL_DIR)/runtime.mk) -j$(FLUE_VL_JOBS) $(FLUE_VL_MAKEFLAGS) all
	@touch $@

# node-gyp does not see the archives as inputs, so the old .node is deleted to force a relink.
$(FLUE_ADDON): $(FLUE_VL_STAMP) $(FLUE_ADDON_SRCS)
	@mkdir -p $(FLUE_GYP_DIR) $(dir $@)
	cp $(FLUE_VL_DIR)/binding.gyp $(FLUE_GYP_DIR)/binding.gyp
	rm -f $(FLUE_GYP_DIR)/build/Release/flue_nic.node
	cd $(FLUE_GYP_DIR) && $(FLUE_NODE_GYP) configure --loglevel=warn --nodedir=$(FLUE_NODEDIR) -- \
	  -Dflue_root=$$(realpath --relative-to=. $(CURDIR)) -Dverilator_root=$(FLUE_VERILATOR_ROOT) -Dflue_vl_mdir=$(abspath $(FLUE_VL_MDIR))
	cd $(FLUE_GYP_DIR) && CXX="$(strip $(FLUE_OBJCACHE) $(FLUE_CXX))" LINK="$(FLUE_CXX)" \
	  $(FLUE_NODE_GYP) build --loglevel=warn --nodedir=$(FLUE_NODEDIR) --jobs=$(FLUE_VL_JOBS)
	cp $(FLUE_GYP_DIR)/build/Release/flue_nic.node $@

addon-selftest: $(FLUE_ADDON)
	node $(FLUE_VL_DIR)/selftest.mjs

addon-clean:
	rm -rf $(FLUE_BUILD_DIR)/verilator $(FLUE_GYP_DIR) $(FLUE_BUILD_DIR)/addon

.DEFAULT_GOAL := $(FLUE_VL_SAVED_GOAL)
