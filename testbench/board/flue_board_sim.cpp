// flue-board-sim: flue_board_core (nic_top behind the UART bridge, hdl/board/) under Verilator,
// standing in for a real board. Its UART is a pseudo-terminal the host opens like a USB-UART
// adapter's /dev/ttyUSBn; its Ethernet port is an optional Unix socket. See README.md.
//
// Clock loop: each cycle drives uart_rxd and the RX wire from the host side's models, evaluates
// with clk low, samples uart_txd, the TX wire and the interrupts, then evaluates with clk high.
// Every few hundred cycles (about one byte time) it does its I/O: reads the pty and the socket,
// writes what the board sent, checks signals, the cycle limit and the progress timer.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/prctl.h>

#include "Vflue_board_core.h"
#include "host_io.hpp"
#include "uart_line.hpp"
#include "verilated.h"
#include "verilated_fst_c.h"

using namespace flue_board;

// ---------------------------------------------------------------------------------------------
// $finish, $stop and Verilator's fatal errors end the run through main's cleanup (the symlink
// and the socket are removed) instead of exit()/abort() (verilated.cpp is compiled with
// VL_USER_FINISH/STOP/FATAL, see build.mk).
namespace {
struct RtlStopped : std::runtime_error {
    using std::runtime_error::runtime_error;
};
std::string vlWhere(const char* filename, int linenum) {
    if (!filename || !filename[0]) return std::string();
    return std::string(" at ") + filename + ":" + std::to_string(linenum);
}
}  // namespace
void vl_finish(const char* filename, int linenum, const char* /*hier*/) VL_MT_UNSAFE {
    throw RtlStopped("RTL executed $finish" + vlWhere(filename, linenum));
}
void vl_stop(const char* filename, int linenum, const char* /*hier*/) VL_MT_UNSAFE {
    throw RtlStopped("RTL executed $stop" + vlWhere(filename, linenum));
}
void vl_fatal(const char* filename, int linenum, const char* /*hier*/, const char* msg) VL_MT_UNSAFE {
    throw RtlStopped(std::string("Verilator fatal error") + vlWhere(filename, linenum) + ": " + (msg ? msg : "(no message)"));
}

namespace {

const char* const kProg = "flue-board-sim";

volatile std::sig_atomic_t gStop = 0;
extern "C" void onSignal(int sig) { gStop = sig; }

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
    uint64_t clockHz = 156250000;
    uint64_t baud = 3000000;
    std::string pty;
    std::string eth;
    std::string fst;
    double flipRate = 0.0;
    double dropRate = 0.0;
    uint64_t seed = 1;
    uint64_t maxCycles = 0;  // 0: no limit
    bool quiet = false;
};

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* const kUsage =
    "usage: flue-board-sim [options]\n"
    "  --clock-hz N          core clock, Hz (reporting and baud conversion only; default 156250000, the model's CLK_HZ)\n"
    "  --baud N              UART rate (default 3000000); bit_cycles = round(clock/baud), at least 8\n"
    "  --pty PATH            symlink PATH -> the pseudo-terminal's slave (/dev/pts/N); removed at exit\n"
    "  --eth PATH            Unix stream socket server for the NIC's Ethernet port (records: u32 LE\n"
    "                        length, u64 LE cycle, frame bytes)\n"
    "  --flip-bit-rate R     invert each UART data bit, both directions, with probability R\n"
    "  --drop-byte-rate R    drop each UART byte, both directions, with probability R\n"
    "  --seed N              seed of the impairments' PRNG (default 1)\n"
    "  --fst PATH            write an FST waveform of the whole run (slow)\n"
    "  --max-cycles N        stop after N cycles (default: run until SIGINT/SIGTERM)\n"
    "  --quiet               no progress or connection messages on stderr\n";

uint64_t parseU64(const std::string& opt, const std::string& v) {
    if (v.empty() || v[0] == '-' || v[0] == '+') throw UsageError(opt + ": expected a non-negative integer, got '" + v + "'");
    errno = 0;
    char* end = nullptr;
    const unsigned long long x = std::strtoull(v.c_str(), &end, 0);
    if (errno || !end || *end) throw UsageError(opt + ": expected a non-negative integer, got '" + v + "'");
    return x;
}

