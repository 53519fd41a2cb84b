// The simulated board's two connections to the outside: the pseudo-terminal that stands for its
// USB-UART cable, and the Unix socket that stands for its Ethernet port. All non-blocking: the
// clock loop calls poll() every few hundred cycles and never waits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace flue_board {

// Messages for stderr (unless --quiet): "host connected", "eth client dropped: ...".
using Logger = std::function<void(const std::string&)>;

// A pseudo-terminal in raw mode; the host opens its slave (through the symlink, if any). The
// board keeps running with no host: while the slave is closed the master reads EIO, the bytes
// the board sends are dropped (as on an unplugged cable), and nothing stale is left for the
// next host.
class PtyPort {
public:
    // symlink: "" for none. Throws std::runtime_error.
    PtyPort(const std::string& symlink, Logger log);
    ~PtyPort();
    PtyPort(const PtyPort&) = delete;
    PtyPort& operator=(const PtyPort&) = delete;

    const std::string& slavePath() const { return slave_; }
    bool hostPresent() const { return hostPresent_; }

    // Reads what the host wrote, at most `room` bytes, into `out`; notices the host coming and
    // going. Returns bytes read.
    size_t read(std::vector<uint8_t>& out, size_t room);
    // Queues bytes for the host: dropped at once when no host is there, or when the host has
    // not read kMaxPending bytes.
    void send(uint8_t byte);
    // Writes what is queued (as much as the pty takes).
    void flush();
    void removeSymlink();

    uint64_t hostConnects = 0;
    uint64_t lostNoHost = 0;    // board->host bytes dropped: no host had the pty open
    uint64_t lostHostSlow = 0;  // board->host bytes dropped: the host was not reading
    uint64_t written = 0;       // board->host bytes handed to the pty

    static constexpr size_t kMaxPending = 65536;

private:
    int master_ = -1;
    std::string slave_;
    std::string symlink_;
    bool hostPresent_ = false;
    std::vector<uint8_t> pending_;
    Logger log_;
};

// An Ethernet frame for or from the NIC, with the cycle of its first beat.
struct EthFrame {
    std::vector<uint8_t> data;
    uint64_t cycle;
};

// A Unix stream socket server with at most one client. Records both ways:
// u32 LE length, u64 LE cycle, `length` frame bytes (no preamble, no FCS).
class EthSocket {
public:
    static constexpr uint32_t kMaxFrame = 16384;          // a longer record is bad
    static constexpr size_t kMaxRxQueued = 256;           // frames waiting for the wire: stop reading beyond
    static constexpr size_t kMaxTxPending = 16u << 20;    // bytes the client has not read: drop frames beyond

    EthSocket(const std::string& path, Logger log);  // throws std::runtime_error
    ~EthSocket();
    EthSocket(const EthSocket&) = delete;
    EthSocket& operator=(const EthSocket&) = delete;

    // Accepts, reads records into rxFrames (as long as it holds fewer than kMaxRxQueued),
    // writes what is pending. `now` stamps nothing (frames are driven at once).
    void poll(std::deque<std::vector<uint8_t>>& rxFrames);
    // A frame the NIC sent: to the client, or dropped and counted with none.
    void send(const uint8_t* data, size_t n, uint64_t cycle);
    void close();  // closes the client and the server, removes the socket file

    bool clientConnected() const { return client_ >= 0; }
    uint64_t clients = 0;
    uint64_t clientsDropped = 0;    // for a bad record or a write error
    uint64_t txDroppedNoClient = 0; // frames from the NIC dropped: no client
    uint64_t txDroppedSlow = 0;     // frames from the NIC dropped: the client was not reading
    uint64_t txSent = 0;            // frames from the NIC queued to the client
    uint64_t rxReceived = 0;        // frames from the client

private:
    void dropClient(const std::string& why);
    void flush();

    std::string path_;
    int listen_ = -1;
    int client_ = -1;
    uint64_t ino_ = 0, dev_ = 0;  // the socket file we created (removed only if still ours)
    std::vector<uint8_t> in_;
    std::vector<uint8_t> out_;
    size_t outHead_ = 0;
    Logger log_;
};

}  // namespace flue_board
