import CFileSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension NewFile {
    // MARK: The target

    /// The target's folder (open), its name, and the checks made before anything is written.
    struct Target {
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
}
