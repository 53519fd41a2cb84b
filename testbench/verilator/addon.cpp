// N-API face of NicHarness: the NicModel class (declared for TypeScript in nic-model.d.ts).
// Every argument is checked here so that a wrong call from JS becomes a TypeError/RangeError
// with an actionable message instead of undefined behaviour in the harness.
#include <napi.h>

#include "type_name.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "flue_contract.hpp"
#include "harness.hpp"

namespace {

namespace c = flue::contract;
constexpr double kMaxSafe = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER
constexpr uint64_t kMaxRxFrameBytes = 1u << 20;  // sanity bound, well above any Ethernet frame

using flue::typeName;

// A non-negative integer argument up to `max`. Numbers must be safe integers; BigInts are
// accepted too (the TS host may keep addresses as bigint) if they are lossless.
uint64_t toUint(const Napi::Env& env, const Napi::Value& v, const std::string& what, uint64_t max) {
    if (v.IsBigInt()) {
        bool lossless = false;
        const uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
        if (!lossless) throw Napi::RangeError::New(env, what + " must be a non-negative integer below 2^64");
        if (x > max) throw Napi::RangeError::New(env, what + " must be <= " + std::to_string(max) + " (got " + std::to_string(x) + ")");
        return x;
    }
    if (!v.IsNumber()) throw Napi::TypeError::New(env, what + " must be a number (got " + typeName(v) + ")");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || d != std::floor(d) || d < 0)
        throw Napi::RangeError::New(env, what + " must be a non-negative integer (got " + v.ToString().Utf8Value() + ")");
    if (d > kMaxSafe) throw Napi::RangeError::New(env, what + " must be a safe integer (< 2^53); pass a bigint for larger values");
    const uint64_t x = static_cast<uint64_t>(d);
    if (x > max) throw Napi::RangeError::New(env, what + " must be <= " + std::to_string(max) + " (got " + std::to_string(x) + ")");
    return x;
}

Napi::Value num(const Napi::Env& env, uint64_t x) { return Napi::Number::New(env, static_cast<double>(x)); }

class NicModel : public Napi::ObjectWrap<NicModel> {
public:
    static Napi::Function Define(Napi::Env env) {
        return DefineClass(env, "NicModel",
                           {
                               InstanceMethod<&NicModel::Reset>("reset"),
                               InstanceAccessor<&NicModel::Cycle>("cycle"),
                               InstanceMethod<&NicModel::MmioRead>("mmioRead"),
                               InstanceMethod<&NicModel::MmioWrite>("mmioWrite"),
                               InstanceMethod<&NicModel::Run>("run"),
                               InstanceMethod<&NicModel::TakeIrqs>("takeIrqs"),
                               InstanceMethod<&NicModel::IrqCounts>("irqCounts"),
                               InstanceMethod<&NicModel::MapDma>("mapDma"),
                               InstanceMethod<&NicModel::UnmapDma>("unmapDma"),
                               InstanceMethod<&NicModel::TakeTxFrames>("takeTxFrames"),
                               InstanceMethod<&NicModel::PushRxFrame>("pushRxFrame"),
                               InstanceAccessor<&NicModel::RxQueued>("rxQueued"),
                               InstanceMethod<&NicModel::Counters>("counters"),
                               InstanceMethod<&NicModel::TraceStart>("traceStart"),
                               InstanceMethod<&NicModel::TraceStop>("traceStop"),
                               InstanceMethod<&NicModel::Close>("close"),
                           });
    }

