// NicHarness: nic_top under Verilator with cycle-level models of everything around it
// (host memory as an AXI4 slave, an AXI4-Lite master for registers, the 10G MAC on both
// wire directions, interrupt latches). No Node.js types here: addon.cpp adapts it to N-API,
// and a plain C++ test could drive it directly.
//
// Clocking convention (used by every model, and by the `cycle` numbers in the API):
//   cycle N = the clock period that ends with rising edge number N+1 (counted from 0).
//   tick(): drive the harness outputs for cycle N from model state, eval with clk=0 (the DUT's
//   combinational outputs settle against those inputs), sample handshakes (valid && ready as
//   seen just before the edge) and advance the models, then eval with clk=1; cycle_ = N+1.
//   A beat that "happens in cycle N" is one whose handshake completes at that rising edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

class VerilatedContext;
class VerilatedFstC;
class Vnic_top;

namespace flue {

// Thrown by the vl_fatal/vl_stop/vl_finish overrides (see harness.cpp) instead of letting
// Verilator abort() or exit() the Node process. The model is unusable afterwards.
struct RtlStopped : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A bad argument detected by the harness itself (the addon maps it to a RangeError).
struct HarnessRangeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// An AXI4-Lite access that failed: non-OKAY response or no response in time.
struct MmioError : std::runtime_error {
    MmioError(const std::string& msg, int resp_) : std::runtime_error(msg), resp(resp_) {}
    int resp;  // AXI response code, or -1 for a timeout
};

struct HarnessCounters {
    uint64_t axiReads = 0;        // AXI read bursts accepted (AR handshakes)
    uint64_t axiWrites = 0;       // AXI write bursts accepted (AW handshakes)
    uint64_t axiErrors = 0;       // bursts answered SLVERR (unmapped/outside memory/illegal)
    uint64_t rxOverruns = 0;      // RX beats driven while s_axis_rx_tready was low (beat lost)
    uint64_t txAborted = 0;       // TX frames ended with tuser=1 (not delivered)
    uint64_t protocolErrors = 0;  // interface rule violations by the RTL
    std::string firstProtocolError;
    std::string firstAxiError;    // "cycle N: read|write of B beats at 0x..." of the first SLVERR
};

struct WireFrame {
    std::vector<uint8_t> data;
    uint64_t cycle;  // cycle of the first beat
};

class NicHarness {
public:
    static constexpr unsigned kDefaultReadLatency = 16;
    static constexpr unsigned kMaxBeatBytes = 32;  // widest DMA beat the harness supports
    static constexpr unsigned kMmioTimeoutCycles = 1000;
    static constexpr unsigned kTxIdleCycles = 3;  // preamble+SFD+IFG+FCS ~ 24 bytes at 8 B/cycle

    // memory/length: host memory the AXI slave serves in place; memoryBase: host address of
    // byte 0. The caller keeps the memory alive and calls rebindMemory() if it may have moved.
    NicHarness(uint8_t* memory, size_t length, uint64_t memoryBase, unsigned readLatency);
    ~NicHarness();
    NicHarness(const NicHarness&) = delete;
    NicHarness& operator=(const NicHarness&) = delete;

    void rebindMemory(uint8_t* memory, size_t length) { mem_ = memory; memLen_ = length; }
    uint64_t memoryBase() const { return memBase_; }
    size_t memoryLength() const { return memLen_; }

    void reset(uint64_t cycles);
    uint64_t run(uint64_t maxCycles, bool stopOnIrq);
    uint64_t cycle() const { return cycle_; }

    uint32_t mmioRead(uint32_t addr);
    void mmioWrite(uint32_t addr, uint32_t value);

    uint32_t takeIrqs() { uint32_t p = irqPending_; irqPending_ = 0; return p; }
    const std::vector<uint64_t>& irqCounts() const { return irqCounts_; }

    void mapDma(uint64_t addr, uint64_t length);
    void unmapDma(uint64_t addr, uint64_t length);

    std::vector<WireFrame> takeTxFrames();
    void pushRxFrame(const uint8_t* data, size_t length, uint64_t cycle);
    size_t rxQueued() const { return rxQueue_.size(); }

    const HarnessCounters& counters() const { return counters_; }

    void traceStart(const std::string& path);
    void traceStop();
    bool tracing() const { return tfp_ != nullptr; }

