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
