import Foundation
import Testing

@testable import CasebookCLI

/// A programmer error in one request answers that request with exit 70 and the server keeps
/// serving (issue 18, item 7): `casebook serve` started with `CASEBOOK_TEST_FAULT` fails
/// every request of the named command with an injected programmer error, through the real
/// binary and socket.
@Suite struct ServerFaultTests {
    @Test func aProgrammerErrorAnswersItsRequestWith70AndTheServerKeepsServing() throws {
        let sandbox = try Sandbox(.empty)
        let sockets = try ServerModeTests.socketFolder()
        defer { try? FileManager.default.removeItem(at: sockets) }
        let socket = sockets.appendingPathComponent("s.sock").path
        try sandbox.succeed(["init", "--admin", "head", "--name", "Hannah Head"], as: nil)
        let served = try ServerModeTests.Served(
            ["serve", "--db", sandbox.database, "--socket", socket], socket: socket, in: sandbox.directory,
            environment: ["CASEBOOK_TEST_FAULT": "staff list"])
        try #require(served.isListening, "the server did not start")
        func remote(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
            try CasebookBinary.run(["--server", socket] + arguments, in: sandbox.directory, environment: environment)
        }
        let failed = try remote(["staff", "list"])
        #expect(failed.status == 70, "\(failed)")
        #expect(failed.stderr.hasPrefix("error: internal error: a fault injected for testing"), "\(failed)")
        // The next request is answered normally, by the same server.
        let next = try remote(["list"])
        #expect(next.status == 0, "\(next)")
        #expect(served.isListening)
        #expect(try remote(["staff", "list"]).status == 70)
        let added = try remote(["staff", "add", "t.lee", "--name", "Tom Lee", "--role", "staff"])
        #expect(added.status == 0, "\(added)")

        // A client cannot inject it: the variable is not forwarded, and the direct command
        // line ignores it.
        #expect(try remote(["list"], environment: ["CASEBOOK_TEST_FAULT": "list"]).status == 0)
        #expect(try sandbox.run(["staff", "list"], environment: ["CASEBOOK_TEST_FAULT": "staff list"]).status == 0)
        let stopped = try served.stop()
        #expect(stopped.status == 0, "\(stopped)")
    }
}
