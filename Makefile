# flue: make demo (the main job), make test (every test), make bench (benchmarks).
# Each installs what is missing first; make skips what is current.

SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(CURDIR)
VENV ?= $(ROOT)/.venv
NPM_STAMP := node_modules/.flue-installed
VENV_STAMP := $(VENV)/.flue-installed
APT_STAMP := build/.apt-checked
RTL_FILES = $(shell cat hdl/files.f 2>/dev/null)
TS_SOURCES := $(shell find host protocol bench -name '*.ts' 2>/dev/null)

.PHONY: help deps demo test bench lint lint-ts lint-rtl synth synth-board gen gen-check build addon test-host test-rtl test-rtl-synth clean

help:
	@echo "make demo   - two emulated NICs exchange frames; prints a summary (installs what is missing)"
	@echo "make test   - lint and every test (installs what is missing)"
	@echo "make bench  - benchmarks: writes BENCHMARKS.md and bench/results.json"

# ------------------------------------------------------------------ set-up (idempotent)
$(APT_STAMP): tools/setup-apt.sh
	@bash tools/setup-apt.sh
	@mkdir -p build && touch $@

# 'npm install --no-save' installs exactly what package-lock.json pins. (npm ci would too, but
# this machine's npm writes lock files without other platforms' optional packages and then
# refuses them in ci.)
$(NPM_STAMP): package.json package-lock.json
	npm install --no-save --no-fund --no-audit
	@touch $@

$(VENV_STAMP): testbench/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r testbench/requirements.txt
	@touch $@

deps: $(APT_STAMP) $(NPM_STAMP)

# ------------------------------------------------------------------ contract
gen: $(NPM_STAMP)
	npx tsx protocol/generate.ts

gen-check: $(NPM_STAMP)
	npx tsx protocol/generate.ts --check

# ------------------------------------------------------------------ builds
include testbench/verilator/build.mk
include testbench/tap/build.mk
FLUE_BOARD_EXTRA_FILES :=
include testbench/board/build.mk
include testbench/cocotb/build.mk

build: dist/.stamp
dist/.stamp: $(NPM_STAMP) $(TS_SOURCES) tsconfig.json tsconfig.build.json
	npx tsc -p tsconfig.build.json
	@touch $@

# ------------------------------------------------------------------ lint
lint: lint-ts lint-rtl gen-check

lint-ts: $(NPM_STAMP)
	npx tsc --noEmit -p tsconfig.json
	npx eslint .

lint-rtl: $(APT_STAMP)
	verilator --lint-only -Wall -Iprotocol/generated -Ihdl/toe -Ihdl/lib --top-module nic_top $(RTL_FILES)
	@for f in $(RTL_FILES); do m=$$(basename $$f .v); \
	  verilator --lint-only -Wall -Iprotocol/generated -Ihdl/toe -Ihdl/lib --top-module $$m $(RTL_FILES) || { echo "lint of $$m alone failed"; exit 1; }; \
	done; echo "each of $(words $(RTL_FILES)) modules lints clean as top"
	iverilog -g2012 -Iprotocol/generated -Ihdl/toe -Ihdl/lib -s nic_top -o build/nic_top.iverilog $(RTL_FILES)

# Yosys takes minutes on the integrated design: redone only when the RTL or the script changes
SYNTH_REPORT := build/synth/nic_top.txt
synth: $(SYNTH_REPORT)
$(SYNTH_REPORT): $(APT_STAMP) tools/synth.sh hdl/files.f $(RTL_FILES) $(wildcard hdl/toe/*.vh) protocol/generated/flue_contract.vh
	bash tools/synth.sh

# the Arty A7-100T board top (nic_top, the UART bridge, the MII MAC): its report names the
# device's share
BOARD_SYNTH_REPORT := build/synth/arty_a7_top.txt
synth-board: $(BOARD_SYNTH_REPORT)
$(BOARD_SYNTH_REPORT): $(APT_STAMP) tools/synth-board.sh hdl/files.f $(RTL_FILES) $(wildcard hdl/toe/*.vh) protocol/generated/flue_contract.vh
	bash tools/synth-board.sh

# ------------------------------------------------------------------ main job, tests, benchmarks
demo: deps addon build
	node bin/flue.js demo

test: deps lint addon addon-selftest tap-addon board-sim board-smoke cocotb-sim cocotb-logic-test test-host test-rtl-synth

# The cocotb benches (Icarus) and Yosys are single-threaded and each take minutes: side by side
# they keep both cores busy, where one after the other they left one idle.
test-rtl-synth: $(APT_STAMP) $(VENV_STAMP)
	$(MAKE) -j2 test-rtl synth

test-host: deps addon tap-addon board-sim cocotb-sim
	npx vitest run

test-rtl: $(APT_STAMP) $(VENV_STAMP)
	VENV=$(VENV) bash testbench/rtl/run_all.sh

bench: deps addon board-sim cocotb-sim build synth synth-board
	node dist/bench/run.js

clean:
	rm -rf build dist out
