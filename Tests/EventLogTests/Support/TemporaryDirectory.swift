import Foundation

/// A fresh, empty directory, removed when the last reference to it goes.
///
/// A test creates one (or a ``StoreFixture``) at the start of the test function and writes
/// its body at the top level of the function, never inside a closure-taking helper such as
/// `withTemporaryDirectory { directory in … }`: Swift 6.3.1 miscompiles some test bodies
/// written inside a closure. When a closure is written inside a `#expect`/`#require`
/// argument within an enclosing closure, a later closure in that enclosing closure can get
/// the same symbol, and calling it runs the earlier closure's body instead (for example,
/// `#expect([1, 2].map { $0 * 10 } == [10, 20])` followed by `let m = [1, 2].map { $0 + 100 }`
/// gives `m == [10, 20]`). Test bodies at the top level of the test function are not affected.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("eventlog-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
