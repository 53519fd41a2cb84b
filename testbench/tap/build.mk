# testbench/tap/build.mk: builds build/tap/flue_tap.node, the TAP file-descriptor addon
# (tap.cpp). Meant to be `include`d by the top Makefile (make runs at the repo root); also
# usable alone: `make -f testbench/tap/build.mk tap-addon`.
#
# Targets: tap-addon (the .node), tap-addon-clean.
# binding.gyp is copied to build/tap/node-gyp and built there (node-gyp always writes ./build
# next to binding.gyp, which must not be inside testbench/), with node-gyp from node_modules and
# the headers of the installed Node (--nodedir, nothing downloaded), through ccache when it is
# installed. Skipped when tap.cpp, binding.gyp and this file are unchanged.

# Keep whatever default goal the including makefile has (our first rule must not become it).
FLUE_TAP_SAVED_GOAL := $(.DEFAULT_GOAL)

FLUE_TAP_DIR      := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FLUE_BUILD_DIR    ?= build
FLUE_TAP_GYP_DIR  := $(FLUE_BUILD_DIR)/tap/node-gyp
FLUE_TAP_ADDON    := $(FLUE_BUILD_DIR)/tap/flue_tap.node
FLUE_TAP_SRCS     := $(addprefix $(FLUE_TAP_DIR)/,tap.cpp binding.gyp build.mk) testbench/napi/type_name.hpp

FLUE_NODE_GYP     ?= $(CURDIR)/node_modules/.bin/node-gyp
FLUE_NODEDIR      ?= /usr
FLUE_CXX          ?= g++
FLUE_TAP_OBJCACHE ?= $(if $(shell command -v ccache 2>/dev/null),ccache,)

.PHONY: tap-addon tap-addon-clean

tap-addon: $(FLUE_TAP_ADDON)

$(FLUE_TAP_ADDON): $(FLUE_TAP_SRCS)
	@mkdir -p $(FLUE_TAP_GYP_DIR) $(dir $@)
	cp $(FLUE_TAP_DIR)/binding.gyp $(FLUE_TAP_GYP_DIR)/binding.gyp
	cd $(FLUE_TAP_GYP_DIR) && $(FLUE_NODE_GYP) configure --loglevel=warn --nodedir=$(FLUE_NODEDIR) -- \
	  -Dflue_root=$$(realpath --relative-to=. $(CURDIR))
	cd $(FLUE_TAP_GYP_DIR) && CXX="$(strip $(FLUE_TAP_OBJCACHE) $(FLUE_CXX))" LINK="$(FLUE_CXX)" \
	  $(FLUE_NODE_GYP) build --loglevel=warn --nodedir=$(FLUE_NODEDIR) --jobs=1
	cp $(FLUE_TAP_GYP_DIR)/build/Release/flue_tap.node $@

tap-addon-clean:
	rm -rf $(FLUE_BUILD_DIR)/tap

.DEFAULT_GOAL := $(FLUE_TAP_SAVED_GOAL)
