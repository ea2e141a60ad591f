import CFileSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
