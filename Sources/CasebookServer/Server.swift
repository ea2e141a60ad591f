import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A server on a Unix-domain socket: one request and one response per connection, each
/// connection on its own thread, the caller identified by the kernel's peer credentials.
///
/// The handler may be called from several threads at once (up to
/// ``ServerConfiguration/maxConnections``); whatever it shares must be safe for that (SQLite
/// serialises writers to one database file, and Casebook retries a conflicting append).
///
/// Memory: at most ``ServerConfiguration/memoryBudget`` bytes of request bodies, plus each
/// handler's response while it is sent (responses are bounded by
/// ``WireLimits/maxResponseBytes``; a larger one is replaced by an error).
public final class Server: @unchecked Sendable {
    public typealias Handler = @Sendable (Request, Peer) -> Response
    /// Answers one SCGI request (SCGI mode: see ``init(configuration:scgi:)``).
    public typealias SCGIHandler = @Sendable (SCGIRequest, Peer) -> SCGIResponse

    public let configuration: ServerConfiguration
    let handler: Handler
    let scgiHandler: SCGIHandler?
    let listener: Int32
    let stopReader: Int32
    let stopWriter: Int32
    let socketDevice: UInt64
    let socketInode: UInt64
    let inFlight = DispatchGroup()
    let lock = NSLock()
    var active = 0
    var activeByPeer: [uid_t: Int] = [:]
    var reserved: UInt64 = 0
    var reservedByPeer: [uid_t: UInt64] = [:]
    var state = State.ready

    enum State { case ready, running, finished }

    /// Creates the socket and listens on it (so a client can connect as soon as this
    /// returns); ``run()`` then serves.
    public convenience init(configuration: ServerConfiguration, handler: @escaping Handler) throws(ServerError) {
        try self.init(configuration: configuration, handler: handler, scgi: nil)
    }

    /// A server speaking SCGI (for a web server in front) rather than Casebook's wire
    /// protocol, with the same socket, peer credentials, bounds and per-peer limits.
    public convenience init(configuration: ServerConfiguration, scgi: @escaping SCGIHandler) throws(ServerError) {
        try self.init(configuration: configuration, handler: { _, _ in .error(70, "not served") }, scgi: scgi)
    }

    private init(configuration: ServerConfiguration, handler: @escaping Handler, scgi: SCGIHandler?) throws(ServerError) {
        self.configuration = configuration
        self.handler = handler
        self.scgiHandler = scgi
        let path = configuration.socketPath
        signal(SIGPIPE, SIG_IGN)
        guard path.utf8.count < 108, !path.isEmpty else { throw .pathTooLong(path) }
        try Server.clearStaleSocket(at: path)

        let fd = csocket_unix_stream()
        guard fd >= 0 else { throw .system("create a socket for", path: path, errno: errno) }
        let previousMask = umask(0o177)
        let bound = csocket_bind(fd, path)
        let bindError = errno
        umask(previousMask)
        guard bound == 0 else {
            close(fd)
            if bindError == EADDRINUSE { throw .inUse(path) }
            throw .system("bind a socket to", path: path, errno: bindError)
        }
        func fail(_ what: String) -> ServerError {
            let code = errno
            close(fd)
            unlink(path)
            return .system(what, path: path, errno: code)
        }
        if let group = configuration.socketGroup, chown(path, uid_t.max, group) != 0 { throw fail("set the group of") }
        guard chmod(path, configuration.socketMode) == 0 else { throw fail("set the mode of") }
        var status = stat()
        guard lstat(path, &status) == 0 else { throw fail("inspect") }
        guard listen(fd, 128) == 0 else { throw fail("listen on") }
        guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else { throw fail("configure") }
        var ends: [Int32] = [-1, -1]
        guard csocket_pipe(&ends) == 0 else { throw fail("create a pipe for") }
        listener = fd
        stopReader = ends[0]
        stopWriter = ends[1]
        socketDevice = UInt64(status.st_dev)
        socketInode = UInt64(status.st_ino)
        if configuration.handlesSignals {
            guard csocket_install_stop_signals(stopWriter) == 0 else {
                let code = errno
                close(ends[0])
                close(ends[1])
                close(fd)
                unlink(path)
                throw .system("handle signals for", path: path, errno: code)
            }
        }
    }

    deinit {
        // A server made but never run still removes its socket.
        if state == .ready { finish() }
    }

    /// Replaces a socket left behind by a server that is gone; refuses anything else.
    private static func clearStaleSocket(at path: String) throws(ServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw .system("inspect", path: path, errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw .pathExists(path) }
        let probe = csocket_unix_stream()
        guard probe >= 0 else { throw .system("create a socket for", path: path, errno: errno) }
        let connected = csocket_connect(probe, path)
        let code = errno
        close(probe)
        if connected == 0 { throw .inUse(path) }
        guard code == ECONNREFUSED || code == ENOENT else { throw .system("connect to", path: path, errno: code) }
        if unlink(path) != 0 && errno != ENOENT { throw .system("remove the stale socket", path: path, errno: errno) }
    }

    /// Serves until ``stop()``, SIGTERM or SIGINT: then stops accepting, removes the socket,
    /// lets the connections in hand finish, and returns.
    public func run() {
        lock.lock()
        guard state == .ready else {
            lock.unlock()
            return
        }
        state = .running
        lock.unlock()
        configuration.log("listening on \(configuration.socketPath)")
        var entries = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0)]
        serving: while true {
            entries[0].revents = 0
            entries[1].revents = 0
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                configuration.log("poll failed: \(systemMessage(errno)); stopping")
                break
            }
            if entries[1].revents != 0 { break }
            accepting: while true {
                let fd = csocket_accept(listener)
                if fd >= 0 {
                    admit(fd)
                    continue
                }
                switch errno {
                case EAGAIN, EWOULDBLOCK: break accepting
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: pause rather than spin; clients wait in
                    // the backlog meanwhile.
                    configuration.log("cannot accept: \(systemMessage(errno))")
                    var pause = pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0)
                    _ = poll(&pause, 1, 100)
                    if pause.revents != 0 { break serving }
                    break accepting
                default:
                    configuration.log("cannot accept: \(systemMessage(errno)); stopping")
                    break serving
                }
            }
        }
        configuration.log("stopping: finishing the requests in hand")
        finish()
        configuration.log("stopped")
    }

    /// Asks ``run()`` to stop (safe from any thread, and more than once).
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard state != .finished else { return }
        var byte: UInt8 = 0
        _ = write(stopWriter, &byte, 1)
    }

    /// Removes the socket, closes the listener, waits for the connections in hand.
    private func finish() {
        removeSocket()
        close(listener)
        inFlight.wait()
        lock.lock()
        state = .finished
        if configuration.handlesSignals { csocket_detach_stop_signals() }
        close(stopReader)
        close(stopWriter)
        lock.unlock()
    }

    /// Unlinks the socket file if it is still the one this server made.
    private func removeSocket() {
        var status = stat()
        guard lstat(configuration.socketPath, &status) == 0,
            UInt64(status.st_dev) == socketDevice, UInt64(status.st_ino) == socketInode
        else { return }
        unlink(configuration.socketPath)
    }
}
