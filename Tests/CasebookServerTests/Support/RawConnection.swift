import CSocket
import CasebookServer
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A client that breaks the rules on purpose: raw bytes, streamed, stopped or dropped.
final class RawConnection {
    let fd: Int32

    init(to path: String) throws {
        fd = try Client(socketPath: path).connect()
    }

    /// Sends bytes; false when the server no longer takes them (it closed the connection).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                csocket_send(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, 0)
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Streams `total` bytes from `chunk` repeated; returns how many the server took before
    /// it closed the connection.
    func stream(_ chunk: [UInt8], total: Int) -> Int {
        var sent = 0
        while sent < total {
            guard send(chunk) else { return sent }
            sent += chunk.count
        }
        return sent
    }

    /// Everything the server sends until it closes the connection.
    func readToEnd() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    /// The server's response, decoded (read to the end of the connection).
    func response() throws -> Response { try WireDecoder.decodeResponse(readToEnd()) }

    deinit { close(fd) }
}

/// A request header announcing a body of `length` bytes.
func requestHeader(bodyLength length: UInt64) -> [UInt8] {
    Array("CBSP".utf8) + [0, 1, 0x51, 0] + (0..<8).reversed().map { UInt8(length >> (UInt64($0) * 8) & 0xff) }
}

/// A section header.
func sectionHeader(tag: UInt8, length: UInt64) -> [UInt8] {
    [tag] + (0..<8).reversed().map { UInt8(length >> (UInt64($0) * 8) & 0xff) }
}
