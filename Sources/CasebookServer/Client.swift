import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a client got no response.
public enum ClientError: Error, Equatable, CustomStringConvertible {
    /// Nothing listens at the path (no file, or a socket left by a server that stopped).
    case noServer(String)
    /// The socket is there but this login may not connect to it.
    case permissionDenied(String)
    /// The path does not fit a Unix socket address.
    case pathTooLong(String)
    /// The request cannot be sent as it is (too large, a forbidden variable…).
    case badRequest(WireError)
    /// The server closed the connection before its response was complete.
    case closed(String)
    /// The response is not a well-formed Casebook response.
    case badResponse(WireError)
    /// The response did not come in time.
    case timedOut(String)
    /// Another system error.
    case system(String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .noServer(let path): return "no Casebook server at \(path)"
        case .permissionDenied(let path): return "not permitted to connect to the Casebook server at \(path)"
        case .pathTooLong(let path): return "the socket path \(path) is too long (at most 107 bytes)"
        case .badRequest(let error): return "the request cannot be sent: \(error)"
        case .closed(let path): return "the Casebook server at \(path) closed the connection before answering"
        case .badResponse(let error): return "the server's answer cannot be read: \(error)"
        case .timedOut(let path): return "the Casebook server at \(path) did not answer in time"
        case .system(let what, let path, let code): return "cannot \(what) \(path): \(systemMessage(code))"
        }
    }

    /// A hint for the person at the keyboard.
    public var hint: String {
        switch self {
        case .noServer: return "check CASEBOOK_SERVER or --server, and ask IT whether the casebook service is running"
        case .permissionDenied: return "ask IT to add your login to the group allowed to use Casebook (casebook-staff)"
        case .pathTooLong: return "use a shorter path for the socket"
        case .badRequest: return "files over 64 MiB are refused; check the files you named"
        case .badResponse: return "use the casebook command of the same release as the server"
        case .closed, .timedOut, .system: return "try again; if it keeps happening, ask IT to look at the casebook service's log"
        }
    }

    /// The SPEC §5 exit status this error suggests: 66 no server, 77 not permitted,
    /// 64 unusable socket path, 65 a request too large, 74 for the connection failing.
    public var exitCode: Int32 {
        switch self {
        case .noServer: return 66
        case .permissionDenied: return 77
        case .pathTooLong: return 64
        case .badRequest: return 65
        case .closed, .badResponse, .timedOut, .system: return 74
        }
    }
}

/// The client side: one request, one response, over a new connection.
public struct Client: Sendable {
    public var socketPath: String
    public var limits = WireLimits()
    /// How long to wait for the whole response after sending; nil waits as long as the
    /// server works (the server bounds the request; the command itself may take time).
    public var timeout: Duration? = nil

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Sends `request` and returns the server's response.
    public func send(_ request: Request) throws(ClientError) -> Response {
        let frame: Data
        do {
            frame = try WireEncoder.encode(request, limits: limits)
        } catch {
            throw .badRequest(error)
        }
        let fd = try connect()
        defer { close(fd) }
        return try exchange(frame, over: fd)
    }

    /// Sends raw bytes as if they were a request and reads the response: for tests of the
    /// server's handling of broken clients.
    public func sendRaw(_ bytes: Data) throws(ClientError) -> Response {
        let fd = try connect()
        defer { close(fd) }
        return try exchange(bytes, over: fd)
    }

    /// A connected socket.
    public func connect() throws(ClientError) -> Int32 {
        guard socketPath.utf8.count < 108, !socketPath.isEmpty else { throw .pathTooLong(socketPath) }
        let fd = csocket_unix_stream()
        guard fd >= 0 else { throw .system("create a socket for", path: socketPath, errno: errno) }
        guard csocket_connect(fd, socketPath) == 0 else {
            let code = errno
            close(fd)
            switch code {
            case ENOENT, ECONNREFUSED, ENOTDIR: throw .noServer(socketPath)
            case EACCES, EPERM: throw .permissionDenied(socketPath)
            case ENAMETOOLONG: throw .pathTooLong(socketPath)
            default: throw .system("connect to", path: socketPath, errno: code)
            }
        }
        return fd
    }

    private func exchange(_ frame: Data, over fd: Int32) throws(ClientError) -> Response {
        do {
            try CasebookServer.send(frame, to: fd, until: Deadline(after: nil))
        } catch .closed {
            // The server turned the request away early (busy, too large…): its answer may
            // be waiting to be read.
        } catch {
            throw .system("send the request to", path: socketPath, errno: error.errno)
        }
        var source = SocketSource(fd: fd, deadline: Deadline(after: timeout))
        do {
            return try WireDecoder.response(&source, limits: limits)
        } catch let error as WireError {
            throw .badResponse(error)
        } catch TransportError.timedOut {
            throw .timedOut(socketPath)
        } catch TransportError.closed {
            throw .closed(socketPath)
        } catch let error as TransportError {
            throw .system("read the answer from", path: socketPath, errno: error.errno)
        } catch {
            throw .closed(socketPath)
        }
    }
}

extension TransportError {
    var errno: Int32 {
        switch self {
        case .timedOut: return ETIMEDOUT
        case .closed: return EPIPE
        case .system(let code): return code
        }
    }
}
