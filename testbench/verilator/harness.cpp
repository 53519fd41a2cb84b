// NicHarness implementation. See harness.hpp for the clocking convention.
#include "harness.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>

// node's common.gypi defines it on the command line; verilatedos.h defines it again.
#undef __STDC_FORMAT_MACROS
#include "Vnic_top.h"
#include "Vnic_top_nic_top.h"  // the top's public parameters (DMA_DATA_WIDTH, DMA_MAX_BURST)
#include "flue_contract.hpp"
#include "verilated.h"
#include "verilated_fst_c.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the AXI data lanes are copied with memcpy: this harness assumes a little-endian host"
#endif

namespace c = flue::contract;

// ---------------------------------------------------------------------------------------------
// Verilator's defaults for $finish/$stop/fatal errors exit() or abort() the whole process, which
// would take Node down with it. verilated.cpp is compiled with VL_USER_FINISH/STOP/FATAL (see
// build.mk) so these replacements are used instead: they unwind back into the harness call
// that was evaluating the model, which marks that one model as failed.
static std::string vlWhere(const char* filename, int linenum) {
    if (!filename || !filename[0]) return std::string();
    return std::string(" at ") + filename + ":" + std::to_string(linenum);
}
void vl_finish(const char* filename, int linenum, const char* /*hier*/) VL_MT_UNSAFE {
    throw flue::RtlStopped("RTL executed $finish" + vlWhere(filename, linenum));
}
void vl_stop(const char* filename, int linenum, const char* /*hier*/) VL_MT_UNSAFE {
    throw flue::RtlStopped("RTL executed $stop" + vlWhere(filename, linenum));
}
void vl_fatal(const char* filename, int linenum, const char* /*hier*/, const char* msg) VL_MT_UNSAFE {
    throw flue::RtlStopped(std::string("Verilator fatal error") + vlWhere(filename, linenum) + ": " +
                           (msg ? msg : "(no message)"));
}

