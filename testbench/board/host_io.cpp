// PtyPort and EthSocket: see host_io.hpp.
#include "host_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

namespace flue_board {

namespace {
std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

void putLe(std::vector<uint8_t>& v, uint64_t x, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
uint64_t getLe(const uint8_t* p, unsigned bytes) {
    uint64_t x = 0;
    for (unsigned i = 0; i < bytes; ++i) x |= uint64_t{p[i]} << (8 * i);
    return x;
}
constexpr size_t kRecordHeader = 12;  // u32 length, u64 cycle
}  // namespace

// ---------------------------------------------------------------------------------------------
// PtyPort

PtyPort::PtyPort(const std::string& symlink, Logger log) : log_(std::move(log)) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (master_ < 0) throw std::runtime_error(errnoText("posix_openpt"));
    if (grantpt(master_) != 0) throw std::runtime_error(errnoText("grantpt"));
    if (unlockpt(master_) != 0) throw std::runtime_error(errnoText("unlockpt"));
    const char* name = ptsname(master_);
    if (!name) throw std::runtime_error(errnoText("ptsname"));
    slave_ = name;

    // Raw, 8 bits, no echo, no flow control (the settings live with the pty, so a host that
    // opens the slave without configuring it still gets a clean byte pipe).
    struct termios t;
    if (tcgetattr(master_, &t) != 0) throw std::runtime_error(errnoText("tcgetattr"));
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS);
    t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(master_, TCSANOW, &t) != 0) throw std::runtime_error(errnoText("tcsetattr"));

    // A master whose slave has never been opened reads EAGAIN, as if a host were there and
    // quiet. Opening and closing the slave once puts it in the no-host state (EIO) until a host
    // really opens it.
    int s = open(slave_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s >= 0) ::close(s);

    if (!symlink.empty()) {
        struct stat st;
        if (lstat(symlink.c_str(), &st) == 0) {
            if (!S_ISLNK(st.st_mode))
                throw std::runtime_error("--pty " + symlink + ": exists and is not a symlink; not replacing it");
            if (unlink(symlink.c_str()) != 0) throw std::runtime_error(errnoText("--pty: removing the old symlink " + symlink));
        }
        if (::symlink(slave_.c_str(), symlink.c_str()) != 0) throw std::runtime_error(errnoText("--pty: symlink " + symlink));
        symlink_ = symlink;
    }
}

PtyPort::~PtyPort() {
    removeSymlink();
    if (master_ >= 0) ::close(master_);
}

void PtyPort::removeSymlink() {
    if (symlink_.empty()) return;
    // only if it still points at our slave (another run may have taken the name since)
    char buf[4096];
    const ssize_t n = readlink(symlink_.c_str(), buf, sizeof buf - 1);
    if (n >= 0 && std::string(buf, static_cast<size_t>(n)) == slave_) unlink(symlink_.c_str());
    symlink_.clear();
}

size_t PtyPort::read(std::vector<uint8_t>& out, size_t room) {
    // POLLHUP: no process has the slave open (reads would fail with EIO)
    struct pollfd p = {master_, POLLIN, 0};
    if (::poll(&p, 1, 0) < 0) return 0;  // EINTR: next time
    const bool was = hostPresent_;
    hostPresent_ = !(p.revents & POLLHUP);
    size_t total = 0;
    if (p.revents & POLLIN) {
        uint8_t buf[4096];
        while (total < room) {
            const ssize_t n = ::read(master_, buf, std::min(sizeof buf, room - total));
            if (n > 0) {
                out.insert(out.end(), buf, buf + n);
                total += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            break;  // EAGAIN: all read; EIO: the host has gone (POLLHUP says so next time)
        }
    }
    if (hostPresent_ != was) {
        if (hostPresent_) {
            ++hostConnects;
            log_("host opened " + slave_);
        } else {
            // what the board sent since the host left would greet the next host: discard it
            tcflush(master_, TCOFLUSH);
            lostNoHost += pending_.size();
            pending_.clear();
            log_("host closed " + slave_ + " (the board keeps running)");
        }
    }
    return total;
}

void PtyPort::send(uint8_t byte) {
    if (!hostPresent_) {
        ++lostNoHost;
        return;
    }
    if (pending_.size() >= kMaxPending) {
        ++lostHostSlow;
        return;
    }
    pending_.push_back(byte);
}

void PtyPort::flush() {
    if (pending_.empty() || !hostPresent_) return;
    const ssize_t n = ::write(master_, pending_.data(), pending_.size());
    if (n > 0) {
        written += static_cast<uint64_t>(n);
        pending_.erase(pending_.begin(), pending_.begin() + n);
    }
    // EAGAIN: the host is not reading; EIO: it left (the next read() notices)
}

// ---------------------------------------------------------------------------------------------
// EthSocket

EthSocket::EthSocket(const std::string& path, Logger log) : path_(path), log_(std::move(log)) {
    struct sockaddr_un addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path)
        throw std::runtime_error("--eth " + path + ": a socket path must be 1.." + std::to_string(sizeof addr.sun_path - 1) + " bytes");
    std::memcpy(addr.sun_path, path.c_str(), path.size());

    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) throw std::runtime_error("--eth " + path + ": exists and is not a socket; not replacing it");
        // a stale socket from an earlier run, unless something still listens on it
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool live = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        if (probe >= 0) ::close(probe);
        if (live) throw std::runtime_error("--eth " + path + ": another process is listening there");
        if (unlink(path.c_str()) != 0) throw std::runtime_error(errnoText("--eth: removing the stale socket " + path));
    }
    listen_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_ < 0) throw std::runtime_error(errnoText("--eth: socket"));
    if (bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error(errnoText("--eth: bind " + path));
    if (::listen(listen_, 4) != 0) throw std::runtime_error(errnoText("--eth: listen " + path));
    if (stat(path.c_str(), &st) == 0) {
        ino_ = st.st_ino;
        dev_ = st.st_dev;
    }
    in_.reserve(1 << 16);
}

