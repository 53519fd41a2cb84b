# Shared cocotb (Icarus) build rules for the RTL block benches.
# A bench Makefile sets DUT (and optionally PARAM_* and BENCH_SOURCES), then includes this file.
# VARIANTS (optional): parameter sets run_all.sh runs the bench with, one word each, the
# assignments of a word joined by commas (PARAM_A=1,PARAM_B=2); each builds in its own
# sim_build/<word> and writes results_<word>.xml. `make variants` prints them.

TOPLEVEL_LANG = verilog
SIM ?= icarus
WAVES ?= 0

COCOTB_HDL_TIMEUNIT = 1ns
COCOTB_HDL_TIMEPRECISION = 1ps

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)

TOPLEVEL = $(DUT)
MODULE = test_$(DUT)
# BENCH_SOURCES: the RTL files the bench compiles, paths from the repo root (default: all of hdl/files.f)
BENCH_SOURCES ?= $(shell cat $(REPO)/hdl/files.f)
VERILOG_SOURCES += $(addprefix $(REPO)/,$(BENCH_SOURCES))

export PYTHONPATH := $(REPO)/protocol/generated:$(REPO)/testbench/rtl:$(PYTHONPATH)

ifeq ($(SIM), icarus)
	PLUSARGS += -fst
	COMPILE_ARGS += -I$(REPO)/protocol/generated -I$(REPO)/hdl/toe -I$(REPO)/hdl/lib
	COMPILE_ARGS += $(foreach v,$(filter PARAM_%,$(.VARIABLES)),-P $(TOPLEVEL).$(subst PARAM_,,$(v))=$($(v)))
	ifeq ($(WAVES), 1)
		VERILOG_SOURCES += iverilog_dump.v
		COMPILE_ARGS += -s iverilog_dump
	endif
endif

# `make variants` needs nothing of cocotb (loading its makefiles costs seconds of cocotb-config runs)
ifneq ($(MAKECMDGOALS),variants)
# cocotb's makefiles expand PYTHON_BIN (a recursive ?=) a dozen times per make, each a
# cocotb-config run: evaluate it once and hand it to the recursive make
export PYTHON_BIN := $(shell cocotb-config --python-bin)

include $(shell cocotb-config --makefiles)/Makefile.sim
endif

.PHONY: variants
variants:
	@echo $(VARIANTS)

iverilog_dump.v:
	echo 'module iverilog_dump();' > $@
	echo 'initial begin' >> $@
	echo '    $$dumpfile("$(TOPLEVEL).fst");' >> $@
	echo '    $$dumpvars(0, $(TOPLEVEL));' >> $@
	echo 'end' >> $@
	echo 'endmodule' >> $@

clean::
	@rm -rf iverilog_dump.v dump.fst $(TOPLEVEL).fst results*.xml sim_build __pycache__ run*.log
