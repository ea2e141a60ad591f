import Foundation

/// The test-only executables of the package (`casebook-echo-server`, `casebook-echo-client`),
/// found next to the running test bundle (where `swift test` puts every product), else in a
/// build folder of the package.
enum Binaries {
    struct NotFound: Error, CustomStringConvertible {
        let name: String
        let searched: [String]
        var description: String { "\(name) was not found; build it (swift build). Searched: " + searched.joined(separator: ", ") }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // CasebookServerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func url(_ name: String) throws -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name))
            directory = directory.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        }
        let builds = (try? fileManager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        for build in builds.sorted() where build.hasPrefix(".build") {
            candidates.append(packageRoot.appendingPathComponent("\(build)/debug/\(name)"))
        }
        guard let found = candidates.first(where: { fileManager.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(name: name, searched: candidates.map(\.path))
        }
        return found
    }
}
