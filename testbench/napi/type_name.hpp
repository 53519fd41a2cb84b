// What a JS value is, in words, for the argument errors of flue's Node addons
// (testbench/verilator/addon.cpp, testbench/tap/tap.cpp).
#pragma once

#include <napi.h>

#include <string>

namespace flue {

inline std::string typeName(const Napi::Value& v) {
    switch (v.Type()) {
        case napi_undefined: return "undefined";
        case napi_null: return "null";
        case napi_boolean: return "boolean";
        case napi_number: return "number";
        case napi_string: return "string";
        case napi_symbol: return "symbol";
        case napi_object:
            if (v.IsArrayBuffer()) return "ArrayBuffer";
            if (v.IsTypedArray()) return "typed array";
            if (v.IsDataView()) return "DataView";
            if (v.IsArray()) return "array";
            return "object";
        case napi_function: return "function";
        case napi_bigint: return "bigint";
        default: return "unknown";
    }
}

}  // namespace flue
