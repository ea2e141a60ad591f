import CFileSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The files a program writes for its user (SPEC §5), made in one way only:
///
/// - created at a temporary name in the target's own folder (`.NAME.casebook-tmp-XXXXXXXX`)
///   with `O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600 whatever the umask (`fchmod`);
/// - written, `fsync`ed, then moved to its name with `renameat2(RENAME_NOREPLACE)` (or
///   `link` and `unlink` where the file system lacks it), so an existing path is never
///   replaced, and the folder is `fsync`ed;
/// - refused when anything is at the target — a file, a folder, a symbolic link, a device —
///   and when the target is a protected file (the database, its `-wal`, `-shm`, `-journal`),
///   compared by device and inode and by canonical path (a `-wal` that does not exist yet
///   has no inode).
///
/// A failure removes the temporary file; a killed process may leave one, under its
/// recognisable name, but never a partial file at the target.
public enum NewFile {
    /// The suffix, after the dot-prefixed target name, of every temporary file.
    public static let temporaryMarker = ".casebook-tmp-"

    /// Why a new file was not made.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Something is at the target path (a file, folder, link, device): never replaced.
            case exists
            /// The target is a protected file, or its name is not a plain file name.
            case refused
            /// The folder is missing or may not be written (an I/O error to the user, 74).
            case cannotCreate
            /// Writing failed part-way (a full disk, an I/O error).
            case io
        }

        public let kind: Kind
        /// The target path.
        public let path: String
        /// What went wrong, in words.
        public let reason: String

        public var description: String { reason }
    }

    /// The files a new file must never be: a database and its companion files.
    public struct Protected: Sendable {
        /// Canonical paths of the database and of its `-wal`, `-shm` and `-journal`, with what each is.
        let paths: [String: String]
        /// Device and inode of those that exist.
        let identities: [FileIdentity: String]

        /// The database's path, when one is protected: where a backup made elsewhere leaves
        /// a note of its temporary file, for ``removeAbandoned(besideDatabase:)``.
        var database: String?

        /// Nothing protected.
        public static let nothing = Protected(paths: [:], identities: [:])

        /// The database at `database` and its companions, whether or not they exist yet.
        public init(database: String) {
            var paths: [String: String] = [:]
            var identities: [FileIdentity: String] = [:]
            var bases = [NewFile.absolute(database)]
            if let resolved = NewFile.canonical(database) { bases.append(resolved) }
            if let parent = NewFile.canonical(NewFile.folder(of: database)) {
                bases.append(NewFile.join(parent, NewFile.name(of: database)))
            }
            for base in bases {
                for (suffix, label) in Self.companions {
                    paths[base + suffix] = label
                    if let identity = FileIdentity(path: base + suffix, followingLinks: true) { identities[identity] = label }
                }
            }
            self.init(paths: paths, identities: identities)
            self.database = database
        }

        private init(paths: [String: String], identities: [FileIdentity: String]) {
            self.paths = paths
            self.identities = identities
        }

        static let companions = [
            ("", "the database"), ("-wal", "the database's write-ahead log"), ("-shm", "the database's shared-memory index"),
            ("-journal", "the database's rollback journal"), ("-truncate-wal", "the database's note of an owed log truncation"),
        ]
    }

    /// A device and inode: what a file is, whatever its name.
    struct FileIdentity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64

        init?(path: String, followingLinks: Bool) {
            var info = stat()
            let code = followingLinks ? stat(path, &info) : lstat(path, &info)
            guard code == 0 else { return nil }
            self.init(info)
        }

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// A file or folder now in place, which ``remove()`` can take away again (when what it
    /// was made for, such as recording an export, then fails).
    public struct Placed: Sendable {
        /// Its path.
        public let path: String
        let identity: FileIdentity
        /// When its inode last changed (the move into place): an inode number can be reused.
        let changed: Int64
        let isFolder: Bool

        static func changed(_ info: stat) -> Int64 {
            Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        }

        /// Removes it, if it is still the one this program placed.
        public func remove() {
            var info = stat()
            guard lstat(path, &info) == 0, FileIdentity(info) == identity, Placed.changed(info) == changed else { return }
            if isFolder {
                NewFile.removeFolder(path)
            } else {
                unlink(path)
            }
        }
    }

    // MARK: Errors

    static func failure(_ code: Int32, creating path: String) -> Failure {
        if code == ENOSPC || code == EDQUOT || code == EIO || code == EFBIG {
            return failure(code, writing: path)
        }
        return Failure(kind: .cannotCreate, path: path, reason: "cannot write \(path): \(String(cString: strerror(code)))")
    }

    static func failure(_ code: Int32, writing path: String) -> Failure {
        Failure(kind: .io, path: path, reason: "cannot write \(path): \(String(cString: strerror(code)))")
    }
}