namespace flue {

namespace {
constexpr unsigned kWireGapCycles = NicHarness::kTxIdleCycles;  // same gap on both directions
constexpr unsigned kAxiBurstIncr = 1;

// AXI4 bus geometry from the verilated top's public parameters.
constexpr unsigned kBeatBytes = Vnic_top_nic_top::DMA_DATA_WIDTH / 8;
constexpr unsigned kMaxBurstBeats = Vnic_top_nic_top::DMA_MAX_BURST;
constexpr unsigned log2u(unsigned v) { return v <= 1 ? 0 : 1 + log2u(v / 2); }
constexpr unsigned kAxiSize = log2u(kBeatBytes);  // AxSIZE of a full-width beat
constexpr uint64_t kBeatMask = kBeatBytes - 1;
constexpr uint32_t kStrbAll = kBeatBytes >= 32 ? 0xFFFFFFFFu : (1u << kBeatBytes) - 1;
static_assert(kBeatBytes == 8 || kBeatBytes == 16 || kBeatBytes == 32,
              "the harness supports nic_top DMA_DATA_WIDTH 64, 128 and 256");
static_assert(kBeatBytes <= NicHarness::kMaxBeatBytes, "write staging too small for DMA_DATA_WIDTH");
static_assert(kMaxBurstBeats >= 1 && kMaxBurstBeats <= 256, "DMA_MAX_BURST must be 1..256");

// The AXI data ports as Verilator declares them: QData up to 64 bits, VlWide (32-bit words,
// least significant first) above; either way the bytes of a beat in little-endian order.
using RDataPort = std::remove_reference_t<decltype(std::declval<Vnic_top&>().m_axi_rdata)>;
using WDataPort = std::remove_reference_t<decltype(std::declval<Vnic_top&>().m_axi_wdata)>;
using WStrbPort = std::remove_reference_t<decltype(std::declval<Vnic_top&>().m_axi_wstrb)>;
static_assert(sizeof(RDataPort) == kBeatBytes && sizeof(WDataPort) == kBeatBytes,
              "m_axi_rdata/m_axi_wdata are not DMA_DATA_WIDTH bits wide in the verilated model");
static_assert(sizeof(WStrbPort) * 8 >= kBeatBytes && kBeatBytes <= 32,
              "m_axi_wstrb does not fit the harness's 32-bit strobe masks");
static_assert(std::is_trivially_copyable<RDataPort>::value && std::is_trivially_copyable<WDataPort>::value,
              "AXI data ports are copied bytewise");
constexpr uint8_t kRespOkay = 0, kRespSlvErr = 2;
constexpr size_t kMaxTxFrameBytes = 1u << 20;  // runaway guard: a frame without tlast
constexpr uint32_t kIrqMask = (1u << c::IRQ_VECTORS) - 1;

const char* respName(unsigned r) {
    static const char* names[] = {"OKAY", "EXOKAY", "SLVERR", "DECERR"};
    return names[r & 3];
}
std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

NicHarness::NicHarness(uint8_t* memory, size_t length, uint64_t memoryBase, unsigned readLatency)
    : mem_(memory), memLen_(length), memBase_(memoryBase),
      readLatency_(std::max(1u, readLatency)), irqCounts_(c::IRQ_VECTORS, 0) {
    // One context per model: models share nothing but Verilator's own process-wide state.
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->traceEverOn(true);  // must precede model construction for traceStart() to work later
    top_ = std::make_unique<Vnic_top>(ctx_.get(), "nic");
    txCur_.reserve(2048);
    top_->clk = 0;
    top_->rst = 0;
}

NicHarness::~NicHarness() {
    // Destruction must never throw into Node (this also runs from a GC finalizer).
    // final() runs against the thread's current context: make it this model's, not whichever
    // model was created last (possibly destroyed since).
    Verilated::threadContextp(ctx_.get());
    try {
        if (tfp_) tfp_->close();
    } catch (...) {
    }
    try {
        if (!failed()) top_->final();
    } catch (...) {
    }
    tfp_.reset();
    top_.reset();
    ctx_.reset();
}

void NicHarness::checkUsable() const {
    if (failed()) throw RtlStopped("the model stopped earlier (" + failure_ + "); close it and create a new one");
}

void NicHarness::fail(const std::string& why) {
    failure_ = "cycle " + std::to_string(cycle_) + ": " + why;
    try {
        if (tfp_) tfp_->close();  // keep the waveform up to the failure
    } catch (...) {
    }
    tfp_.reset();
    throw RtlStopped(failure_);
}

void NicHarness::protocolError(const std::string& msg) {
    if (counters_.protocolErrors++ == 0) counters_.firstProtocolError = "cycle " + std::to_string(cycle_) + ": " + msg;
}

void NicHarness::axiError(const char* what, uint64_t addr, unsigned beats) {
    if (counters_.axiErrors++ == 0)
        counters_.firstAxiError = "cycle " + std::to_string(cycle_) + ": " + what + " of " + std::to_string(beats) +
                                  " beats at " + hex(addr);
}

// ---------------------------------------------------------------------------------------------
// Clock loop (hot path)

void NicHarness::driveInputs() {
    Vnic_top* const t = top_.get();
    const uint64_t cyc = cycle_;
    t->rst = inReset_;
    if (inReset_) {
        // Nothing is offered or accepted during reset, so no handshake can straddle it; only
        // an RX frame already started goes on (the wire does not stop for the NIC's reset).
        t->s_axil_awvalid = 0; t->s_axil_wvalid = 0; t->s_axil_arvalid = 0;
        t->s_axil_bready = 0; t->s_axil_rready = 0;
        t->m_axi_arready = 0; t->m_axi_rvalid = 0; t->m_axi_rlast = 0;
        t->m_axi_awready = 0; t->m_axi_wready = 0; t->m_axi_bvalid = 0;
        t->m_axis_tx_tready = 0;
        driveRx();
        return;
    }

    // AXI4-Lite master; responses are always accepted (so late ones after a timeout drain).
    t->s_axil_awvalid = lAwValid_; t->s_axil_awaddr = lAwAddr_;
    t->s_axil_wvalid = lWValid_; t->s_axil_wdata = lWData_; t->s_axil_wstrb = 0xF;
    t->s_axil_arvalid = lArValid_; t->s_axil_araddr = lArAddr_;
    t->s_axil_bready = 1; t->s_axil_rready = 1;

    // AXI4 slave, read side: in-order responses, fixed latency, then one beat per cycle.
    t->m_axi_arready = !reads_.full();
    if (!reads_.empty() && reads_.front().readyAt <= cyc) {
        const ReadBurst& b = reads_.front();
        // INCR: beat n covers the aligned beat n after the one holding addr; the whole beat is
        // read (and was checked mapped), lanes below an unaligned start included.
        if (b.ok)
            std::memcpy(&t->m_axi_rdata, mem_ + ((b.addr & ~kBeatMask) + uint64_t{kBeatBytes} * b.beat - memBase_),
                        kBeatBytes);
        else
            std::memset(&t->m_axi_rdata, 0, kBeatBytes);
        t->m_axi_rvalid = 1;
        t->m_axi_rresp = b.ok ? kRespOkay : kRespSlvErr;
        t->m_axi_rid = b.id;
        t->m_axi_rlast = b.beat + 1 == b.beats;
    } else {
        t->m_axi_rvalid = 0;
        t->m_axi_rlast = 0;
    }

    // AXI4 slave, write side: W only once its AW is in (a slave may wait for AW), and only if
    // the B it completes has somewhere to go.
    t->m_axi_awready = !writes_.full();
    t->m_axi_wready = !writes_.empty() && !bresps_.full();
    if (!bresps_.empty() && bresps_.front().readyAt <= cyc) {
        t->m_axi_bvalid = 1;
        t->m_axi_bid = bresps_.front().id;
        t->m_axi_bresp = bresps_.front().resp;
    } else {
        t->m_axi_bvalid = 0;
    }

    // MAC TX: ready except for the inter-frame gap.
    t->m_axis_tx_tready = txIdle_ == 0;

    driveRx();
}

// MAC RX: one beat per cycle once the head frame's start cycle and the gap have passed. The MAC
// is not reset with the NIC: a frame it has started it drives to its end, reset or not; a new
// one waits for the reset to end.
void NicHarness::driveRx() {
    Vnic_top* const t = top_.get();
    const uint64_t cyc = cycle_;
    rxDriving_ = false;
    if (!rxQueue_.empty() && (!inReset_ || rxOffset_ > 0)) {
        const RxFrame& f = rxQueue_.front();
        if (rxOffset_ > 0 || (cyc >= f.cycle && cyc >= rxNextAllowed_)) {
            const size_t n = std::min<size_t>(8, f.data.size() - rxOffset_);
            uint64_t data = 0;
            std::memcpy(&data, f.data.data() + rxOffset_, n);
            t->s_axis_rx_tdata = data;
            t->s_axis_rx_tkeep = static_cast<uint8_t>((1u << n) - 1);
            t->s_axis_rx_tlast = rxOffset_ + n == f.data.size();
            t->s_axis_rx_tvalid = 1;
            rxDriving_ = true;
        }
    }
    if (!rxDriving_) {
        t->s_axis_rx_tvalid = 0;
        t->s_axis_rx_tlast = 0;
        t->s_axis_rx_tkeep = 0;
    }
    t->s_axis_rx_tuser = 0;
}

bool NicHarness::rangeInMemory(uint64_t addr, uint64_t len) const {
    return addr >= memBase_ && len <= memLen_ && addr - memBase_ <= memLen_ - len;
}

bool NicHarness::rangeMapped(uint64_t addr, uint64_t len) const {
    if (addr + len < addr) return false;
    auto it = dmaUnion_.upper_bound(addr);
    if (it == dmaUnion_.begin()) return false;
    --it;
    return it->second >= addr + len;
}

// AXI rules for a burst; a violation is a protocol error and the burst is answered SLVERR.
bool NicHarness::burstLegal(uint64_t addr, unsigned beats, unsigned size, unsigned burst, bool isWrite) {
    const char* ch = isWrite ? "aw" : "ar";
    if (burst != kAxiBurstIncr) {
        protocolError(std::string("m_axi_") + ch + "burst=" + std::to_string(burst) + " at " + hex(addr) +
                      " (only INCR is allowed)");
        return false;
    }
    if (size != kAxiSize) {
        protocolError(std::string("m_axi_") + ch + "size=" + std::to_string(size) + " at " + hex(addr) +
                      " (only " + std::to_string(kAxiSize) + " = the " + std::to_string(kBeatBytes) +
                      "-byte bus width is supported)");
        return false;
    }
    if (beats > kMaxBurstBeats)  // served anyway: the limit is a promise of the RTL, not of AXI
        protocolError(std::string("m_axi_") + ch + "len=" + std::to_string(beats - 1) + " at " + hex(addr) +
                      " exceeds DMA_MAX_BURST=" + std::to_string(kMaxBurstBeats));
    const uint64_t end = (addr & ~kBeatMask) + uint64_t{kBeatBytes} * beats;  // one past the burst
    if (end < addr || (addr >> 12) != ((end - 1) >> 12)) {
        protocolError(std::string(isWrite ? "write" : "read") + " burst " + hex(addr) + " len " +
                      std::to_string(beats) + " crosses a 4 KiB boundary");
        return false;
    }
    return true;
}

void NicHarness::sampleAndAdvance() {
    if (inReset_) {
        advanceRx();
        return;
    }
    Vnic_top* const t = top_.get();
    const uint64_t cyc = cycle_;

    // Interrupts: one-cycle pulses, latched.
    const uint32_t irq = t->irq & kIrqMask;
    irqThisCycle_ = irq != 0;
    if (irq) {
        irqPending_ |= irq;
        for (unsigned v = 0; v < c::IRQ_VECTORS; ++v)
            if (irq & (1u << v)) ++irqCounts_[v];
    }

    // ---- AXI4 read address ----
    if (t->m_axi_arvalid) {
        if (arStalled_ && (t->m_axi_araddr != arPrevAddr_ || t->m_axi_arlen != arPrevLen_))
            protocolError("m_axi_araddr/arlen changed while waiting for arready");
        if (t->m_axi_arready) {
            ReadBurst b;
            b.addr = t->m_axi_araddr;
            b.beats = static_cast<uint16_t>(t->m_axi_arlen + 1);
            b.beat = 0;
            b.id = t->m_axi_arid;
            b.readyAt = cyc + readLatency_;
            // A read has no byte enables: it touches every byte of its beats, whole beats.
            b.ok = burstLegal(b.addr, b.beats, t->m_axi_arsize, t->m_axi_arburst, false) &&
                   rangeAccessible(b.addr & ~kBeatMask, uint64_t{kBeatBytes} * b.beats);
            ++counters_.axiReads;
            if (!b.ok) axiError("read", b.addr, b.beats);
            reads_.push(b);
            arStalled_ = false;
        } else {
            arStalled_ = true;
            arPrevAddr_ = t->m_axi_araddr;
            arPrevLen_ = t->m_axi_arlen;
        }
    } else if (arStalled_) {
        protocolError("m_axi_arvalid dropped before arready");
        arStalled_ = false;
    }
    // ---- AXI4 read data ----
    if (t->m_axi_rvalid && t->m_axi_rready) {
        ReadBurst& b = reads_.front();
        if (++b.beat == b.beats) reads_.pop();
    }

    // ---- AXI4 write address ----
    if (t->m_axi_awvalid) {
        if (awStalled_ && (t->m_axi_awaddr != awPrevAddr_ || t->m_axi_awlen != awPrevLen_))
            protocolError("m_axi_awaddr/awlen changed while waiting for awready");
        if (t->m_axi_awready) {
            WriteBurst w;
            w.addr = t->m_axi_awaddr;
            w.beats = static_cast<uint16_t>(t->m_axi_awlen + 1);
            w.beat = 0;
            w.id = t->m_axi_awid;
            // A write touches only its strobed bytes: those are checked beat by beat.
            w.ok = burstLegal(w.addr, w.beats, t->m_axi_awsize, t->m_axi_awburst, true);
            w.wlastError = false;
            ++counters_.axiWrites;
            writes_.push(w);
            awStalled_ = false;
        } else {
            awStalled_ = true;
            awPrevAddr_ = t->m_axi_awaddr;
            awPrevLen_ = t->m_axi_awlen;
        }
    } else if (awStalled_) {
        protocolError("m_axi_awvalid dropped before awready");
        awStalled_ = false;
    }
    // ---- AXI4 write data ----
    if (t->m_axi_wvalid) {
        if (t->m_axi_wready) {
            WriteBurst& w = writes_.front();
            const bool last = w.beat + 1 == w.beats;
            const bool wlast = t->m_axi_wlast;
            if (w.ok) {
                const uint64_t beatAddr = (w.addr & ~kBeatMask) + uint64_t{kBeatBytes} * w.beat;
                const unsigned firstLane = w.beat == 0 ? static_cast<unsigned>(w.addr & kBeatMask) : 0;
                const uint32_t allowed = kStrbAll & (kStrbAll << firstLane);
                uint32_t strb = static_cast<uint32_t>(t->m_axi_wstrb) & kStrbAll;
                if (strb & ~allowed) {
                    protocolError("m_axi_wstrb " + hex(strb) + " enables lanes below the burst start " + hex(w.addr));
                    strb &= allowed;
                }
                if (strb) {  // the span from the lowest to the highest strobed byte must be writable
                    const unsigned lo = static_cast<unsigned>(__builtin_ctz(strb));
                    const unsigned hi = 32u - static_cast<unsigned>(__builtin_clz(strb));
                    if (!rangeAccessible(beatAddr + lo, hi - lo)) w.ok = false;
                }
                std::memcpy(wStageData_[w.beat], &t->m_axi_wdata, kBeatBytes);
                wStageStrb_[w.beat] = strb;
            }
            if (wlast != last) {
                protocolError(std::string("m_axi_wlast=") + (wlast ? "1" : "0") + " on beat " +
                              std::to_string(w.beat + 1) + " of a " + std::to_string(w.beats) +
                              "-beat burst at " + hex(w.addr));
                w.wlastError = true;
            }
            ++w.beat;
            if (last || wlast) {  // whichever comes first ends the burst
                const bool good = w.ok && !w.wlastError;
                if (good) commitWrite(w);
                else axiError("write", w.addr, w.beats);
                BResp r;
                r.readyAt = cyc + 1;
                r.id = w.id;
                r.resp = good ? kRespOkay : kRespSlvErr;
                bresps_.push(r);
                writes_.pop();
            }
            wStalled_ = false;
        } else {
            wStalled_ = true;
        }
    } else if (wStalled_) {
        protocolError("m_axi_wvalid dropped before wready");
        wStalled_ = false;
    }
    // ---- AXI4 write response ----
    if (t->m_axi_bvalid && t->m_axi_bready) bresps_.pop();

    // ---- AXI4-Lite master ----
    if (lAwValid_ && t->s_axil_awready) lAwValid_ = false;
    if (lWValid_ && t->s_axil_wready) lWValid_ = false;
    if (lArValid_ && t->s_axil_arready) lArValid_ = false;
    if (t->s_axil_bvalid) {
        if (lWritePending_ && !lAwValid_ && !lWValid_) {
            lWritePending_ = false;
            lWriteDone_ = true;
            lResp_ = t->s_axil_bresp;
        } else if (lLateWrites_ > 0) {
            --lLateWrites_;
        } else {
            protocolError("s_axil_bvalid with no write outstanding");
        }
    }
    if (t->s_axil_rvalid) {
        if (lReadPending_ && !lArValid_) {
            lReadPending_ = false;
            lReadDone_ = true;
            lResp_ = t->s_axil_rresp;
            lRData_ = t->s_axil_rdata;
        } else if (lLateReads_ > 0) {
            --lLateReads_;
        } else {
            protocolError("s_axil_rvalid with no read outstanding");
        }
    }

    // ---- MAC TX ----
    const bool tready = t->m_axis_tx_tready;
    if (!tready && txIdle_ > 0) --txIdle_;
    if (t->m_axis_tx_tvalid) {
        if (tready) {
            if (!txInFrame_) {
                txInFrame_ = true;
                txFrameCycle_ = cyc;
                txCur_.clear();
            }
            const bool tlast = t->m_axis_tx_tlast;
            const uint8_t keep = t->m_axis_tx_tkeep;
            const uint64_t data = t->m_axis_tx_tdata;
            if (keep != 0xFF && (!tlast || keep == 0 || (keep & (keep + 1)) != 0))
                protocolError("m_axis_tx_tkeep=" + hex(keep) + (tlast ? " on tlast" : " before tlast") +
                              " (must be 0xff, or contiguous from bit 0 on tlast)");
            if (txCur_.size() < kMaxTxFrameBytes) {
                uint8_t bytes[8];
                std::memcpy(bytes, &data, 8);
                if (keep == 0xFF) {
                    txCur_.insert(txCur_.end(), bytes, bytes + 8);
                } else {
                    for (unsigned lane = 0; lane < 8; ++lane)
                        if (keep & (1u << lane)) txCur_.push_back(bytes[lane]);
                }
                if (txCur_.size() >= kMaxTxFrameBytes)
                    protocolError("m_axis_tx frame longer than " + std::to_string(kMaxTxFrameBytes) +
                                  " bytes without tlast (truncated)");
            }
            if (tlast) {
                if (t->m_axis_tx_tuser) {
                    ++counters_.txAborted;
                } else {
                    txDone_.push_back(WireFrame{std::move(txCur_), txFrameCycle_});
                    txCur_ = std::vector<uint8_t>();
                    txCur_.reserve(2048);
                }
                txInFrame_ = false;
                txIdle_ = kTxIdleCycles;
            }
            txStalled_ = false;
        } else {
            txStalled_ = true;
        }
    } else if (txStalled_) {
        protocolError("m_axis_tx_tvalid dropped before tready");
        txStalled_ = false;
    }

    advanceRx();
}

void NicHarness::advanceRx() {
    Vnic_top* const t = top_.get();
    const uint64_t cyc = cycle_;
    if (rxDriving_) {
        // The MAC cannot wait: a beat offered while tready is low is lost (reset or not).
        if (!t->s_axis_rx_tready) ++counters_.rxOverruns;
        const RxFrame& f = rxQueue_.front();
        rxOffset_ += std::min<size_t>(8, f.data.size() - rxOffset_);
        if (rxOffset_ >= f.data.size()) {
            rxQueue_.pop_front();
            rxOffset_ = 0;
            rxNextAllowed_ = cyc + 1 + kWireGapCycles;
        }
    }
}

void NicHarness::commitWrite(const WriteBurst& w) {
    for (unsigned i = 0; i < w.beat; ++i) {
        const uint64_t beatAddr = (w.addr & ~kBeatMask) + uint64_t{kBeatBytes} * i;
        const uint32_t strb = wStageStrb_[i];
        const uint8_t* data = wStageData_[i];
        // Checked when the beat arrived; re-checked only because JS may have resized memory since.
        if (strb && !rangeInMemory(beatAddr + __builtin_ctz(strb), 32u - __builtin_clz(strb) - __builtin_ctz(strb)))
            continue;
        if (strb == kStrbAll) {
            std::memcpy(mem_ + (beatAddr - memBase_), data, kBeatBytes);
        } else {
            for (unsigned lane = 0; lane < kBeatBytes; ++lane)
                if (strb & (1u << lane)) mem_[beatAddr + lane - memBase_] = data[lane];
        }
    }
}

template <bool kTrace>
inline void NicHarness::tick() {
    Vnic_top* const t = top_.get();
    driveInputs();
    t->clk = 0;
    ctx_->time(2 * cycle_);
    t->eval();
    if (kTrace) tfp_->dump(2 * cycle_);
    sampleAndAdvance();
    t->clk = 1;
    ctx_->time(2 * cycle_ + 1);
    t->eval();
    if (kTrace) tfp_->dump(2 * cycle_ + 1);
    ++cycle_;
}

template <bool kTrace>
uint64_t NicHarness::runLoop(uint64_t maxCycles, bool stopOnIrq) {
    uint64_t n = 0;
    if (stopOnIrq) {
        while (n < maxCycles) {
            tick<kTrace>();
            ++n;
            if (irqThisCycle_) break;
        }
    } else {
        while (n < maxCycles) {
            tick<kTrace>();
            ++n;
        }
    }
    return n;
}

uint64_t NicHarness::runCycles(uint64_t n, bool stopOnIrq) {
    checkUsable();
    // Verilator's runtime ($finish, $error, time) goes through the thread's current context;
    // several models share the Node thread.
    Verilated::threadContextp(ctx_.get());
    irqThisCycle_ = false;
    try {
        return tfp_ ? runLoop<true>(n, stopOnIrq) : runLoop<false>(n, stopOnIrq);
    } catch (const RtlStopped& e) {
        fail(e.what());
    }
}

uint64_t NicHarness::run(uint64_t maxCycles, bool stopOnIrq) { return runCycles(maxCycles, stopOnIrq); }

// ---------------------------------------------------------------------------------------------
// Reset

void NicHarness::flushInFlight() {
    reads_.clear();
    writes_.clear();
    bresps_.clear();
    arStalled_ = awStalled_ = wStalled_ = txStalled_ = false;
    lAwValid_ = lWValid_ = lArValid_ = false;
    lReadPending_ = lWritePending_ = lReadDone_ = lWriteDone_ = false;
    lLateReads_ = lLateWrites_ = 0;  // the RTL forgets them in reset
    txInFrame_ = false;
    txCur_.clear();
    txIdle_ = 0;
    // RX is not flushed: a frame already started is driven to its end through the reset (the NIC
    // discards its tail), frames not yet started wait for the reset to end.
    rxDriving_ = false;
}

void NicHarness::reset(uint64_t cycles) {
    checkUsable();
    flushInFlight();
    inReset_ = true;
    try {
        runCycles(cycles, false);
    } catch (...) {
        inReset_ = false;
        throw;
    }
    inReset_ = false;
    flushInFlight();
}

// ---------------------------------------------------------------------------------------------
// AXI4-Lite master

template <typename Done>
void NicHarness::mmioWait(Done done) {
    for (unsigned i = 0; i < kMmioTimeoutCycles; ++i) {
        runCycles(1, false);
        if (done()) return;
    }
}

uint32_t NicHarness::mmioRead(uint32_t addr) {
    checkUsable();
    lArAddr_ = addr;
    lArValid_ = true;
    lReadPending_ = true;
    lReadDone_ = false;
    mmioWait([this] { return lReadDone_; });
    if (!lReadDone_) {
        const bool accepted = !lArValid_;
        lArValid_ = false;  // withdraw an unaccepted request (a violation, but the only way out)
        lReadPending_ = false;
        if (accepted) ++lLateReads_;  // the response may still come: drop it quietly
        throw MmioError("mmioRead(" + hex(addr) + "): no response within " + std::to_string(kMmioTimeoutCycles) +
                            " cycles (" + (accepted ? "address accepted, no R" : "s_axil_arready never high") +
                            "); the register block may be wedged: reset() the model",
                        -1);
    }
    if (lResp_ != kRespOkay)
        throw MmioError("mmioRead(" + hex(addr) + "): " + respName(lResp_) + " response", lResp_);
    return lRData_;
}

void NicHarness::mmioWrite(uint32_t addr, uint32_t value) {
    checkUsable();
    lAwAddr_ = addr;
    lWData_ = value;
    lAwValid_ = lWValid_ = true;
    lWritePending_ = true;
    lWriteDone_ = false;
    mmioWait([this] { return lWriteDone_; });
    if (!lWriteDone_) {
        const bool accepted = !lAwValid_ && !lWValid_;
        const std::string why = lAwValid_ && lWValid_ ? "s_axil_awready/wready never high"
                                : lAwValid_           ? "s_axil_awready never high (data accepted)"
                                : lWValid_            ? "s_axil_wready never high (address accepted)"
                                                      : "address and data accepted, no B";
        lAwValid_ = lWValid_ = false;
        lWritePending_ = false;
        if (accepted) ++lLateWrites_;
        throw MmioError("mmioWrite(" + hex(addr) + ", " + hex(value) + "): no response within " +
                            std::to_string(kMmioTimeoutCycles) + " cycles (" + why +
                            "); the register block may be wedged: reset() the model",
                        -1);
    }
    if (lResp_ != kRespOkay)
        throw MmioError("mmioWrite(" + hex(addr) + ", " + hex(value) + "): " + respName(lResp_) + " response",
                        lResp_);
}

// ---------------------------------------------------------------------------------------------
// DMA mappings

void NicHarness::rebuildDmaUnion() {
    dmaUnion_.clear();
    uint64_t curStart = 0, curEnd = 0;
    bool have = false;
    for (const auto& [addr, len] : dmaRegions_) {  // sorted by start
        const uint64_t end = addr + len;
        if (have && addr <= curEnd) {
            curEnd = std::max(curEnd, end);
        } else {
            if (have) dmaUnion_.emplace(curStart, curEnd);
            curStart = addr;
            curEnd = end;
            have = true;
        }
    }
    if (have) dmaUnion_.emplace(curStart, curEnd);
}

void NicHarness::mapDma(uint64_t addr, uint64_t length) {
    if (length == 0) throw HarnessRangeError("mapDma: length must be > 0");
    if (!rangeInMemory(addr, length))
        throw HarnessRangeError("mapDma(" + hex(addr) + ", " + std::to_string(length) +
                                "): region is outside the model's memory [" + hex(memBase_) + ", " +
                                hex(memBase_ + memLen_) + ")");
    dmaRegions_.emplace(addr, length);
    rebuildDmaUnion();
}

void NicHarness::unmapDma(uint64_t addr, uint64_t length) {
    auto range = dmaRegions_.equal_range(addr);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == length) {
            dmaRegions_.erase(it);
            rebuildDmaUnion();
            return;
        }
    }
    throw HarnessRangeError("unmapDma(" + hex(addr) + ", " + std::to_string(length) +
                            "): no region was mapped with exactly this address and length (" +
                            std::to_string(dmaRegions_.size()) + " regions mapped)");
}