EthSocket::~EthSocket() { close(); }

void EthSocket::close() {
    if (client_ >= 0) ::close(client_);
    client_ = -1;
    if (listen_ >= 0) {
        ::close(listen_);
        listen_ = -1;
        struct stat st;
        if (stat(path_.c_str(), &st) == 0 && st.st_ino == ino_ && st.st_dev == dev_) unlink(path_.c_str());
    }
}

void EthSocket::dropClient(const std::string& why) {
    log_("eth client dropped: " + why);
    ++clientsDropped;
    ::close(client_);
    client_ = -1;
    in_.clear();
    out_.clear();
    outHead_ = 0;
}

void EthSocket::poll(std::deque<std::vector<uint8_t>>& rxFrames) {
    if (listen_ < 0) return;
    for (;;) {
        const int fd = accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        if (client_ >= 0) {
            log_("eth: a second client refused (one at a time)");
            ::close(fd);
            continue;
        }
        client_ = fd;
        ++clients;
        in_.clear();
        out_.clear();
        outHead_ = 0;
        log_("eth client connected");
    }
    if (client_ < 0) return;

    // read while the wire has room for more frames
    while (client_ >= 0 && rxFrames.size() < kMaxRxQueued) {
        // parse whole records first
        size_t pos = 0;
        while (in_.size() - pos >= kRecordHeader && rxFrames.size() < kMaxRxQueued) {
            const uint32_t len = static_cast<uint32_t>(getLe(&in_[pos], 4));
            if (len == 0 || len > kMaxFrame) {
                dropClient("bad record: frame length " + std::to_string(len) + " (1.." + std::to_string(kMaxFrame) + ")");
                return;
            }
            if (in_.size() - pos < kRecordHeader + len) break;
            // the record's cycle is not used: a frame goes on the wire at once
            rxFrames.emplace_back(in_.begin() + static_cast<std::ptrdiff_t>(pos + kRecordHeader),
                                  in_.begin() + static_cast<std::ptrdiff_t>(pos + kRecordHeader + len));
            ++rxReceived;
            pos += kRecordHeader + len;
        }
        if (pos) in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(pos));
        if (rxFrames.size() >= kMaxRxQueued) break;
        uint8_t buf[65536];
        const ssize_t n = recv(client_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            in_.insert(in_.end(), buf, buf + n);
            continue;
        }
        if (n == 0) {
            if (!in_.empty()) log_("eth client left in the middle of a record (" + std::to_string(in_.size()) + " bytes dropped)");
            else log_("eth client disconnected");
            ::close(client_);
            client_ = -1;
            in_.clear();
            out_.clear();
            outHead_ = 0;
            return;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            dropClient(errnoText("read"));
            return;
        }
        break;
    }
    flush();
}

void EthSocket::send(const uint8_t* data, size_t n, uint64_t cycle) {
    if (client_ < 0) {
        ++txDroppedNoClient;
        return;
    }
    if (out_.size() - outHead_ + kRecordHeader + n > kMaxTxPending) {
        ++txDroppedSlow;
        return;
    }
    putLe(out_, n, 4);
    putLe(out_, cycle, 8);
    out_.insert(out_.end(), data, data + n);
    ++txSent;
}

void EthSocket::flush() {
    while (client_ >= 0 && outHead_ < out_.size()) {
        const ssize_t n = ::send(client_, out_.data() + outHead_, out_.size() - outHead_, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            outHead_ += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        dropClient(errnoText("write"));
        return;
    }
    if (outHead_ == out_.size()) {
        out_.clear();
        outHead_ = 0;
    } else if (outHead_ > (1u << 20)) {
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(outHead_));
        outHead_ = 0;
    }
}

}  // namespace flue_board
