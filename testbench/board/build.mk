# testbench/board/build.mk: builds build/board/flue-board-sim, flue_board_core (nic_top behind
# the UART bridge) under Verilator as a standalone program that stands in for a board (see
# README.md). Meant to be `include`d by the top Makefile (make runs at the repo root); also
# usable alone: `make -f testbench/board/build.mk board-sim`.
#
# Targets: board-sim (the program), board-smoke (build + run smoke.py), board-sim-clean.
# Stages, each skipped when its inputs are unchanged:
#   1. verilate: Verilator turns the RTL (hdl/files.f plus FLUE_BOARD_EXTRA_FILES) into C++ in
#      build/board/verilator, then one make (testbench/verilator/runtime.mk) compiles the model
#      into Vflue_board_core__ALL.a and the Verilator runtime into libverilated.a, via ccache
#      when it is installed.                                      stamp: $(FLUE_BOARD_STAMP)
#   2. the harness sources here, compiled (ccache) and linked with the two archives.

# Keep whatever default goal the including makefile has (our first rule must not become it).
FLUE_BOARD_SAVED_GOAL := $(.DEFAULT_GOAL)

FLUE_BOARD_DIR      := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FLUE_HDL_FILES_F    ?= hdl/files.f
FLUE_BUILD_DIR      ?= build
FLUE_BOARD_OUT      := $(FLUE_BUILD_DIR)/board
FLUE_BOARD_MDIR     := $(FLUE_BOARD_OUT)/verilator
FLUE_BOARD_STAMP    := $(FLUE_BOARD_MDIR)/.model.stamp
FLUE_BOARD_SIM      := $(FLUE_BOARD_OUT)/flue-board-sim

