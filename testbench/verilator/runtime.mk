# Run inside the Verilator output directory (make -C <mdir> -f <this file> all):
# builds the model archive exactly as `verilator --build` would, plus libverilated.a, an archive
# of the Verilator runtime objects the model needs (verilated.o, verilated_fst_c.o, ...), which
# `--build` without `--exe` does not produce. Both are compiled with the model's flags (-fPIC)
# and OBJCACHE, in one make so that -j overlaps the runtime with the model's compile.
VM_MK ?= Vnic_top.mk
include $(VM_MK)

libverilated.a: $(VK_GLOBAL_OBJS)
	$(AR) rcs $@ $^

all: $(VM_PREFIX)__ALL.a libverilated.a
.PHONY: all
