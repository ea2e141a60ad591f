import Foundation

/// A fresh, empty folder, removed when the last reference to it goes. Short (under /tmp), so
/// that a socket path inside it fits a Unix socket address.
///
/// As in the other test targets, write test bodies at the top level of the test function,
/// not inside closure-taking helpers (Swift 6.3.1 miscompiles some closures in test bodies).
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = URL(fileURLWithPath: "/tmp/cbsrv-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    /// A path inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