double parseRate(const std::string& opt, const std::string& v) {
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || errno || !end || *end || !(x >= 0.0 && x <= 1.0))
        throw UsageError(opt + ": expected a probability from 0 to 1, got '" + v + "'");
    return x;
}

Options parseOptions(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (a == "--quiet") {
            o.quiet = true;
            continue;
        }
        static const char* const kValued[] = {"--clock-hz", "--baud", "--pty", "--eth", "--fst", "--flip-bit-rate",
                                              "--drop-byte-rate", "--seed", "--max-cycles"};
        const std::string name = a.substr(0, a.find('='));
        if (std::none_of(std::begin(kValued), std::end(kValued), [&](const char* k) { return name == k; }))
            throw UsageError("unknown option " + a);
        std::string v;
        const size_t eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
            v = a.substr(eq + 1);
            a = a.substr(0, eq);
        } else {
            if (i + 1 >= argc) throw UsageError(a + ": needs a value");
            v = argv[++i];
        }
        if (a == "--clock-hz") o.clockHz = parseU64(a, v);
        else if (a == "--baud") o.baud = parseU64(a, v);
        else if (a == "--pty") o.pty = v;
        else if (a == "--eth") o.eth = v;
        else if (a == "--fst") o.fst = v;
        else if (a == "--flip-bit-rate") o.flipRate = parseRate(a, v);
        else if (a == "--drop-byte-rate") o.dropRate = parseRate(a, v);
        else if (a == "--seed") o.seed = parseU64(a, v);
        else if (a == "--max-cycles") o.maxCycles = parseU64(a, v);
        else throw UsageError("unknown option " + a);
        if (v.empty()) throw UsageError(a + ": empty value");
    }
    if (o.clockHz == 0) throw UsageError("--clock-hz must be positive");
    if (o.baud == 0) throw UsageError("--baud must be positive");
    return o;
}

// ---------------------------------------------------------------------------------------------
// The board

constexpr unsigned kResetCycles = 8;
constexpr unsigned kEthGapCycles = 3;  // idle cycles between RX frames, at least
constexpr size_t kMaxTxFrame = 1u << 20;  // runaway guard: a TX "frame" without tlast
constexpr size_t kPtyReadRoom = 4096;  // host->board bytes queued for the line, at most
constexpr double kProgressSeconds = 5.0;

struct Counters {
    uint64_t ethRxOverruns = 0;  // RX beats driven while s_axis_rx_tready was low (lost)
    uint64_t ethTxAborted = 0;   // TX frames ended with tuser (not delivered)
    uint64_t ethTxFrames = 0;    // TX frames from the NIC (delivered or dropped)
    uint64_t ethRxFrames = 0;    // RX frames driven into the NIC
    uint64_t irqs = 0;           // interrupt pulses, all vectors
};

class Board {
public:
    Board(const Options& o, unsigned bitCycles)
        : opt_(o),
          bitCycles_(bitCycles),
          log_([q = o.quiet](const std::string& m) {
              if (!q) std::fprintf(stderr, "%s: %s\n", kProg, m.c_str());
          }),
          driver_(bitCycles, LineImpairment{o.flipRate, o.dropRate}, o.seed * 2 + 0x5eed0001ull),
          sampler_(bitCycles, LineImpairment{o.flipRate, o.dropRate}, o.seed * 2 + 0x5eed0002ull, PtySink{this}) {
        periodPs_ = std::max<uint64_t>(2, (1000000000000ull + o.clockHz / 2) / o.clockHz);
        ioEvery_ = std::min<uint64_t>(std::max<uint64_t>(uint64_t{bitCycles} * 10, 64), 4096);
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->traceEverOn(!o.fst.empty());
        top_ = std::make_unique<Vflue_board_core>(ctx_.get(), "board");
        txFrame_.reserve(2048);
        pty_ = std::make_unique<PtyPort>(o.pty, log_);
        if (!o.eth.empty()) eth_ = std::make_unique<EthSocket>(o.eth, log_);
        if (!o.fst.empty()) {
            tfp_ = std::make_unique<VerilatedFstC>();
            top_->trace(tfp_.get(), 99);
            tfp_->open(o.fst.c_str());
            if (!tfp_->isOpen()) throw std::runtime_error("--fst " + o.fst + ": cannot open");
        }
    }

    ~Board() {
        try {
            if (tfp_) tfp_->close();
            if (!stopped_) top_->final();
        } catch (...) {
        }
        cleanup();
    }

