# node-gyp project for the flue_nic addon. build.mk copies this file into build/node-gyp/ and
# runs node-gyp there (so node-gyp's output stays under build/), passing -Dflue_root=<repo>
# -Dverilator_root=<dir>. Paths are therefore all spelled through those variables.
{
  # Nested so that flue_vl_mdir's default can refer to flue_root (gyp needs the inner scope).
  "variables": {
    "variables": {
      "flue_root%": "../..",
      "verilator_root%": "/usr/share/verilator",
    },
    "flue_root%": "<(flue_root)",
    "verilator_root%": "<(verilator_root)",
    "flue_vl_mdir%": "<(flue_root)/build/verilator/nic_top",
  },
  "targets": [
    {
      "target_name": "flue_nic",
      "sources": [
        "<(flue_root)/testbench/verilator/addon.cpp",
        "<(flue_root)/testbench/verilator/harness.cpp",
      ],
      "include_dirs": [
        "<(flue_root)/node_modules/node-addon-api",
        "<(flue_root)/testbench/napi",
        "<(flue_root)/protocol/generated",
        "<(flue_vl_mdir)",
        "<(verilator_root)/include",
        "<(verilator_root)/include/vltstd",
      ],
      # Must match how the Verilated model was compiled (these select class layouts).
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "VM_COVERAGE=0", "VM_SC=0", "VM_TRACE=1", "VM_TRACE_FST=1", "VM_TRACE_VCD=0",
      ],
      # node's common.gypi turns C++ exceptions off; the harness reports errors with them.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=gnu++17", "-fexceptions", "-O2", "-Wno-unused-parameter"],
      "libraries": [
        "<(flue_vl_mdir)/Vnic_top__ALL.a",
        "<(flue_vl_mdir)/libverilated.a",
        "-lz",
        "-lpthread",
      ],
    }
  ]
}
