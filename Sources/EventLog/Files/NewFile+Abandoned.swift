import CFileSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension NewFile {
    // MARK: Abandoned temporary files

    /// A note beside the database naming a temporary file made in another folder
    /// (`.NAME.casebook-tmp-XXXXXXXX.where`), locked while that file is being made.
    struct AbandonNote {
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
}