    // Set once the RTL hit $stop/$fatal/$finish or Verilator reported a fatal error.
    bool failed() const { return !failure_.empty(); }
    const std::string& failure() const { return failure_; }

private:
    // ---- host memory: AXI4 slave ----
    struct ReadBurst {
        uint64_t addr;     // address of beat 0 (may be unaligned)
        uint64_t readyAt;  // first cycle R may be valid
        uint32_t id;
        uint16_t beats;    // arlen+1
        uint16_t beat;     // next beat to present
        bool ok;           // false: every beat SLVERR, no data
    };
    struct WriteBurst {
        uint64_t addr;
        uint32_t id;
        uint16_t beats;
        uint16_t beat;
        bool ok;           // legal burst whose strobed bytes so far are all mapped and in memory
        bool wlastError;   // recorded a wlast mismatch: the B is SLVERR
    };
    // W data of the burst at writes_.front(), held until its last beat: only then is it known
    // whether every strobed byte may be written, and a failing burst must write nothing. Beats
    // are DMA_DATA_WIDTH/8 bytes (nic_top's parameter, read from the verilated model).
    uint8_t wStageData_[256][kMaxBeatBytes];
    uint32_t wStageStrb_[256];
    struct BResp {
        uint64_t readyAt;
        uint32_t id;
        uint8_t resp;
    };
    // Fixed-capacity FIFO: the hot loop never allocates.
    template <typename T, size_t N>
    struct Ring {
        T items[N];
        size_t head = 0, count = 0;
        bool empty() const { return count == 0; }
        bool full() const { return count == N; }
        T& front() { return items[head]; }
        void push(const T& v) { items[(head + count) % N] = v; ++count; }
        void pop() { head = (head + 1) % N; --count; }
        void clear() { head = count = 0; }
    };
    static constexpr size_t kMaxReads = 32;   // outstanding AR bursts
    static constexpr size_t kMaxWrites = 8;   // accepted AW bursts waiting for data
    static constexpr size_t kMaxBResps = 16;  // completed bursts waiting for B

    // ---- wire RX ----
    struct RxFrame {
        std::vector<uint8_t> data;
        uint64_t cycle;  // earliest start cycle
    };

    template <bool kTrace> void tick();
    template <bool kTrace> uint64_t runLoop(uint64_t maxCycles, bool stopOnIrq);
    uint64_t runCycles(uint64_t n, bool stopOnIrq);
    template <typename Done> void mmioWait(Done done);

    void driveInputs();
    void driveRx();
    void sampleAndAdvance();
    void advanceRx();
    void flushInFlight();
    void protocolError(const std::string& msg);
    void axiError(const char* what, uint64_t addr, unsigned beats);
    void checkUsable() const;
    [[noreturn]] void fail(const std::string& why);

    bool burstLegal(uint64_t addr, unsigned beats, unsigned size, unsigned burst, bool isWrite);
    bool rangeAccessible(uint64_t addr, uint64_t len) const { return rangeInMemory(addr, len) && rangeMapped(addr, len); }
    void commitWrite(const WriteBurst& w);
    bool rangeInMemory(uint64_t addr, uint64_t len) const;
    bool rangeMapped(uint64_t addr, uint64_t len) const;
    void rebuildDmaUnion();

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vnic_top> top_;
    std::unique_ptr<VerilatedFstC> tfp_;
    uint64_t cycle_ = 0;
    bool inReset_ = false;
    std::string failure_;

    uint8_t* mem_;
    size_t memLen_;
    uint64_t memBase_;
    unsigned readLatency_;

    // DMA mappings: every region as mapped (a multiset: unmap must name one exactly), and their
    // union as disjoint [start, end) intervals for the per-burst check.
    std::multimap<uint64_t, uint64_t> dmaRegions_;  // addr -> length
    std::map<uint64_t, uint64_t> dmaUnion_;         // start -> end

    Ring<ReadBurst, kMaxReads> reads_;
    Ring<WriteBurst, kMaxWrites> writes_;
    Ring<BResp, kMaxBResps> bresps_;
    // Previous-cycle stall state, for "valid must stay up and payload stable until ready".
    bool arStalled_ = false, awStalled_ = false, wStalled_ = false, txStalled_ = false;
    uint64_t arPrevAddr_ = 0, awPrevAddr_ = 0;
    uint32_t arPrevLen_ = 0, awPrevLen_ = 0;

    // ---- AXI4-Lite master ----
    bool lAwValid_ = false, lWValid_ = false, lArValid_ = false;
    uint32_t lAwAddr_ = 0, lWData_ = 0, lArAddr_ = 0;
    bool lReadPending_ = false, lWritePending_ = false;  // request issued, response not yet seen
    bool lReadDone_ = false, lWriteDone_ = false;
    uint32_t lRData_ = 0;
    uint8_t lResp_ = 0;
    uint32_t lLateReads_ = 0, lLateWrites_ = 0;  // responses still owed to accesses that timed out

    // ---- wire TX (MAC) ----
    unsigned txIdle_ = 0;  // cycles of tready=0 left after a tlast
    bool txInFrame_ = false;
    uint64_t txFrameCycle_ = 0;
    std::vector<uint8_t> txCur_;
    std::vector<WireFrame> txDone_;

    // ---- wire RX (MAC) ----
    std::deque<RxFrame> rxQueue_;
    size_t rxOffset_ = 0;        // bytes of rxQueue_.front() already driven
    uint64_t rxNextAllowed_ = 0; // first cycle a new frame may start (gap after the last one)
    bool rxDriving_ = false;     // s_axis_rx_tvalid this cycle

    // ---- interrupts ----
    uint32_t irqPending_ = 0;
    std::vector<uint64_t> irqCounts_;
    bool irqThisCycle_ = false;

    HarnessCounters counters_;
};

}  // namespace flue