// ---------------------------------------------------------------------------------------------
// Wire

std::vector<WireFrame> NicHarness::takeTxFrames() {
    std::vector<WireFrame> out;
    out.swap(txDone_);
    return out;
}

void NicHarness::pushRxFrame(const uint8_t* data, size_t length, uint64_t cycle) {
    if (length == 0) throw HarnessRangeError("pushRxFrame: an empty frame cannot be sent");
    rxQueue_.push_back(RxFrame{std::vector<uint8_t>(data, data + length), cycle});
}

// ---------------------------------------------------------------------------------------------
// Tracing

void NicHarness::traceStart(const std::string& path) {
    checkUsable();
    if (tfp_) throw std::runtime_error("traceStart: a trace is already open; call traceStop() first");
    // VerilatedFstC does not report an unopenable path usefully: probe it first.
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("traceStart: cannot create '" + path + "': " + std::strerror(errno));
    std::fclose(f);
    auto tfp = std::make_unique<VerilatedFstC>();
    Verilated::threadContextp(ctx_.get());
    top_->trace(tfp.get(), 99);
    tfp->open(path.c_str());
    tfp_ = std::move(tfp);
}

void NicHarness::traceStop() {
    if (!tfp_) return;
    tfp_->close();
    tfp_.reset();
}

}  // namespace flue
