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

    // MARK: Writing

    /// Writes `bytes` to a new file at `path`.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String, protecting protected: Protected) throws -> Placed {
        let target = try Target(path, protecting: protected)
        defer { target.close() }
        let temporary = temporaryName(for: target.name)
        let lock = try writeFile(bytes, named: temporary, in: target.folder, reportingAs: path)
        defer { Glibc.close(lock) }
        do {
            try target.place(temporary, isFolder: false)
        } catch {
            unlinkat(target.folder, temporary, 0)
            throw error
        }
        return try target.placed(isFolder: false)
    }

    /// Writes named files into a new folder at `path` (mode 0700, files 0600): the folder
    /// appears with every file complete, or not at all. The names must be plain file names.
    @discardableResult
    public static func writeFolder(
        _ files: [(name: String, bytes: [UInt8])], at path: String, protecting protected: Protected
    ) throws -> Placed {
        let target = try Target(path, protecting: protected)
        defer { target.close() }
        // Callers check names fully (Casebook's `FileName`); this keeps every file inside the folder.
        // A name may hold subfolders (`exhibits/IK-1/post.png`), each part a plain name.
        var folders: [String] = []
        for file in files {
            let name = file.name
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard !name.utf8.contains(0), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
                throw Failure(kind: .refused, path: path, reason: "'\(name)' is not a plain file name")
            }
            for depth in parts.indices.dropLast() {
                let folder = parts[...depth].joined(separator: "/")
                if !folders.contains(folder) { folders.append(folder) }
            }
        }
        let temporary = temporaryName(for: target.name)
        guard mkdirat(target.folder, temporary, 0o700) == 0 else {
            throw failure(errno, creating: path)
        }
        let inner = cfs_openat(target.folder, temporary, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
        // Locked while it is being written: ``removeAbandoned(besideDatabase:)`` leaves it alone.
        if inner >= 0 { flock(inner, LOCK_EX) }
        func discard() {
            for file in files where inner >= 0 { unlinkat(inner, file.name, 0) }
            for folder in folders.reversed() where inner >= 0 { unlinkat(inner, folder, AT_REMOVEDIR) }
            if inner >= 0 { Glibc.close(inner) }
            unlinkat(target.folder, temporary, AT_REMOVEDIR)
        }
        guard inner >= 0 else {
            let code = errno
            discard()
            throw failure(code, creating: path)
        }
        do {
            fchmod(inner, 0o700)
            for folder in folders where mkdirat(inner, folder, 0o700) != 0 { throw failure(errno, creating: path) }
            for file in files { Glibc.close(try writeFile(file.bytes, named: file.name, in: inner, reportingAs: path)) }
            guard fsync(inner) == 0 else { throw failure(errno, writing: path) }
            try target.place(temporary, isFolder: true)
        } catch {
            discard()
            throw error
        }
        Glibc.close(inner)
        return try target.placed(isFolder: true)
    }

    /// Makes a new file at `path` with `fill`, which is given the path of an empty temporary
    /// file (mode 0600) in the same folder to write through (as SQLite does, by path). `fill`
    /// must leave no `-wal`, `-shm` or `-journal` beside it (close its connections).
    @discardableResult
    public static func make(
        at path: String, protecting protected: Protected, _ fill: (String) throws -> Void
    ) throws -> Placed {
        let target = try Target(path, protecting: protected)
        defer { target.close() }
        let temporary = temporaryName(for: target.name)
        let temporaryPath = join(target.folderPath, temporary)
        func discard() {
            for (suffix, _) in Protected.companions { unlinkat(target.folder, temporary + suffix, 0) }
        }
        // A copy made outside the database's folder leaves a note there, locked while the
        // copy is made, so the next command can remove the copy if this process is killed.
        let note = protected.database.flatMap { database in
            NewFile.canonical(folder(of: database)) == NewFile.canonical(target.folderPath)
                ? nil : AbandonNote(besideDatabase: database, temporary: NewFile.absolute(temporaryPath))
        }
        defer { note?.remove() }
        // Locked (flock) from its creation to its move: never taken for an abandoned one.
        let lock = try writeFile([], named: temporary, in: target.folder, reportingAs: path)
        defer { Glibc.close(lock) }
        do {
            try fill(temporaryPath)
            for suffix in ["-wal", "-journal"] where FileIdentity(path: temporaryPath + suffix, followingLinks: false) != nil {
                throw Failure(kind: .io, path: path, reason: "cannot write \(path): the copy was left incomplete")
            }
            unlinkat(target.folder, temporary + "-shm", 0)
            // What `fill` wrote reaches the disk before the name does.
            let descriptor = cfs_openat(target.folder, temporary, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0)
            guard descriptor >= 0 else { throw failure(errno, writing: path) }
            defer { Glibc.close(descriptor) }
            guard fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else { throw failure(errno, writing: path) }
            try target.place(temporary, isFolder: false)
        } catch {
            discard()
            throw error
        }
        return try target.placed(isFolder: false)
    }

    /// Creates `name` in `folder` (exclusive, no symlink, 0600), writes and syncs it; removes
    /// it on failure. Returns a descriptor of it holding an exclusive `flock`, for the caller
    /// to close once the file is in place (a temporary file no process holds is abandoned).
    private static func writeFile(_ bytes: [UInt8], named name: String, in folder: Int32, reportingAs path: String) throws -> Int32 {
        let lock = cfs_openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw failure(errno, creating: path) }
        flock(lock, LOCK_EX)
        let descriptor = cfs_openat(folder, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0)
        guard descriptor >= 0 else {
            let code = errno
            unlinkat(folder, name, 0)
            Glibc.close(lock)
            throw failure(code, creating: path)
        }
        var failed: Failure?
        if fchmod(descriptor, 0o600) != 0 {
            failed = failure(errno, writing: path)
        } else {
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = failure(errno, writing: path)
                    break
                }
                offset += count
            }
            if failed == nil, fsync(descriptor) != 0 { failed = failure(errno, writing: path) }
        }
        if Glibc.close(descriptor) != 0, failed == nil, errno != EINTR { failed = failure(errno, writing: path) }
        if let failed {
            unlinkat(folder, name, 0)
            Glibc.close(lock)
            throw failed
        }
        return lock
    }

    // MARK: Abandoned temporary files

    /// A note beside the database naming a temporary file made in another folder
    /// (`.NAME.casebook-tmp-XXXXXXXX.where`), locked while that file is being made.
    private struct AbandonNote {
        static let suffix = ".where"
        let path: String
        let descriptor: Int32

        init?(besideDatabase database: String, temporary: String) {
            let folder = NewFile.folder(of: database)
            path = NewFile.join(folder, temporaryName(for: NewFile.name(of: database)) + Self.suffix)
            descriptor = cfs_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return nil }
            flock(descriptor, LOCK_EX)
            let bytes = Array(temporary.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            fsync(descriptor)
        }

        func remove() {
            unlink(path)
            Glibc.close(descriptor)
        }
    }

    /// Removes what a killed process left while making a file beside the database (a
    /// `.casebook-tmp-` file or folder, with any `-wal`, `-shm`, `-journal`) and the
    /// temporary files a note beside it names in other folders (a backup made elsewhere):
    /// each only when no process holds its lock, so a file being made now is left alone.
    /// Best effort: what cannot be removed stays. Returns the paths removed.
    @discardableResult
    /// Removes a folder this process wrote, with its files and subfolders (never following a
    /// symbolic link: a link is removed, not what it points at).
    static func removeFolder(_ path: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            let inner = join(path, name)
            var info = stat()
            if lstat(inner, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                removeFolder(inner)
            } else {
                unlink(inner)
            }
        }
        rmdir(path)
    }

    public static func removeAbandoned(besideDatabase database: String) -> [String] {
        let folder = folder(of: database)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        func isUnheld(_ path: String, directory: Bool) -> Bool {
            let descriptor = cfs_openat(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (directory ? O_DIRECTORY : 0), 0)
            guard descriptor >= 0 else { return false }
            defer { Glibc.close(descriptor) }
            return flock(descriptor, LOCK_EX | LOCK_NB) == 0
        }
        func removeTemporary(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let isFolder = info.st_mode & S_IFMT == S_IFDIR
            guard isFolder || info.st_mode & S_IFMT == S_IFREG, isUnheld(path, directory: isFolder) else { return }
            if isFolder {
                removeFolder(path)
            } else {
                for (suffix, _) in Protected.companions { unlink(path + suffix) }
            }
            removed.append(path)
        }
        for name in names.sorted() where name.hasPrefix(".") && name.contains(temporaryMarker) {
            let path = join(folder, name)
            if name.hasSuffix(AbandonNote.suffix) {
                guard isUnheld(path, directory: false) else { continue }
                if let text = try? String(contentsOfFile: path, encoding: .utf8), NewFile.name(of: text).contains(temporaryMarker),
                    NewFile.name(of: text).hasPrefix(".")
                {
                    removeTemporary(text)
                }
                unlink(path)
                removed.append(path)
            } else if !name.hasSuffix("-wal"), !name.hasSuffix("-shm"), !name.hasSuffix("-journal") {
                removeTemporary(path)
            }
        }
        return removed
    }

    // MARK: The target

    /// The target's folder (open), its name, and the checks made before anything is written.
    private struct Target {
        let path: String
        let folderPath: String
        let name: String
        let folder: Int32

        init(_ path: String, protecting protected: Protected) throws {
            self.path = path
            name = NewFile.name(of: path)
            folderPath = NewFile.folder(of: path)
            guard !path.isEmpty, !name.isEmpty, name != ".", name != "..", !path.hasSuffix("/") else {
                throw Failure(kind: .refused, path: path, reason: "'\(path)' names a folder, not a new file")
            }
            folder = cfs_openat(AT_FDCWD, folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
            guard folder >= 0 else {
                let code = errno
                let reason = code == ENOENT || code == ENOTDIR ? "there is no folder \(folderPath)" : String(cString: strerror(code))
                throw Failure(kind: .cannotCreate, path: path, reason: "cannot write \(path): \(reason)")
            }
            do {
                var info = stat()
                if fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                    throw Failure(kind: .exists, path: path, reason: Self.existing(info, at: path, protected: protected))
                }
                guard errno == ENOENT else { throw NewFile.failure(errno, creating: path) }
                if let canonicalFolder = NewFile.canonical(folderPath),
                    let what = protected.paths[NewFile.join(canonicalFolder, name)]
                {
                    throw Failure(kind: .refused, path: path, reason: "\(path) would be \(what)")
                }
            } catch {
                Glibc.close(folder)
                throw error
            }
        }

        /// Why an existing path is refused.
        static func existing(_ info: stat, at path: String, protected: Protected) -> String {
            if let what = protected.identities[FileIdentity(info)] { return "\(path) is \(what)" }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                if let what = FileIdentity(path: path, followingLinks: true).flatMap({ protected.identities[$0] }) {
                    return "\(path) is a symbolic link to \(what)"
                }
                return "\(path) is a symbolic link"
            case S_IFDIR: return "\(path) is a folder"
            case S_IFCHR, S_IFBLK: return "\(path) is a device"
            case S_IFIFO, S_IFSOCK: return "\(path) is a pipe or socket"
            default: return "a file already exists at \(path)"
            }
        }

        /// Moves `temporary` to the target name without replacing anything, and syncs the folder.
        func place(_ temporary: String, isFolder: Bool) throws {
            if cfs_rename_noreplace(folder, temporary, folder, name) != 0 {
                let code = errno
                if code == EEXIST { throw Failure(kind: .exists, path: path, reason: "\(path) appeared while it was being written") }
                // File systems without RENAME_NOREPLACE: a hard link is also exclusive.
                guard !isFolder, code == EINVAL || code == ENOSYS || code == EOPNOTSUPP else {
                    throw NewFile.failure(code, writing: path)
                }
                guard linkat(folder, temporary, folder, name, 0) == 0 else {
                    let code = errno
                    if code == EEXIST { throw Failure(kind: .exists, path: path, reason: "\(path) appeared while it was being written") }
                    throw NewFile.failure(code, writing: path)
                }
                unlinkat(folder, temporary, 0)
            }
            guard fsync(folder) == 0 else {
                let code = errno
                unlinkat(folder, name, isFolder ? AT_REMOVEDIR : 0)
                throw NewFile.failure(code, writing: path)
            }
        }

        /// The placed file.
        func placed(isFolder: Bool) throws -> Placed {
            var info = stat()
            guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw NewFile.failure(errno, writing: path) }
            return Placed(path: path, identity: FileIdentity(info), changed: Placed.changed(info), isFolder: isFolder)
        }

        func close() { Glibc.close(folder) }
    }

    // MARK: Names

    /// `.NAME.casebook-tmp-XXXXXXXX`, the name kept short enough for any file system.
    static func temporaryName(for name: String) -> String {
        var kept = ""
        for character in name where kept.utf8.count + character.utf8.count <= 200 { kept.append(character) }
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "." + kept + temporaryMarker + String(repeating: "0", count: 8 - random.count) + random
    }

    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func join(_ folder: String, _ name: String) -> String { folder.hasSuffix("/") ? folder + name : folder + "/" + name }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
    }

    /// The path with every symbolic link and `..` resolved, when it exists.
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
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

// MARK: Replacing a file this program made

extension NewFile {
    /// Writes `bytes` at `path`, replacing the file there only when it is one this program
    /// made: a regular file (not a symbolic link, folder or device) owned by this process's
    /// user, with one name, not a protected file, whose first bytes `isOwn` accepts (such as
    /// a calendar's `PRODID`). Nothing there: a new file, as ``write(_:to:protecting:)``.
    ///
    /// The new content is written to a new temporary file in the same folder (0600, created
    /// new, synced) and renamed over the old one, so a reader sees the old file or the new
    /// one, never a part.
    @discardableResult
    public static func replace(
        _ bytes: [UInt8], at path: String, protecting protected: Protected, ifExisting isOwn: ([UInt8]) -> Bool
    ) throws -> Placed {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw failure(errno, creating: path) }
            return try write(bytes, to: path, protecting: protected)
        }
        let name = NewFile.name(of: path)
        let folderPath = NewFile.folder(of: path)
        guard !name.isEmpty, name != ".", name != "..", !path.hasSuffix("/") else {
            throw Failure(kind: .refused, path: path, reason: "'\(path)' names a folder, not a file")
        }
        func refuse(_ why: String) -> Failure {
            Failure(kind: .refused, path: path, reason: "\(why); only a file Casebook made is replaced")
        }
        if let what = protected.identities[FileIdentity(info)] { throw refuse("\(path) is \(what)") }
        if let canonicalFolder = NewFile.canonical(folderPath), let what = protected.paths[NewFile.join(canonicalFolder, name)] {
            throw refuse("\(path) is \(what)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw refuse(Target.existing(info, at: path, protected: protected)) }
        guard info.st_uid == geteuid() else { throw refuse("\(path) belongs to another user") }
        guard info.st_nlink == 1 else { throw refuse("\(path) has other names (hard links)") }
        let folder = cfs_openat(AT_FDCWD, folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard folder >= 0 else { throw failure(errno, creating: path) }
        defer { Glibc.close(folder) }
        // What is read is the file that was checked (same device and inode, opened without following a link).
        let existing = cfs_openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0)
        guard existing >= 0 else { throw refuse("\(path) cannot be read (\(String(cString: strerror(errno))))") }
        var opened = stat()
        var head = [UInt8](repeating: 0, count: 512)
        let count = head.withUnsafeMutableBytes { Glibc.read(existing, $0.baseAddress, $0.count) }
        let same = fstat(existing, &opened) == 0 && FileIdentity(opened) == FileIdentity(info)
        Glibc.close(existing)
        guard same, count >= 0, isOwn(Array(head.prefix(count))) else {
            throw refuse("\(path) is not a file Casebook made (it does not begin as Casebook writes it)")
        }
        let temporary = temporaryName(for: name)
        let lock = try writeFile(bytes, named: temporary, in: folder, reportingAs: path)
        defer { Glibc.close(lock) }
        guard renameat(folder, temporary, folder, name) == 0 else {
            let code = errno
            unlinkat(folder, temporary, 0)
            throw failure(code, writing: path)
        }
        guard fsync(folder) == 0 else { throw failure(errno, writing: path) }
        var placed = stat()
        guard fstatat(folder, name, &placed, AT_SYMLINK_NOFOLLOW) == 0 else { throw failure(errno, writing: path) }
        return Placed(path: path, identity: FileIdentity(placed), changed: Placed.changed(placed), isFolder: false)
    }
}
