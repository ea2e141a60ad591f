import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who is at the other end of a connection, as the kernel reports it (SO_PEERCRED: the
/// credentials of the process that called connect(2), fixed at that moment). Nothing here
/// comes from the client's own bytes.
public struct Peer: Sendable, Equatable, CustomStringConvertible {
    /// The connecting process's effective user id.
    public let uid: uid_t
    /// The connecting process's effective group id.
    public let gid: gid_t
    /// The connecting process's id (for logs only: it may have exited since).
    public let pid: pid_t
    /// The user id's login name from the account database (files, or the trust's directory
    /// through NSS/SSSD); nil when the id has no account.
    public let login: String?

    public init(uid: uid_t, gid: gid_t, pid: pid_t, login: String?) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.login = login
    }

    public var description: String { "uid \(uid) (\(login ?? "no login")) pid \(pid)" }

    /// The credentials of the peer of a connected Unix-domain socket.
    static func of(socket fd: Int32) throws(TransportError) -> Peer {
        var uid = uid_t()
        var gid = gid_t()
        var pid = pid_t()
        guard csocket_peer_credentials(fd, &uid, &gid, &pid) == 0 else { throw .system(errno) }
        return Peer(uid: uid, gid: gid, pid: pid, login: loginName(of: uid))
    }

    /// The login name of a user id (getpwuid_r, thread-safe), or nil when it has none.
    public static func loginName(of uid: uid_t) -> String? {
        var size = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let (code, name) = buffer.withUnsafeMutableBufferPointer { storage -> (Int32, String?) in
                guard let base = storage.baseAddress else { return (EINVAL, nil) }
                var entry = passwd()
                var result: UnsafeMutablePointer<passwd>?
                let code = getpwuid_r(uid, &entry, base, storage.count, &result)
                guard code == 0, result != nil, let name = entry.pw_name else { return (code, nil) }
                return (0, String(cString: name))
            }
            if code == ERANGE {
                size *= 2
                continue
            }
            return name
        }
        return nil
    }
}
