import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a ``Server`` listens and what it tolerates.
public struct ServerConfiguration: Sendable {
    /// The Unix-domain socket's path. Its folder must exist; the file must not, unless it is
    /// a socket nobody listens on any more (left by a server that was killed), which is
    /// replaced.
    public var socketPath: String
    /// The socket file's mode: 0660 lets the socket's group connect (connecting needs write
    /// permission on the socket file).
    public var socketMode: mode_t = 0o660
    /// The socket file's group, when not the server's own primary group.
    public var socketGroup: gid_t? = nil
    /// The sizes a request may have.
    public var limits = WireLimits()
    /// How long a client has, from its connection, to send its whole request.
    public var requestTimeout: Duration = .seconds(30)
    /// How long a client has, from its connection, to send its request's header (the
    /// announced length): a connection that says nothing gives its slot back this soon.
    public var headerTimeout: Duration = .seconds(5)
    /// At most this many connections of one user id are served at once; one more from
    /// that user is answered "busy" at once, so one login cannot take every slot.
    public var maxConnectionsPerPeer = 4
    /// Decides at connect time, before a connection holds a slot, whether the peer may be
    /// served at all: nil to serve it, or the answer to send instead (an account that maps
    /// to no member of staff). Called on the accepting thread only, one peer at a time.
    public var admission: (@Sendable (Peer) -> Response?)? = nil
    /// How long a client has to take the response, once it is ready.
    public var responseTimeout: Duration = .seconds(30)
    /// At most this many connections are served at once; one more is answered "server busy"
    /// (exit 75) at once and closed, rather than left waiting unseen.
    public var maxConnections = 32
    /// Request bodies in memory at once, together, stay under this many bytes (each
    /// request's announced length is reserved before its body is read); a request that
    /// would pass it is answered "server busy". One request is always admitted when none is
    /// in hand, whatever its size up to ``WireLimits/maxRequestBytes``.
    public var memoryBudget: UInt64 = 1024 * 1024 * 1024
    /// Whether SIGTERM and SIGINT stop the server (set false when the caller handles them
    /// and calls ``Server/stop()``, as the tests do).
    public var handlesSignals = true
    /// When set, only a peer running as this user id is served (SCGI: the web server's
    /// account); any other connection is logged and closed at once, unread.
    public var allowedPeerUID: uid_t? = nil
    /// The sizes an SCGI request may have (SCGI mode only).
    public var scgiLimits = SCGILimits()
    /// Where the server writes one line per connection: who (uid, login, pid), the exit
    /// status and byte counts, never arguments or content. Called from several threads.
    public var log: @Sendable (String) -> Void = { line in
        let bytes = Array("casebook serve: \(line)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    public init(socketPath: String) {
        self.socketPath = socketPath
    }
}

/// Why a server could not start.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    /// Another server already listens on the path.
    case inUse(String)
    /// Something that is not a socket is at the path.
    case pathExists(String)
    /// The path does not fit a Unix socket address (107 bytes on Linux).
    case pathTooLong(String)
    /// A system call failed.
    case system(String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .inUse(let path): return "a Casebook server is already listening at \(path)"
        case .pathExists(let path): return "\(path) exists and is not a socket; it was left alone"
        case .pathTooLong(let path): return "the socket path \(path) is too long (at most 107 bytes)"
        case .system(let what, let path, let code): return "cannot \(what) \(path): \(systemMessage(code))"
        }
    }
}

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
    private let handler: Handler
    private let scgiHandler: SCGIHandler?
    private let listener: Int32
    private let stopReader: Int32
    private let stopWriter: Int32
    private let socketDevice: UInt64
    private let socketInode: UInt64
    private let inFlight = DispatchGroup()
    private let lock = NSLock()
    private var active = 0
    private var activeByPeer: [uid_t: Int] = [:]
    private var reserved: UInt64 = 0
    private var reservedByPeer: [uid_t: UInt64] = [:]
    private var state = State.ready

    private enum State { case ready, running, finished }

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

    /// Serves a new connection on its own thread, or answers at once and closes it: "busy"
    /// when enough are in hand (in all, or of that user id), or the admission's refusal.
    private func admit(_ fd: Int32) {
        let now = Deadline(after: .zero)
        let peer: Peer
        do {
            peer = try Peer.of(socket: fd)
        } catch {
            configuration.log("cannot read the peer's credentials: \(error); connection dropped")
            close(fd)
            return
        }
        if let allowed = configuration.allowedPeerUID, peer.uid != allowed {
            configuration.log("\(peer): refused: only uid \(allowed) (the web server) may connect")
            close(fd)
            return
        }
        if let refusal = configuration.admission?(peer) {
            // A fresh socket's buffer takes this small answer without waiting.
            reply(refusal, to: fd, until: now, peer: peer, received: 0)
            close(fd)
            return
        }
        lock.lock()
        let own = activeByPeer[peer.uid, default: 0]
        guard active < configuration.maxConnections, own < configuration.maxConnectionsPerPeer else {
            lock.unlock()
            let reason = own >= configuration.maxConnectionsPerPeer
                ? "\(own) requests of yours are in hand" : "\(configuration.maxConnections) requests are in hand"
            reply(busy(reason), to: fd, until: now, peer: peer, received: 0)
            close(fd)
            return
        }
        active += 1
        activeByPeer[peer.uid] = own + 1
        lock.unlock()
        inFlight.enter()
        let thread = Thread { [self] in
            serve(fd, peer: peer)
            close(fd)
            lock.lock()
            active -= 1
            let left = activeByPeer[peer.uid, default: 1] - 1
            activeByPeer[peer.uid] = left > 0 ? left : nil
            lock.unlock()
            inFlight.leave()
        }
        thread.name = "casebook-connection"
        thread.start()
    }

    private func busy(_ reason: String) -> Response {
        .error(75, "the Casebook server is busy (\(reason))", hint: "try again in a moment")
    }

    /// Reads one request, runs the handler, sends the response.
    private func serve(_ fd: Int32, peer: Peer) {
        if let scgiHandler {
            serveSCGI(fd, peer: peer, handler: scgiHandler)
            return
        }
        let limits = configuration.limits
        let whole = Deadline(after: configuration.requestTimeout)
        var source = SocketSource(fd: fd, deadline: Deadline(after: min(configuration.headerTimeout, configuration.requestTimeout)))
        var reservation: UInt64 = 0
        var received: UInt64 = 0
        defer { release(reservation, of: peer) }
        let response: Response
        do {
            let length = try WireDecoder.header(&source, kind: .request, limit: limits.maxRequestBytes, what: "the request")
            source.deadline = whole
            guard reserve(length, for: peer) else {
                reply(busy("too many large requests are in hand"), to: fd, until: Deadline(after: configuration.responseTimeout), peer: peer, received: 0)
                return
            }
            reservation = length
            let request = try WireDecoder.requestBody(&source, length: length, limits: limits)
            received = length
            response = handler(request, peer)
        } catch let error as WireError {
            configuration.log("\(peer): refused a request: \(error)")
            response = .error(65, "the server could not read the request: \(error)", hint: "use the casebook command of the same release as the server")
        } catch TransportError.timedOut {
            configuration.log("\(peer): the request did not arrive in time")
            response = .error(74, "the request did not reach the server within \(configuration.requestTimeout) (its first bytes within \(configuration.headerTimeout))")
        } catch TransportError.closed {
            configuration.log("\(peer): disconnected before the end of its request")
            return
        } catch {
            configuration.log("\(peer): reading the request failed: \(error); connection dropped")
            return
        }
        reply(response, to: fd, until: Deadline(after: configuration.responseTimeout), peer: peer, received: received)
    }

    /// Reads one SCGI request (header block, then body, within the same time limits and
    /// memory budget as a wire request), runs the SCGI handler, sends its answer.
    private func serveSCGI(_ fd: Int32, peer: Peer, handler: SCGIHandler) {
        let limits = configuration.scgiLimits
        var source = SocketSource(fd: fd, deadline: Deadline(after: min(configuration.headerTimeout, configuration.requestTimeout)))
        var reservation: UInt64 = 0
        defer { release(reservation, of: peer) }
        let response: SCGIResponse
        do {
            let headers = try SCGI.readHeaders(&source, limits: limits)
            source.deadline = Deadline(after: configuration.requestTimeout)
            let length = UInt64(headers["CONTENT_LENGTH"] ?? "") ?? 0
            if length > 0 {
                guard reserve(min(length, limits.maxBodyBytes), for: peer) else {
                    sendSCGI(SCGIResponse(status: 503, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data("The server is busy; try again in a moment.\n".utf8)), to: fd, peer: peer)
                    return
                }
                reservation = min(length, limits.maxBodyBytes)
            }
            let request = try SCGI.readBody(&source, headers: headers, limits: limits)
            response = handler(request, peer)
        } catch {
            configuration.log("\(peer): refused an SCGI request: \(error)")
            let status = if case .tooLarge = error { 413 } else { 400 }
            response = SCGIResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data("\(error)\n".utf8))
        }
        sendSCGI(response, to: fd, peer: peer)
    }

    private func sendSCGI(_ response: SCGIResponse, to fd: Int32, peer: Peer) {
        let frame = response.encoded
        do {
            try send(frame, to: fd, until: Deadline(after: configuration.responseTimeout))
            configuration.log("\(peer): HTTP \(response.status), \(frame.count) bytes out")
        } catch {
            configuration.log("\(peer): the answer could not be delivered (\(error)); status was \(response.status)")
        }
    }

    /// Sends a response (or, when it cannot be encoded, an internal error in its place).
    private func reply(_ response: Response, to fd: Int32, until deadline: Deadline, peer: Peer?, received: UInt64) {
        let who = peer.map { "\($0)" } ?? "a connection"
        let frame: Data
        do {
            frame = try WireEncoder.encode(response, limits: configuration.limits)
        } catch {
            configuration.log("\(who): the response cannot be sent: \(error)")
            let failure = Response.error(70, "the server cannot send the answer: \(error)")
            // A short fixed answer always encodes; if even it cannot, the failure is logged
            // above and the client sees the connection close (its own exit 74), never a hang.
            guard let fallback = try? WireEncoder.encode(failure, limits: configuration.limits) else { return }
            frame = fallback
        }
        do {
            try send(frame, to: fd, until: deadline)
            configuration.log("\(who): exit \(response.exitCode), \(received) bytes in, \(frame.count) bytes out")
        } catch {
            configuration.log("\(who): the response could not be delivered (\(error)); exit was \(response.exitCode)")
        }
    }

    /// Reserves memory for a request's body: within the budget, and within one largest
    /// request's worth for each user id, so one login announcing large requests and sending
    /// nothing cannot hold the budget from everyone else.
    private func reserve(_ bytes: UInt64, for peer: Peer) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let own = reservedByPeer[peer.uid, default: 0]
        guard own == 0 || own + bytes <= configuration.limits.maxRequestBytes else { return false }
        guard reserved == 0 || reserved + bytes <= configuration.memoryBudget else { return false }
        reserved += bytes
        reservedByPeer[peer.uid] = own + bytes
        return true
    }

    private func release(_ bytes: UInt64, of peer: Peer) {
        guard bytes > 0 else { return }
        lock.lock()
        reserved -= bytes
        let left = reservedByPeer[peer.uid, default: bytes] - bytes
        reservedByPeer[peer.uid] = left > 0 ? left : nil
        lock.unlock()
    }
}