    // The RTL stopped ($finish, $stop, a fatal error): the model must not run again.
    void markStopped() { stopped_ = true; }

    void cleanup() {
        if (pty_) pty_->removeSymlink();
        if (eth_) eth_->close();
    }

    const std::string& slavePath() const { return pty_->slavePath(); }

    void reset() {
        Vflue_board_core* t = top_.get();
        t->uart_bit_cycles = static_cast<uint16_t>(bitCycles_);
        t->uart_rxd = 1;
        t->m_axis_tx_tready = 1;
        t->s_axis_rx_tvalid = 0;
        t->s_axis_rx_tdata = 0;
        t->s_axis_rx_tkeep = 0;
        t->s_axis_rx_tlast = 0;
        t->s_axis_rx_tuser = 0;
        t->rst = 1;
        for (unsigned i = 0; i < kResetCycles; ++i) clockEdges(tfp_ != nullptr);
        t->rst = 0;
        clockEdges(tfp_ != nullptr);
        wall0_ = lastProgressWall_ = std::chrono::steady_clock::now();
        lastProgressCycle_ = cycle_;
    }

    // Runs until a signal or the cycle limit. Returns the signal number (0: the limit).
    int run() {
        for (;;) {
            uint64_t n = ioEvery_;
            if (opt_.maxCycles) {
                if (cycle_ >= opt_.maxCycles) return 0;
                n = std::min<uint64_t>(n, opt_.maxCycles - cycle_);
            }
            if (tfp_) runCycles<true>(n);
            else runCycles<false>(n);
            io();
            if (gStop) return gStop;
        }
    }

    // "key=value ..." of every counter
    std::string counters() const {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
        const LineImpairment& h = driver_.impairment();
        const LineImpairment& b = sampler_.impairment();
        char buf[1024];
        std::snprintf(buf, sizeof buf,
                      "cycles=%llu sim_seconds=%.6f wall_seconds=%.1f cycles_per_sec=%.0f "
                      "h2b_bytes=%llu b2h_bytes=%llu h2b_flipped_bits=%llu b2h_flipped_bits=%llu "
                      "h2b_dropped_bytes=%llu b2h_dropped_bytes=%llu b2h_framing_errors=%llu "
                      "b2h_lost_no_host=%llu b2h_lost_host_slow=%llu host_opens=%llu "
                      "eth_rx_frames=%llu eth_tx_frames=%llu eth_tx_dropped=%llu eth_tx_aborted=%llu "
                      "eth_rx_overruns=%llu eth_clients_dropped=%llu irqs=%llu link_lost=%d protocol_error=%d",
                      ull(cycle_), static_cast<double>(cycle_) / static_cast<double>(opt_.clockHz), secs,
                      secs > 0 ? static_cast<double>(cycle_) / secs : 0.0, ull(driver_.bytesSent()),
                      ull(sampler_.bytesReceived()), ull(h.flippedBits), ull(b.flippedBits), ull(h.droppedBytes),
                      ull(b.droppedBytes), ull(sampler_.framingErrors()), ull(pty_->lostNoHost),
                      ull(pty_->lostHostSlow), ull(pty_->hostConnects), ull(ctr_.ethRxFrames), ull(ctr_.ethTxFrames),
                      ull(eth_ ? eth_->txDroppedNoClient + eth_->txDroppedSlow : ctr_.ethTxFrames - ctr_.ethTxAborted),
                      ull(ctr_.ethTxAborted), ull(ctr_.ethRxOverruns), ull(eth_ ? eth_->clientsDropped : 0),
                      ull(ctr_.irqs), top_->link_lost ? 1 : 0, top_->protocol_error ? 1 : 0);
        return buf;
    }

    uint64_t cycle() const { return cycle_; }

private:
    static unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

    struct PtySink {
        Board* b;
        void operator()(uint8_t byte) const { b->pty_->send(byte); }
    };

    void clockEdges(bool trace) {
        Vflue_board_core* t = top_.get();
        t->clk = 0;
        ctx_->time(cycle_ * periodPs_);
        t->eval();
        if (trace) tfp_->dump(cycle_ * periodPs_);
        t->clk = 1;
        ctx_->time(cycle_ * periodPs_ + periodPs_ / 2);
        t->eval();
        if (trace) tfp_->dump(cycle_ * periodPs_ + periodPs_ / 2);
        ++cycle_;
    }