# RTL the board needs beyond hdl/files.f: until files.f lists them, the bridge's files and the
# board core. A file files.f already lists is not passed twice; once it lists them all, this
# should be empty (a work-in-progress file in hdl/bridge/ would otherwise be compiled too).
FLUE_BOARD_EXTRA_FILES ?= $(sort $(wildcard hdl/bridge/*.v)) hdl/board/flue_board_core.v

VERILATOR           ?= verilator
FLUE_BOARD_JOBS     ?= 2
FLUE_BOARD_OBJCACHE ?= $(if $(shell command -v ccache 2>/dev/null),ccache,)
FLUE_VERILATOR_ROOT ?= $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
FLUE_CXX            ?= g++

# VL_USER_FINISH/STOP/FATAL: the program replaces Verilator's exit()/abort() on $finish, $stop
# and fatal errors, so that it still removes its symlink and socket.
# The simulated board's clock is the contract's CORE_CLOCK_HZ (156.25 MHz), not the Arty's 100 MHz:
# a simulated board and in-process NICs on one cable then share one time base.
FLUE_BOARD_VL_FLAGS ?= --cc -O3 --x-assign fast --x-initial fast --trace-fst -Wno-fatal \
  --top-module flue_board_core --prefix Vflue_board_core -Iprotocol/generated -Ihdl/toe -Ihdl/lib -GCLK_HZ=156250000 \
  -CFLAGS -O2 -CFLAGS -DVL_USER_FINISH -CFLAGS -DVL_USER_STOP -CFLAGS -DVL_USER_FATAL
# Verilator's makefile appends -Os (OPT_FAST/OPT_GLOBAL) after our -O2; override it. -O3 on the
# model's hot code measured about 9% more cycles per second than -O2 (-march=native 3% more on
# top, left out: the binary would not run on an older CPU).
FLUE_BOARD_VL_MAKEFLAGS ?= OPT_FAST=-O3 OPT_GLOBAL=-O2
# Must match how the model was compiled (these select class layouts).
FLUE_BOARD_CXXFLAGS ?= -std=gnu++17 -O2 -Wall -Wextra -Wno-unused-parameter \
  -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0 \
  -I$(FLUE_BOARD_MDIR) -I$(FLUE_VERILATOR_ROOT)/include -I$(FLUE_VERILATOR_ROOT)/include/vltstd

# RTL inputs: everything files.f names (minus options), the extra files, plus every file the
# previous Verilator run read (includes too), as recorded in its Vflue_board_core__ver.d.
FLUE_BOARD_HDL_LISTED = $(filter-out -% +%,$(shell sed -e 's,//.*,,' -e 's,\#.*,,' $(FLUE_HDL_FILES_F) 2>/dev/null))
FLUE_BOARD_HDL_EXTRA  = $(filter-out $(FLUE_BOARD_HDL_LISTED),$(FLUE_BOARD_EXTRA_FILES))
FLUE_BOARD_HDL_READ   = $(filter-out %verilator_bin,$(shell sed -e 's/^[^:]*://' $(FLUE_BOARD_MDIR)/Vflue_board_core__ver.d 2>/dev/null))
FLUE_BOARD_HDL_DEPS   = $(FLUE_HDL_FILES_F) $(FLUE_BOARD_HDL_EXTRA) $(wildcard $(FLUE_BOARD_HDL_LISTED) $(FLUE_BOARD_HDL_READ))

FLUE_BOARD_SRCS := $(FLUE_BOARD_DIR)/flue_board_sim.cpp $(FLUE_BOARD_DIR)/host_io.cpp
FLUE_BOARD_HDRS := $(FLUE_BOARD_DIR)/host_io.hpp $(FLUE_BOARD_DIR)/uart_line.hpp
FLUE_BOARD_OBJS := $(patsubst $(FLUE_BOARD_DIR)/%.cpp,$(FLUE_BOARD_OUT)/obj/%.o,$(FLUE_BOARD_SRCS))

.PHONY: board-sim board-smoke board-sim-clean

board-sim: $(FLUE_BOARD_SIM)

# The command lines of stage 1, rewritten only when they change (switching the file list or
# flags must rebuild even though no source is newer). Then everything old in the directory
# goes: Verilator's makefiles do not track compiler flags.
FLUE_BOARD_CONFIG      := $(FLUE_BOARD_MDIR)/.config
FLUE_BOARD_CONFIG_TEXT  = $(VERILATOR) $(FLUE_BOARD_VL_FLAGS) -f $(FLUE_HDL_FILES_F) $(FLUE_BOARD_HDL_EXTRA) ; OBJCACHE=$(FLUE_BOARD_OBJCACHE) $(FLUE_BOARD_VL_MAKEFLAGS)
$(FLUE_BOARD_CONFIG): FLUE_BOARD_FORCE
	@mkdir -p $(@D)
	@echo '$(FLUE_BOARD_CONFIG_TEXT)' | cmp -s - $@ || echo '$(FLUE_BOARD_CONFIG_TEXT)' > $@
.PHONY: FLUE_BOARD_FORCE

$(FLUE_BOARD_STAMP): $(FLUE_BOARD_CONFIG) $(FLUE_BOARD_HDL_DEPS) $(FLUE_BOARD_DIR)/build.mk testbench/verilator/runtime.mk
	$(if $(filter $(FLUE_BOARD_CONFIG) $(FLUE_BOARD_DIR)/build.mk,$?),find $(FLUE_BOARD_MDIR) -mindepth 1 ! -name .config -delete)
	$(VERILATOR) $(FLUE_BOARD_VL_FLAGS) -Mdir $(FLUE_BOARD_MDIR) -f $(FLUE_HDL_FILES_F) $(FLUE_BOARD_HDL_EXTRA)
	OBJCACHE=$(FLUE_BOARD_OBJCACHE) $(MAKE) --no-print-directory -C $(FLUE_BOARD_MDIR) \
	  -f $(abspath testbench/verilator/runtime.mk) VM_MK=Vflue_board_core.mk -j$(FLUE_BOARD_JOBS) $(FLUE_BOARD_VL_MAKEFLAGS) all
	@touch $@

# The harness objects include the model's header: rebuilt with the model.
$(FLUE_BOARD_OUT)/obj/%.o: $(FLUE_BOARD_DIR)/%.cpp $(FLUE_BOARD_HDRS) $(FLUE_BOARD_STAMP) $(FLUE_BOARD_DIR)/build.mk
	@mkdir -p $(@D)
	$(strip $(FLUE_BOARD_OBJCACHE) $(FLUE_CXX)) $(FLUE_BOARD_CXXFLAGS) -c -o $@ $<

$(FLUE_BOARD_SIM): $(FLUE_BOARD_OBJS) $(FLUE_BOARD_STAMP)
	$(FLUE_CXX) -o $@ $(FLUE_BOARD_OBJS) $(FLUE_BOARD_MDIR)/Vflue_board_core__ALL.a $(FLUE_BOARD_MDIR)/libverilated.a -lz -lpthread

board-smoke: $(FLUE_BOARD_SIM)
	python3 $(FLUE_BOARD_DIR)/smoke.py --sim $(FLUE_BOARD_SIM)

board-sim-clean:
	rm -rf $(FLUE_BOARD_OUT)

.DEFAULT_GOAL := $(FLUE_BOARD_SAVED_GOAL)
