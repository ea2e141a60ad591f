import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output and error written with checked `write(2)` loops (SPEC §5): a closed,
/// full or broken stream is an error the command reports (exit 74), never a crash
/// (`FileHandle.write` traps on EPIPE and ENOSPC) nor a death by SIGPIPE.
public enum StandardStream {
    /// Why a stream could not be written.
    public struct Failure: Error, CustomStringConvertible {
        /// The stream: "standard output" or "standard error".
        let stream: String
        let code: Int32
        public var description: String { "cannot write to \(stream): \(String(cString: strerror(code)))" }
    }

    /// Writes all of `text` to standard output.
    public static func output(_ text: String) throws { try write(text, to: STDOUT_FILENO, stream: "standard output") }

    /// Writes all of `text` to standard error.
    public static func error(_ text: String) throws { try write(text, to: STDERR_FILENO, stream: "standard error") }

    static func write(_ text: String, to descriptor: Int32, stream: String) throws {
        var text = text
        let code: Int32 = text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        // A non-blocking stream that is full: wait until it drains.
                        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&waiting, 1, -1)
                        continue
                    }
                    return errno
                }
                offset += count
            }
            return 0
        }
        if code != 0 { throw Failure(stream: stream, code: code) }
    }

    /// Makes the process safe to write from, once, before anything else: SIGPIPE and
    /// SIGXFSZ ignored (a broken pipe or a file-size limit becomes an error from `write`),
    /// and a closed standard stream's descriptor taken by a read-only `/dev/null`, so no
    /// file this program opens can take its number (writes to it then fail with EBADF).
    ///
    /// - Returns: whether standard output was closed when the process started.
    static func prepare() -> Bool {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        var outputWasClosed = false
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            if descriptor == STDOUT_FILENO { outputWasClosed = true }
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
        return outputWasClosed
    }
}
