// flue_tap: the file descriptor of a Linux TAP device, for tests where the kernel's own TCP/IP
// stack is the peer of the emulated NIC. Four functions (declared for TypeScript in tap.ts):
//   open(name) -> fd      /dev/net/tun, TUNSETIFF IFF_TAP|IFF_NO_PI, non-blocking, close-on-exec
//   read(fd, buf) -> n    one read(): one Ethernet frame, 0 when none is waiting
//   write(fd, frame) -> b one write() of one frame, false when the kernel queue is full
//   close(fd)
// Every argument is checked here, so a wrong call from JS is a TypeError/RangeError with a
// message that says what was wrong, never undefined behaviour. Only descriptors this module
// opened are accepted: read/write/close on any other number is refused (a stray close(1) from a
// test must not close the process's stdout).
#include <napi.h>

#include "type_name.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

namespace {

constexpr size_t kMinFrame = 14;      // an Ethernet header; the kernel refuses less (EINVAL)
constexpr size_t kMaxFrame = 65535;   // the largest frame a TAP accepts in one write

// Descriptors opened by open() and not yet closed, with their interface names (for messages).
// Descriptors are per process, not per JS realm, so this is process-wide (worker threads may
// load the addon too), hence the mutex.
std::mutex gMutex;
std::map<int, std::string> gOpen;

std::string errnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char* n = strerrorname_np(err)) return n;
#endif
    switch (err) {
        case EPERM: return "EPERM";
        case ENOENT: return "ENOENT";
        case EINTR: return "EINTR";
        case EIO: return "EIO";
        case ENXIO: return "ENXIO";
        case EBADF: return "EBADF";
        case EAGAIN: return "EAGAIN";
        case ENOMEM: return "ENOMEM";
        case EACCES: return "EACCES";
        case EFAULT: return "EFAULT";
        case EBUSY: return "EBUSY";
        case EEXIST: return "EEXIST";
        case ENODEV: return "ENODEV";
        case EINVAL: return "EINVAL";
        case ENFILE: return "ENFILE";
        case EMFILE: return "EMFILE";
        case EBADFD: return "EBADFD";
        case ENOBUFS: return "ENOBUFS";
        case EMSGSIZE: return "EMSGSIZE";
        default: return "errno " + std::to_string(err);
    }
}

using flue::typeName;

// An Error whose message is `what (ENAME): hint`, with `code` = "ENAME" and `syscall` set, so
// callers may branch on err.code like on Node's own system errors.
Napi::Error sysError(Napi::Env env, int err, const std::string& syscall, const std::string& what,
                     const std::string& hint) {
    const std::string name = errnoName(err);
    std::string msg = what + " (" + name + "): " + (hint.empty() ? std::string(strerror(err)) : hint);
    Napi::Error e = Napi::Error::New(env, msg);
    e.Value().Set("code", Napi::String::New(env, name));
    e.Value().Set("syscall", Napi::String::New(env, syscall));
    return e;
}

void needArgs(const Napi::CallbackInfo& info, size_t n, const char* signature) {
    if (info.Length() < n)
        throw Napi::TypeError::New(info.Env(), std::string("flue_tap.") + signature + ": expected " + std::to_string(n) +
                                                   " argument(s), got " + std::to_string(info.Length()));
}

// The fd argument: an integer this module opened and has not closed. Returns its interface name.
std::pair<int, std::string> openFd(const Napi::CallbackInfo& info, const char* fn) {
    Napi::Env env = info.Env();
    const Napi::Value v = info[0];
    if (!v.IsNumber())
        throw Napi::TypeError::New(env, std::string("flue_tap.") + fn + ": fd must be a number (got " + typeName(v) + ")");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > INT_MAX)
        throw Napi::RangeError::New(env, std::string("flue_tap.") + fn + ": fd must be an integer in [0, " +
                                             std::to_string(INT_MAX) + "] (got " + v.ToString().Utf8Value() + ")");
    const int fd = static_cast<int>(d);
    std::lock_guard<std::mutex> lock(gMutex);
    auto it = gOpen.find(fd);
    if (it == gOpen.end())
        throw Napi::RangeError::New(env, std::string("flue_tap.") + fn + ": fd " + std::to_string(fd) +
                                             " was not opened by flue_tap.open or is already closed");
    return {fd, it->second};
}

// A Uint8Array argument (any offset into its ArrayBuffer), as pointer + length.
std::pair<uint8_t*, size_t> bytes(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
    Napi::Env env = info.Env();
    const Napi::Value v = info[i];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw Napi::TypeError::New(env, std::string("flue_tap.") + fn + ": " + what + " must be a Uint8Array (got " +
                                            typeName(v) + ")");
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();
    return {a.Data(), a.ElementLength()};
}

