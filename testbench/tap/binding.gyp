# node-gyp project for the flue_tap addon. build.mk copies this file into build/tap/node-gyp/
# and runs node-gyp there (so node-gyp's output stays under build/), passing -Dflue_root=<repo>.
{
  "variables": {
    "flue_root%": "../../..",
  },
  "targets": [
    {
      "target_name": "flue_tap",
      "sources": ["<(flue_root)/testbench/tap/tap.cpp"],
      "include_dirs": ["<(flue_root)/node_modules/node-addon-api", "<(flue_root)/testbench/napi"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
      ],
      # node's common.gypi turns C++ exceptions off; node-addon-api reports JS errors with them.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=gnu++17", "-fexceptions", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    }
  ]
}
