// The host's end of the board's UART, cycle by cycle: a transmitter that shifts queued bytes
// into the board's uart_rxd, a receiver that samples the board's uart_txd, and the line
// impairments (flipped data bits, dropped bytes) between them and the host. Pure logic, no
// system calls: flue_board_sim.cpp calls step() only in the cycles these ask for, so the clock
// loop stays cheap.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>

namespace flue_board {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// splitmix64: small, fast, deterministic for a seed; one per direction, so what happens to one
// direction does not depend on how the traffic of the two interleaves.
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next() {
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // true with probability p (0: never, draws nothing; 1: always)
    bool chance(double p) {
        if (p <= 0.0) return false;
        if (p >= 1.0) return true;
        return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
    }

private:
    uint64_t s_;
};

// What the line did to the bytes of one direction.
struct LineImpairment {
    double flipRate = 0.0;  // per data bit
    double dropRate = 0.0;  // per byte
    uint64_t flippedBits = 0;
    uint64_t droppedBytes = 0;

    // true: the byte is lost; otherwise *byte may have data bits inverted
    bool apply(Rng& rng, uint8_t* byte) {
        if (rng.chance(dropRate)) {
            ++droppedBytes;
            return true;
        }
        if (flipRate > 0.0) {
            for (unsigned b = 0; b < 8; ++b) {
                if (rng.chance(flipRate)) {
                    *byte ^= static_cast<uint8_t>(1u << b);
                    ++flippedBits;
                }
            }
        }
        return false;
    }
};

// Host -> board: 8N1, LSB first, idle high, bitCycles cycles per bit, frames back to back while
// bytes are queued. level() is what uart_rxd carries in the current cycle; step(cycle) must be
// called when cycle reaches nextEvent().
class UartDriver {
public:
    UartDriver(unsigned bitCycles, LineImpairment imp, uint64_t seed) : bit_(bitCycles), imp_(imp), rng_(seed) {}

    bool level() const { return level_; }
    uint64_t nextEvent() const { return next_; }
    bool idle() const { return !active_ && queue_.empty(); }
    size_t queued() const { return queue_.size(); }
    const LineImpairment& impairment() const { return imp_; }
    uint64_t bytesSent() const { return sent_; }

    // Queue bytes; the first starts in `cycle` if the line is idle.
    void push(const uint8_t* data, size_t n, uint64_t cycle) {
        queue_.insert(queue_.end(), data, data + n);
        if (!active_ && next_ == kNever) next_ = cycle;
    }

    // Called in cycle `cycle` == nextEvent(): the next bit begins (or the line goes idle).
    void step(uint64_t cycle) {
        if (active_ && bitIndex_ < 9) {
            // bits 1..8 data, 9 stop; frame_ holds them from bit 1 on, LSB first
            ++bitIndex_;
            level_ = (frame_ >> (bitIndex_ - 1)) & 1u;
            next_ = cycle + bit_;
            return;
        }
        // a stop bit ended (or the line was idle): the next byte, if any
        active_ = false;
        level_ = true;
        next_ = kNever;
        while (!queue_.empty()) {
            uint8_t byte = queue_.front();
            queue_.pop_front();
            if (imp_.apply(rng_, &byte)) continue;
            frame_ = static_cast<uint16_t>(byte | 0x100u);  // data, then the stop bit
            bitIndex_ = 0;
            level_ = false;  // start bit
            active_ = true;
            next_ = cycle + bit_;
            ++sent_;
            break;
        }
    }

private:
    unsigned bit_;
    LineImpairment imp_;
    Rng rng_;
    std::deque<uint8_t> queue_;
    bool active_ = false;
    bool level_ = true;
    unsigned bitIndex_ = 0;  // 0: start bit
    uint16_t frame_ = 0;
    uint64_t next_ = kNever;
    uint64_t sent_ = 0;
};

// Board -> host: samples uart_txd once per cycle (sample()), as a UART receiver: a falling edge
// starts a frame, each bit is read at its middle, a low stop bit is a framing error (the byte
// is still delivered, and the receiver waits for the line to go high before the next start
// bit). Bytes that survive the impairment go to the sink.
template <typename Sink>
class UartSampler {
public:
    UartSampler(unsigned bitCycles, LineImpairment imp, uint64_t seed, Sink sink)
        : bit_(bitCycles), imp_(imp), rng_(seed), sink_(sink) {}

    const LineImpairment& impairment() const { return imp_; }
    uint64_t bytesReceived() const { return received_; }
    uint64_t framingErrors() const { return framingErrors_; }

    // The line's level in cycle `cycle` (called every cycle, in order).
    inline void sample(bool txd, uint64_t cycle) {
        if (state_ == kIdle) {
            if (!txd && last_) {
                state_ = kFrame;
                bitIndex_ = 0;
                next_ = cycle + bit_ / 2;
            }
            last_ = txd;
            return;
        }
        last_ = txd;
        if (state_ == kWaitHigh) {
            if (txd) state_ = kIdle;
            return;
        }
        if (cycle != next_) return;
        next_ = cycle + bit_;
        if (bitIndex_ == 0) {
            // middle of the start bit: a glitch if the line is already high again
            if (txd) state_ = kIdle;
            else bitIndex_ = 1;
            return;
        }
        if (bitIndex_ <= 8) {
            shift_ = static_cast<uint8_t>((shift_ >> 1) | (txd ? 0x80u : 0u));
            ++bitIndex_;
            return;
        }
        // stop bit
        ++received_;
        if (!txd) ++framingErrors_;
        state_ = txd ? kIdle : kWaitHigh;
        uint8_t byte = shift_;
        if (!imp_.apply(rng_, &byte)) sink_(byte);
    }

private:
    enum State { kIdle, kFrame, kWaitHigh };
    unsigned bit_;
    LineImpairment imp_;
    Rng rng_;
    Sink sink_;
    State state_ = kIdle;
    bool last_ = true;
    unsigned bitIndex_ = 0;
    uint8_t shift_ = 0;
    uint64_t next_ = 0;
    uint64_t received_ = 0;
    uint64_t framingErrors_ = 0;
};

}  // namespace flue_board