Napi::Value Open(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    needArgs(info, 1, "open(name)");
    if (!info[0].IsString())
        throw Napi::TypeError::New(env, "flue_tap.open: name must be a string (got " + typeName(info[0]) + ")");
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    if (name.empty()) throw Napi::RangeError::New(env, "flue_tap.open: the interface name is empty");
    if (name.size() > IFNAMSIZ - 1)
        throw Napi::RangeError::New(env, "flue_tap.open: interface name '" + name + "' is " + std::to_string(name.size()) +
                                             " bytes; Linux allows at most " + std::to_string(IFNAMSIZ - 1) +
                                             " (IFNAMSIZ-1): pick a shorter name");
    if (name == "." || name == "..")
        throw Napi::RangeError::New(env, "flue_tap.open: '" + name + "' is not a valid interface name");
    for (unsigned char c : name) {
        // the kernel refuses '/', ':' and whitespace; '%' would make the name a pattern
        // ("tap%d") and the device would get another name than the one asked for.
        if (c == '/' || c == ':' || c == '%' || c <= ' ' || c == 0x7f)
            throw Napi::RangeError::New(env, "flue_tap.open: interface name '" + name +
                                                 "' contains a character Linux does not allow in interface names "
                                                 "(or '%'); use letters, digits, '-', '_' or '.'");
    }

    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        std::string hint;
        switch (err) {
            case ENOENT:
                hint = "the tun module is missing; run `modprobe tun` (if it is built in, create the node: "
                       "`mkdir -p /dev/net && mknod /dev/net/tun c 10 200`)";
                break;
            case ENODEV:
            case ENXIO: hint = "the kernel has no TUN/TAP driver loaded; run `modprobe tun`"; break;
            case EACCES:
            case EPERM:
                hint = "permission denied; run as root (or with CAP_NET_ADMIN and access to /dev/net/tun)";
                break;
            case EMFILE:
            case ENFILE: hint = "too many open files; close some descriptors (TAP devices included)"; break;
            default: break;
        }
        throw sysError(env, err, "open", "cannot open /dev/net/tun", hint);
    }

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, name.data(), name.size());  // size <= IFNAMSIZ-1: stays NUL-terminated
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        const int err = errno;
        ::close(fd);
        std::string hint;
        switch (err) {
            case EPERM:
            case EACCES: hint = "creating a TAP device needs root or CAP_NET_ADMIN"; break;
            case EBUSY:
                hint = "an interface named " + name + " exists and is already attached to a file descriptor; "
                       "pick another name, or remove the leftover with `ip link del " + name + "`";
                break;
            case EINVAL:
                hint = "an interface named " + name + " exists and is not a TAP device of this kind "
                       "(see `ip -d link show " + name + "`); pick another name";
                break;
            case ENOMEM:
            case ENOBUFS: hint = "the kernel is out of memory"; break;
            default: break;
        }
        throw sysError(env, err, "ioctl", "TUNSETIFF " + name, hint);
    }
    {
        std::lock_guard<std::mutex> lock(gMutex);
        gOpen[fd] = name;
    }
    return Napi::Number::New(env, fd);
}

Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    needArgs(info, 2, "read(fd, buf)");
    const auto [fd, name] = openFd(info, "read");
    const auto [data, len] = bytes(info, 1, "read", "buf");
    if (len == 0)
        throw Napi::RangeError::New(env, "flue_tap.read: buf is empty (or its ArrayBuffer was detached); pass a "
                                         "buffer as large as the largest frame (64 KiB is always enough)");
    for (;;) {
        const ssize_t n = ::read(fd, data, len);
        if (n >= 0) return Napi::Number::New(env, static_cast<double>(n));
        const int err = errno;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) return Napi::Number::New(env, 0);
        std::string hint;
        if (err == EBADFD)
            hint = "the TAP device " + name + " no longer exists (was its network namespace deleted?); close this fd";
        throw sysError(env, err, "read", "read from TAP " + name, hint);
    }
}

Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    needArgs(info, 2, "write(fd, frame)");
    const auto [fd, name] = openFd(info, "write");
    const auto [data, len] = bytes(info, 1, "write", "frame");
    if (len < kMinFrame || len > kMaxFrame)
        throw Napi::RangeError::New(env, "flue_tap.write: a frame must be " + std::to_string(kMinFrame) + " to " +
                                             std::to_string(kMaxFrame) + " bytes (an Ethernet header and up to 64 KiB; "
                                             "no FCS), got " + std::to_string(len));
    for (;;) {
        const ssize_t n = ::write(fd, data, len);
        if (n >= 0) {
            if (static_cast<size_t>(n) != len)
                throw Napi::Error::New(env, "write to TAP " + name + ": short write (" + std::to_string(n) + " of " +
                                                std::to_string(len) + " bytes)");
            return Napi::Boolean::New(env, true);
        }
        const int err = errno;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) return Napi::Boolean::New(env, false);
        std::string hint;
        switch (err) {
            case EIO: hint = "the interface " + name + " is down; bring it up (`ip link set " + name + " up`)"; break;
            case EINVAL: hint = "the kernel refused the frame as malformed"; break;
            case EBADFD:
                hint = "the TAP device " + name + " no longer exists (was its network namespace deleted?); close this fd";
                break;
            default: break;
        }
        throw sysError(env, err, "write", "write to TAP " + name, hint);
    }
}

void Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    needArgs(info, 1, "close(fd)");
    const auto [fd, name] = openFd(info, "close");
    {
        std::lock_guard<std::mutex> lock(gMutex);
        gOpen.erase(fd);
    }
    // On Linux the descriptor is released even when close() reports EINTR: never retry.
    if (::close(fd) < 0 && errno != EINTR) {
        const int err = errno;
        throw sysError(env, err, "close", "close TAP " + name, "");
    }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("open", Napi::Function::New<Open>(env, "open"));
    exports.Set("read", Napi::Function::New<Read>(env, "read"));
    exports.Set("write", Napi::Function::New<Write>(env, "write"));
    exports.Set("close", Napi::Function::New<Close>(env, "close"));
    return exports;
}

}  // namespace

NODE_API_MODULE(flue_tap, Init)
