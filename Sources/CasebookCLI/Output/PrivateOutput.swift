import Casebook
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// TODO(merge): use the shared safe output writer
/// A minimal writer of one new private file, for `checkpoint --out`: mode 0600 whatever the
/// umask, written to a temporary name in the target folder (`O_CREAT|O_EXCL|O_NOFOLLOW`),
/// synced, then linked into place, so it never replaces an existing path (73) and a failure
/// leaves no partial file; never the database or its `-wal`/`-shm`/`-journal` files.
enum PrivateOutput {
    static func writeNew(_ text: String, to path: String, database: String) throws {
        var existing = stat()
        if lstat(path, &existing) == 0 {
            throw CasebookError.cannotCreate("\(path) already exists; choose a new file name (nothing is ever replaced)")
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let databaseFolder =
            (database as NSString).deletingLastPathComponent.isEmpty ? "." : (database as NSString).deletingLastPathComponent
        let databaseName = (database as NSString).lastPathComponent
        var folderStat = stat()
        var databaseFolderStat = stat()
        guard stat(folder, &folderStat) == 0 else { throw CasebookError.notFound("no folder \(folder) to write \(name) in") }
        if stat(databaseFolder, &databaseFolderStat) == 0, folderStat.st_dev == databaseFolderStat.st_dev,
            folderStat.st_ino == databaseFolderStat.st_ino,
            ["", "-wal", "-shm", "-journal"].contains(where: { databaseName + $0 == name })
        {
            throw CasebookError.cannotCreate("\(path) is the database or one of its files; choose another file name")
        }
        let temporary = folder + "/.\(name).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CasebookError.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = false
        defer {
            if !written { unlink(temporary) }
        }
        let bytes = Array(text.utf8)
        var offset = 0
        var failure: Int32 = 0
        if fchmod(fd, 0o600) != 0 { failure = errno }
        while failure == 0, offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
            } else {
                offset += count
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        guard failure == 0 else { throw CasebookError.io("cannot write \(path): \(String(cString: strerror(failure)))") }
        // link() fails when the name exists: a file that appeared meanwhile is never replaced.
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST {
                throw CasebookError.cannotCreate("\(path) already exists; choose a new file name (nothing is ever replaced)")
            }
            throw CasebookError.io("cannot write \(path): \(String(cString: strerror(code)))")
        }
        unlink(temporary)
        written = true
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }
}
