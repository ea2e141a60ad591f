import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why reading from or writing to a connection stopped.
enum TransportError: Error, Equatable {
    /// The deadline passed first.
    case timedOut
    /// The peer closed the connection (or reset it).
    case closed
    /// Another system error, by its errno.
    case system(Int32)
}

/// When a read or write must be over by; nil waits for ever.
struct Deadline {
    let end: ContinuousClock.Instant?

    init(after duration: Duration?) {
        end = duration.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// Milliseconds left for poll(2): -1 for no deadline, 0 when it has passed.
    var pollTimeout: Int32 {
        guard let end else { return -1 }
        let left = ContinuousClock.now.duration(to: end)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }
}

/// Waits until `fd` is ready for `events`, or the deadline passes.
func wait(_ fd: Int32, for events: Int16, until deadline: Deadline) throws(TransportError) {
    while true {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let ready = poll(&entry, 1, deadline.pollTimeout)
        if ready > 0 { return }
        if ready == 0 { throw .timedOut }
        if errno != EINTR { throw .system(errno) }
    }
}

/// A connection's bytes, each read waiting no later than the deadline.
struct SocketSource: ByteSource {
    let fd: Int32
    /// When reading must be done by; a server moves it on once a request's header is in.
    var deadline: Deadline

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            try wait(fd, for: Int16(POLLIN), until: deadline)
            guard let base = buffer.baseAddress else { return }
            let count = read(fd, base + offset, buffer.count - offset)
            if count > 0 {
                offset += count
            } else if count == 0 {
                throw TransportError.closed
            } else if errno == ECONNRESET {
                throw TransportError.closed
            } else if errno != EINTR && errno != EAGAIN {
                throw TransportError.system(errno)
            }
        }
    }
}

/// Writes every byte of `data`, never raising SIGPIPE, waiting no later than the deadline.
func send(_ data: Data, to fd: Int32, until deadline: Deadline) throws(TransportError) {
    var offset = 0
    while offset < data.count {
        let sent = data.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return csocket_send(fd, base + offset, buffer.count - offset, 1)
        }
        if sent > 0 {
            offset += sent
        } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
            try wait(fd, for: Int16(POLLOUT), until: deadline)
        } else if sent < 0 && errno == EINTR {
            continue
        } else if sent < 0 && (errno == EPIPE || errno == ECONNRESET) {
            throw .closed
        } else {
            throw .system(sent < 0 ? errno : EIO)
        }
    }
}

/// The text of an errno value.
func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }
