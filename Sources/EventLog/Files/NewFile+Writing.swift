import CFileSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension NewFile {
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
    static func writeFile(_ bytes: [UInt8], named name: String, in folder: Int32, reportingAs path: String) throws -> Int32 {
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
}
