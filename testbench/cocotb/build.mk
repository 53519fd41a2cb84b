# testbench/cocotb/build.mk: builds what testbench/cocotb/flue-cocotb-sim runs, nic_top under
# Icarus with the cocotb bridge (see README.md). Meant to be `include`d by the top Makefile
# (make runs at the repo root), after VENV, VENV_STAMP and APT_STAMP are set.
#
# Targets: cocotb-sim (the compiled design, with and without an FST dump, and cocotb.env: where
# the venv's cocotb keeps its VPI library and which libpython it embeds), cocotb-logic-test (the
# bridge's unit tests, no simulator), cocotb-sim-clean.
# Icarus compiles the whole design in under a second, so there are no stages to skip.

FLUE_COCOTB_SAVED_GOAL := $(.DEFAULT_GOAL)

FLUE_COCOTB_DIR   := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FLUE_COCOTB_OUT   := $(FLUE_BUILD_DIR)/cocotb
FLUE_COCOTB_TOP   := $(FLUE_COCOTB_DIR)/hdl/flue_cocotb_top.v
FLUE_COCOTB_DUMP  := $(FLUE_COCOTB_DIR)/hdl/flue_cocotb_dump.v
FLUE_COCOTB_RTL    = $(filter-out -% +%,$(shell sed -e 's,//.*,,' -e 's,\#.*,,' $(FLUE_HDL_FILES_F) 2>/dev/null))
FLUE_COCOTB_DEPS   = $(FLUE_HDL_FILES_F) $(FLUE_COCOTB_RTL) $(wildcard hdl/toe/*.vh hdl/lib/*.vh) protocol/generated/flue_contract.vh $(FLUE_COCOTB_TOP)
# as cocotb's Makefile.icarus compiles: its timescale and COCOTB_SIM defined
FLUE_COCOTB_IVFLAGS = -g2012 -D COCOTB_SIM=1 -Iprotocol/generated -Ihdl/toe -Ihdl/lib

.PHONY: cocotb-sim cocotb-logic-test cocotb-sim-clean

cocotb-sim: $(FLUE_COCOTB_OUT)/nic_top.vvp $(FLUE_COCOTB_OUT)/nic_top_fst.vvp $(FLUE_COCOTB_OUT)/cocotb.env

$(FLUE_COCOTB_OUT)/nic_top.vvp: $(FLUE_COCOTB_DEPS) $(APT_STAMP)
	@mkdir -p $(@D)
	echo "+timescale+1ns/1ps" > $(@D)/cmds.f
	iverilog $(FLUE_COCOTB_IVFLAGS) -f $(@D)/cmds.f -s flue_cocotb_top -o $@ $(FLUE_COCOTB_RTL) $(FLUE_COCOTB_TOP)

$(FLUE_COCOTB_OUT)/nic_top_fst.vvp: $(FLUE_COCOTB_DEPS) $(FLUE_COCOTB_DUMP) $(APT_STAMP)
	@mkdir -p $(@D)
	echo "+timescale+1ns/1ps" > $(@D)/cmds.f
	iverilog $(FLUE_COCOTB_IVFLAGS) -f $(@D)/cmds.f -s flue_cocotb_top -s flue_cocotb_dump -o $@ $(FLUE_COCOTB_RTL) $(FLUE_COCOTB_TOP) $(FLUE_COCOTB_DUMP)

$(FLUE_COCOTB_OUT)/cocotb.env: $(VENV_STAMP)
	@mkdir -p $(@D)
	{ echo "COCOTB_VENV=$(VENV)"; \
	  echo "COCOTB_LIB_DIR=$$($(VENV)/bin/cocotb-config --lib-dir)"; \
	  echo "COCOTB_LIB_NAME=$$($(VENV)/bin/cocotb-config --lib-name vpi icarus)"; \
	  echo "LIBPYTHON_LOC=$$($(VENV)/bin/cocotb-config --libpython)"; } > $@.tmp
	mv $@.tmp $@

cocotb-logic-test: $(VENV_STAMP)
	cd $(FLUE_COCOTB_DIR) && PYTHONPATH=.:$(CURDIR)/protocol/generated $(VENV)/bin/python -m unittest -q test_harness_logic

cocotb-sim-clean:
	rm -rf $(FLUE_COCOTB_OUT)

.DEFAULT_GOAL := $(FLUE_COCOTB_SAVED_GOAL)