    // The hot loop.
    template <bool kTrace>
    void runCycles(uint64_t n) {
        Vflue_board_core* const t = top_.get();
        const uint64_t end = cycle_ + n;
        while (cycle_ < end) {
            // ---- drive: UART line into the board, RX wire ----
            if (cycle_ >= driver_.nextEvent()) driver_.step(cycle_);
            t->uart_rxd = driver_.level();
            if (rxActive_ || (!rxQueue_.empty() && cycle_ >= rxNextAllowed_)) driveRxBeat();
            else if (rxDriven_) idleRx();

            t->clk = 0;
            if (kTrace) ctx_->time(cycle_ * periodPs_);
            t->eval();
            if (kTrace) tfp_->dump(cycle_ * periodPs_);

            // ---- sample: UART line out of the board, TX wire, RX handshake, interrupts ----
            sampler_.sample(t->uart_txd, cycle_);
            if (t->m_axis_tx_tvalid) takeTxBeat();
            if (rxDriven_) {
                if (!t->s_axis_rx_tready) ++ctr_.ethRxOverruns;
                if (t->s_axis_rx_tlast) {
                    rxActive_ = false;
                    rxOffset_ = 0;
                    rxQueue_.pop_front();
                    ++ctr_.ethRxFrames;
                    rxNextAllowed_ = cycle_ + 1 + kEthGapCycles;
                }
            }
            if (t->irq) ctr_.irqs += static_cast<uint64_t>(__builtin_popcount(t->irq));

            t->clk = 1;
            if (kTrace) ctx_->time(cycle_ * periodPs_ + periodPs_ / 2);
            t->eval();
            if (kTrace) tfp_->dump(cycle_ * periodPs_ + periodPs_ / 2);
            ++cycle_;
        }
    }

    void driveRxBeat() {
        Vflue_board_core* const t = top_.get();
        const std::vector<uint8_t>& f = rxQueue_.front();
        const size_t n = std::min<size_t>(8, f.size() - rxOffset_);
        uint64_t data = 0;
        std::memcpy(&data, f.data() + rxOffset_, n);
        t->s_axis_rx_tdata = data;
        t->s_axis_rx_tkeep = static_cast<uint8_t>((1u << n) - 1);
        t->s_axis_rx_tlast = rxOffset_ + n == f.size();
        t->s_axis_rx_tvalid = 1;
        t->s_axis_rx_tuser = 0;
        rxOffset_ += n;
        rxActive_ = true;
        rxDriven_ = true;
    }

    void idleRx() {
        Vflue_board_core* const t = top_.get();
        t->s_axis_rx_tvalid = 0;
        t->s_axis_rx_tlast = 0;
        t->s_axis_rx_tkeep = 0;
        t->s_axis_rx_tdata = 0;
        rxDriven_ = false;
    }

    void takeTxBeat() {
        Vflue_board_core* const t = top_.get();
        if (txFrame_.empty()) txFrameCycle_ = cycle_;
        const uint64_t data = t->m_axis_tx_tdata;
        const unsigned keep = t->m_axis_tx_tkeep;
        if (txFrame_.size() < kMaxTxFrame) {
            for (unsigned i = 0; i < 8; ++i)
                if (keep & (1u << i)) txFrame_.push_back(static_cast<uint8_t>(data >> (8 * i)));
        }
        if (!t->m_axis_tx_tlast) return;
        ++ctr_.ethTxFrames;
        if (t->m_axis_tx_tuser) ++ctr_.ethTxAborted;
        else if (eth_) eth_->send(txFrame_.data(), txFrame_.size(), txFrameCycle_);
        txFrame_.clear();
    }