    explicit NicModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NicModel>(info) {
        Napi::Env env = info.Env();
        guard(env, "constructor", [&] {
            if (info.Length() < 1 || !info[0].IsObject() || info[0].IsArrayBuffer() || info[0].IsTypedArray())
                throw Napi::TypeError::New(env, "new NicModel(options): options must be an object "
                                                "{ memory: ArrayBuffer, memoryBase: number, readLatency?: number }");
            Napi::Object opts = info[0].As<Napi::Object>();
            Napi::Value mem = opts.Get("memory");
            if (!mem.IsArrayBuffer()) {
                std::string hint = mem.IsTypedArray() ? " (pass view.buffer, and mind that memoryBase names byte 0 of "
                                                        "the whole buffer, not of the view)"
                                                      : "";
                throw Napi::TypeError::New(env, "new NicModel: options.memory must be an ArrayBuffer (got " +
                                                    typeName(mem) + ")" + hint);
            }
            Napi::ArrayBuffer ab = mem.As<Napi::ArrayBuffer>();
            if (ab.ByteLength() == 0) throw Napi::RangeError::New(env, "new NicModel: options.memory is empty (or detached)");
            const uint64_t base = toUint(env, opts.Get("memoryBase"), "new NicModel: options.memoryBase", UINT64_MAX);
            if (base + ab.ByteLength() < base)
                throw Napi::RangeError::New(env, "new NicModel: options.memoryBase + memory.byteLength overflows 64 bits");
            unsigned latency = flue::NicHarness::kDefaultReadLatency;
            Napi::Value lat = opts.Get("readLatency");
            if (!lat.IsUndefined()) {
                latency = static_cast<unsigned>(toUint(env, lat, "new NicModel: options.readLatency", 1u << 20));
                if (latency == 0) throw Napi::RangeError::New(env, "new NicModel: options.readLatency must be >= 1 cycle");
            }
            // The reference keeps the ArrayBuffer (and so its memory) alive as long as the model.
            memRef_ = Napi::Persistent(ab);
            h_ = std::make_unique<flue::NicHarness>(static_cast<uint8_t*>(ab.Data()), ab.ByteLength(), base, latency);
            return 0;
        });
    }

private:
    std::unique_ptr<flue::NicHarness> h_;
    Napi::Reference<Napi::ArrayBuffer> memRef_;

    // Runs f, turning harness exceptions into JS errors of the right class with the method name.
    template <typename F>
    auto guard(Napi::Env env, const char* fn, F&& f) -> decltype(f()) {
        const std::string where = std::string("NicModel.") + fn + ": ";
        try {
            return f();
        } catch (const Napi::Error&) {
            throw;
        } catch (const flue::MmioError& e) {
            Napi::Error err = Napi::Error::New(env, where + e.what());
            err.Set("code", Napi::String::New(env, e.resp < 0 ? "FLUE_MMIO_TIMEOUT" : "FLUE_MMIO_RESP"));
            err.Set("resp", Napi::Number::New(env, e.resp));
            throw err;
        } catch (const flue::HarnessRangeError& e) {
            throw Napi::RangeError::New(env, where + e.what());
        } catch (const flue::RtlStopped& e) {
            Napi::Error err = Napi::Error::New(env, where + e.what());
            err.Set("code", Napi::String::New(env, "FLUE_RTL_STOPPED"));
            throw err;
        } catch (const std::bad_alloc&) {
            throw Napi::Error::New(env, where + "out of memory");
        } catch (const std::exception& e) {
            throw Napi::Error::New(env, where + e.what());
        }
    }

    flue::NicHarness& live(const Napi::Env& env, const char* fn) {
        if (!h_) throw Napi::Error::New(env, std::string("NicModel.") + fn + ": the model is closed");
        return *h_;
    }

    // Before clocking: the ArrayBuffer may have been detached (transferred) or resized since the
    // last call; never let the AXI slave touch memory JS no longer gives us.
    flue::NicHarness& liveWithMemory(const Napi::Env& env, const char* fn) {
        flue::NicHarness& h = live(env, fn);
        Napi::ArrayBuffer ab = memRef_.Value();
        if (ab.IsDetached())
            throw Napi::Error::New(env, std::string("NicModel.") + fn +
                                            ": options.memory has been detached (transferred); close this model");
        h.rebindMemory(static_cast<uint8_t*>(ab.Data()), ab.ByteLength());
        return h;
    }

    static void needArgs(const Napi::CallbackInfo& info, size_t n, const char* sig) {
        if (info.Length() < n)
            throw Napi::TypeError::New(info.Env(), std::string("NicModel.") + sig + ": expected " + std::to_string(n) +
                                                       " argument(s), got " + std::to_string(info.Length()));
    }