    void io() {
        // host -> board
        if (driver_.queued() < kPtyReadRoom) {
            ptyIn_.clear();
            const size_t n = pty_->read(ptyIn_, kPtyReadRoom - driver_.queued());
            if (n) driver_.push(ptyIn_.data(), n, cycle_);
        } else {
            ptyIn_.clear();
            pty_->read(ptyIn_, 0);  // presence only
        }
        // board -> host
        pty_->flush();
        if (eth_) eth_->poll(rxQueue_);

        // latched error outputs, reported once each
        if (top_->link_lost && !sawLinkLost_) {
            sawLinkLost_ = true;
            log_("link_lost is set (cycle " + std::to_string(cycle_) + ")");
        }
        if (top_->protocol_error && !sawProtocolError_) {
            sawProtocolError_ = true;
            log_("protocol_error is set (cycle " + std::to_string(cycle_) + ")");
        }

        if (!opt_.quiet && ++ioCount_ % 16 == 0) {
            const auto now = std::chrono::steady_clock::now();
            const double dt = std::chrono::duration<double>(now - lastProgressWall_).count();
            if (dt >= kProgressSeconds) {
                std::fprintf(stderr, "%s progress %s now_cycles_per_sec=%.0f\n", kProg, counters().c_str(),
                             static_cast<double>(cycle_ - lastProgressCycle_) / dt);
                lastProgressWall_ = now;
                lastProgressCycle_ = cycle_;
            }
        }
    }

    const Options& opt_;
    unsigned bitCycles_;
    Logger log_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vflue_board_core> top_;
    std::unique_ptr<VerilatedFstC> tfp_;
    std::unique_ptr<PtyPort> pty_;
    std::unique_ptr<EthSocket> eth_;
    uint64_t cycle_ = 0;
    uint64_t periodPs_ = 10000;
    uint64_t ioEvery_ = 256;
    uint64_t ioCount_ = 0;

    UartDriver driver_;
    UartSampler<PtySink> sampler_;
    std::vector<uint8_t> ptyIn_;

    // Ethernet RX (into the NIC)
    std::deque<std::vector<uint8_t>> rxQueue_;
    size_t rxOffset_ = 0;
    bool rxActive_ = false;   // in the middle of the front frame
    bool rxDriven_ = false;   // s_axis_rx_tvalid is high this cycle
    uint64_t rxNextAllowed_ = 0;
    // Ethernet TX (from the NIC)
    std::vector<uint8_t> txFrame_;
    uint64_t txFrameCycle_ = 0;

    Counters ctr_;
    bool stopped_ = false;
    bool sawLinkLost_ = false, sawProtocolError_ = false;
    std::chrono::steady_clock::time_point wall0_, lastProgressWall_;
    uint64_t lastProgressCycle_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    try {
        opt = parseOptions(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: %s (--help lists the options)\n", kProg, e.what());
        return 1;
    }
    const uint64_t bitCycles = (opt.clockHz + opt.baud / 2) / opt.baud;
    if (bitCycles < 8 || bitCycles > 65535) {
        std::fprintf(stderr,
                     "%s: --baud %llu at --clock-hz %llu gives %llu clock cycles per bit; the UART needs 8 to 65535 "
                     "(the highest baud at this clock is %llu)\n",
                     kProg, static_cast<unsigned long long>(opt.baud), static_cast<unsigned long long>(opt.clockHz),
                     static_cast<unsigned long long>(bitCycles), static_cast<unsigned long long>(opt.clockHz / 8));
        return 1;
    }

    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    // a board that outlives the host that started it (a test runner killed) would spin at
    // 100% CPU forever: stop with the parent as with a SIGTERM
    prctl(PR_SET_PDEATHSIG, SIGTERM);

    std::unique_ptr<Board> board;
    try {
        board = std::make_unique<Board>(opt, static_cast<unsigned>(bitCycles));
        board->reset();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", kProg, e.what());
        return 1;
    }
    std::printf("%s ready pty=%s clock=%llu baud=%llu bit_cycles=%llu\n", kProg, board->slavePath().c_str(),
                static_cast<unsigned long long>(opt.clockHz), static_cast<unsigned long long>(opt.baud),
                static_cast<unsigned long long>(bitCycles));
    std::fflush(stdout);

    int rc = 0;
    try {
        const int sig = board->run();
        if (!opt.quiet && sig) std::fprintf(stderr, "%s: %s, stopping\n", kProg, strsignal(sig));
    } catch (const RtlStopped& e) {
        board->markStopped();
        std::fprintf(stderr, "%s: cycle %llu: %s\n", kProg, static_cast<unsigned long long>(board->cycle()), e.what());
        rc = 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: cycle %llu: %s\n", kProg, static_cast<unsigned long long>(board->cycle()), e.what());
        rc = 2;
    }
    board->cleanup();
    std::fprintf(stderr, "%s summary %s\n", kProg, board->counters().c_str());
    return rc;
}