    void Reset(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 1, "reset(cycles)");
        flue::NicHarness& h = liveWithMemory(env, "reset");
        const uint64_t n = toUint(env, info[0], "NicModel.reset: cycles", UINT64_MAX);
        if (n == 0) throw Napi::RangeError::New(env, "NicModel.reset: cycles must be >= 1");
        guard(env, "reset", [&] { h.reset(n); return 0; });
    }

    Napi::Value Cycle(const Napi::CallbackInfo& info) {
        return num(info.Env(), live(info.Env(), "cycle").cycle());
    }

    uint32_t regAddr(const Napi::Env& env, const Napi::Value& v, const char* fn) {
        const uint64_t a = toUint(env, v, std::string("NicModel.") + fn + ": addr", c::REG_SPACE_BYTES - 1);
        if (a % c::REG_WIDTH_BYTES)
            throw Napi::RangeError::New(env, std::string("NicModel.") + fn + ": addr " + std::to_string(a) +
                                                 " is not a multiple of " + std::to_string(c::REG_WIDTH_BYTES));
        return static_cast<uint32_t>(a);
    }

    Napi::Value MmioRead(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 1, "mmioRead(addr)");
        flue::NicHarness& h = liveWithMemory(env, "mmioRead");
        const uint32_t addr = regAddr(env, info[0], "mmioRead");
        const uint32_t v = guard(env, "mmioRead", [&] { return h.mmioRead(addr); });
        return Napi::Number::New(env, v);
    }

    void MmioWrite(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 2, "mmioWrite(addr, value)");
        flue::NicHarness& h = liveWithMemory(env, "mmioWrite");
        const uint32_t addr = regAddr(env, info[0], "mmioWrite");
        // Accept int32 too: JS bit operations (1 << 31, ~x) produce negative numbers.
        if (!info[1].IsNumber())
            throw Napi::TypeError::New(env, "NicModel.mmioWrite: value must be a number (got " + typeName(info[1]) + ")");
        const double d = info[1].As<Napi::Number>().DoubleValue();
        if (!std::isfinite(d) || d != std::floor(d) || d < -2147483648.0 || d > 4294967295.0)
            throw Napi::RangeError::New(env, "NicModel.mmioWrite: value must be an integer in [-2^31, 2^32) (got " +
                                                 info[1].ToString().Utf8Value() + ")");
        const uint32_t value = d < 0 ? static_cast<uint32_t>(static_cast<int32_t>(d)) : static_cast<uint32_t>(d);
        guard(env, "mmioWrite", [&] { h.mmioWrite(addr, value); return 0; });
    }

    Napi::Value Run(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 2, "run(maxCycles, stopOnIrq)");
        flue::NicHarness& h = liveWithMemory(env, "run");
        const uint64_t n = toUint(env, info[0], "NicModel.run: maxCycles", static_cast<uint64_t>(kMaxSafe));
        if (!info[1].IsBoolean())
            throw Napi::TypeError::New(env, "NicModel.run: stopOnIrq must be a boolean (got " + typeName(info[1]) + ")");
        const bool stop = info[1].As<Napi::Boolean>().Value();
        return num(env, guard(env, "run", [&] { return h.run(n, stop); }));
    }

    Napi::Value TakeIrqs(const Napi::CallbackInfo& info) {
        return Napi::Number::New(info.Env(), live(info.Env(), "takeIrqs").takeIrqs());
    }

    Napi::Value IrqCounts(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        const auto& counts = live(env, "irqCounts").irqCounts();
        Napi::Array a = Napi::Array::New(env, counts.size());
        for (size_t i = 0; i < counts.size(); ++i) a.Set(static_cast<uint32_t>(i), num(env, counts[i]));
        return a;
    }

    void MapDma(const Napi::CallbackInfo& info) { dma(info, true); }
    void UnmapDma(const Napi::CallbackInfo& info) { dma(info, false); }
    void dma(const Napi::CallbackInfo& info, bool map) {
        Napi::Env env = info.Env();
        const char* fn = map ? "mapDma" : "unmapDma";
        needArgs(info, 2, map ? "mapDma(addr, length)" : "unmapDma(addr, length)");
        flue::NicHarness& h = live(env, fn);
        const uint64_t addr = toUint(env, info[0], std::string("NicModel.") + fn + ": addr", UINT64_MAX);
        const uint64_t len = toUint(env, info[1], std::string("NicModel.") + fn + ": length", UINT64_MAX);
        guard(env, fn, [&] {
            if (map) h.mapDma(addr, len);
            else h.unmapDma(addr, len);
            return 0;
        });
    }

    Napi::Value TakeTxFrames(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        std::vector<flue::WireFrame> frames = live(env, "takeTxFrames").takeTxFrames();
        Napi::Array out = Napi::Array::New(env, frames.size());
        for (size_t i = 0; i < frames.size(); ++i) {
            const auto& f = frames[i];
            Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, f.data.size());
            if (!f.data.empty()) std::memcpy(ab.Data(), f.data.data(), f.data.size());
            Napi::Object o = Napi::Object::New(env);
            o.Set("data", Napi::Uint8Array::New(env, f.data.size(), ab, 0));
            o.Set("cycle", num(env, f.cycle));
            out.Set(static_cast<uint32_t>(i), o);
        }
        return out;
    }

    void PushRxFrame(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 2, "pushRxFrame(data, cycle)");
        flue::NicHarness& h = live(env, "pushRxFrame");
        if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
            throw Napi::TypeError::New(env, "NicModel.pushRxFrame: data must be a Uint8Array (got " + typeName(info[0]) + ")");
        Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
        if (data.ByteLength() == 0) throw Napi::RangeError::New(env, "NicModel.pushRxFrame: data is empty");
        if (data.ByteLength() > kMaxRxFrameBytes)
            throw Napi::RangeError::New(env, "NicModel.pushRxFrame: frame of " + std::to_string(data.ByteLength()) +
                                                 " bytes exceeds the harness limit of " + std::to_string(kMaxRxFrameBytes));
        const uint64_t cycle = toUint(env, info[1], "NicModel.pushRxFrame: cycle", UINT64_MAX);
        guard(env, "pushRxFrame", [&] { h.pushRxFrame(data.Data(), data.ByteLength(), cycle); return 0; });
    }

    Napi::Value RxQueued(const Napi::CallbackInfo& info) {
        return num(info.Env(), live(info.Env(), "rxQueued").rxQueued());
    }

    Napi::Value Counters(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        const flue::HarnessCounters& k = live(env, "counters").counters();
        Napi::Object o = Napi::Object::New(env);
        o.Set("axiReads", num(env, k.axiReads));
        o.Set("axiWrites", num(env, k.axiWrites));
        o.Set("axiErrors", num(env, k.axiErrors));
        o.Set("rxOverruns", num(env, k.rxOverruns));
        o.Set("txAborted", num(env, k.txAborted));
        o.Set("protocolErrors", num(env, k.protocolErrors));
        o.Set("firstProtocolError", Napi::String::New(env, k.firstProtocolError));
        o.Set("firstAxiError", Napi::String::New(env, k.firstAxiError));
        return o;
    }

    void TraceStart(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        needArgs(info, 1, "traceStart(path)");
        flue::NicHarness& h = live(env, "traceStart");
        if (!info[0].IsString())
            throw Napi::TypeError::New(env, "NicModel.traceStart: path must be a string (got " + typeName(info[0]) + ")");
        const std::string path = info[0].As<Napi::String>().Utf8Value();
        if (path.empty()) throw Napi::TypeError::New(env, "NicModel.traceStart: path is empty");
        guard(env, "traceStart", [&] { h.traceStart(path); return 0; });
    }

    void TraceStop(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        flue::NicHarness& h = live(env, "traceStop");
        guard(env, "traceStop", [&] { h.traceStop(); return 0; });
    }

    void Close(const Napi::CallbackInfo& info) {
        live(info.Env(), "close");
        h_.reset();  // final(), closes the trace, frees the model
        memRef_.Reset();
    }
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("NicModel", NicModel::Define(env));
    return exports;
}

}  // namespace

NODE_API_MODULE(flue_nic, Init)
