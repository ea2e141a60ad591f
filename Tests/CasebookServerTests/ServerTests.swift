import CSocket
import Foundation
import Testing

@testable import CasebookServer

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Server and client over a real Unix socket")
struct ServerTests {
    @Test func aRequestAndItsResponseGoThroughTheSocket() throws {
        let folder = try TemporaryFolder()
        let seen = Collected<Request>()
        let running = try InProcessServer(socket: folder.path("s.sock")) { request, _ in
            seen.append(request)
            return Response(
                exitCode: 3, stdout: Data(request.arguments.joined(separator: "|").utf8), stderr: request.stdin ?? Data(),
                outputFiles: request.inputFiles.map { OutputFile(path: "out", kind: .folderEntry("copy-of-\($0.path)"), bytes: $0.bytes) })
        }
        defer { running.stop() }
        let picture = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let request = Request(
            arguments: ["--json", "evidence", "add", "CB-2026-0001", "--file", "shot.png"], environment: ["TZ": "Europe/London"],
            stdin: Data("typed text\n".utf8), inputFiles: [InputFile(path: "shot.png", bytes: picture)])

        let response = try Client(socketPath: folder.path("s.sock")).send(request)

        #expect(seen.all == [request])
        #expect(response.exitCode == 3)
        #expect(String(decoding: response.stdout, as: UTF8.self) == "--json|evidence|add|CB-2026-0001|--file|shot.png")
        #expect(response.stderr == Data("typed text\n".utf8))
        #expect(response.outputFiles == [OutputFile(path: "out", kind: .folderEntry("copy-of-shot.png"), bytes: picture)])
    }

    @Test func theServerKnowsTheCallerFromTheKernelOnly() throws {
        let folder = try TemporaryFolder()
        let peers = Collected<Peer>()
        let running = try InProcessServer(socket: folder.path("s.sock")) { _, peer in
            peers.append(peer)
            return Response(exitCode: 0)
        }
        defer { running.stop() }
        // The client claims to be someone else; only the kernel's word counts.
        _ = try Client(socketPath: folder.path("s.sock")).send(Request(arguments: ["--as", "head"], environment: ["CASEBOOK_USER": "head"]))

        let peer = try #require(peers.all.first)
        #expect(peer.uid == getuid())
        #expect(peer.gid == getgid())
        #expect(peer.pid == getpid())
        let expected = getpwuid(getuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) }
        #expect(peer.login != nil)
        #expect(peer.login == expected)
    }

    @Test func theSocketHasTheGivenModeAndGoesWhenTheServerStops() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path) { _, _ in Response(exitCode: 0) }
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFSOCK)
        #expect(status.st_mode & 0o7777 == 0o660)
        running.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(running.log.contains("stopped"))
        #expect(throws: ClientError.noServer(path)) { try Client(socketPath: path).send(Request(arguments: [])) }
    }

    @Test func anotherModeCanBeChosen() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path, configure: { $0.socketMode = 0o600 }) { _, _ in Response(exitCode: 0) }
        defer { running.stop() }
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o600)
    }

    @Test func aFileAtTheSocketPathIsLeftAlone() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("casebook.sqlite")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ServerError.pathExists(path)) { try Server(configuration: ServerConfiguration(socketPath: path)) { _, _ in Response(exitCode: 0) } }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
    }

    @Test func aSecondServerOnTheSameSocketIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path) { _, _ in Response(exitCode: 7) }
        defer { running.stop() }
        var second = ServerConfiguration(socketPath: path)
        second.handlesSignals = false
        #expect(throws: ServerError.inUse(path)) { try Server(configuration: second) { _, _ in Response(exitCode: 0) } }
        #expect(try Client(socketPath: path).send(Request(arguments: [])).exitCode == 7)
    }

    @Test func aStaleSocketIsReplaced() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        // A socket file nobody listens on, as a killed server leaves it.
        let fd = csocket_unix_stream()
        #expect(csocket_bind(fd, path) == 0)
        close(fd)
        #expect(throws: ClientError.noServer(path)) { try Client(socketPath: path).send(Request(arguments: [])) }
        let running = try InProcessServer(socket: path) { _, _ in Response(exitCode: 0) }
        defer { running.stop() }
        #expect(try Client(socketPath: path).send(Request(arguments: [])).exitCode == 0)
    }

    @Test func clientErrorsSayWhatIsWrong() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path("none.sock")
        #expect(throws: ClientError.noServer(missing)) { try Client(socketPath: missing).send(Request(arguments: [])) }
        #expect(ClientError.noServer(missing).description == "no Casebook server at \(missing)")
        #expect(ClientError.noServer(missing).exitCode == 66)
        let long = "/tmp/" + String(repeating: "x", count: 120)
        #expect(throws: ClientError.pathTooLong(long)) { try Client(socketPath: long).send(Request(arguments: [])) }
        #expect(throws: ClientError.self) { try Client(socketPath: missing).send(Request(arguments: [], environment: ["CASEBOOK_DB": "x"])) }
    }

    @Test func oneConnectionMoreThanTheCapIsToldTheServerIsBusy() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let running = try InProcessServer(socket: path, configure: { $0.maxConnections = 1 }) { request, _ in
            if request.arguments == ["hold"] {
                entered.signal()
                release.wait()
            }
            return Response(exitCode: 0, stdout: Data(request.arguments.joined().utf8))
        }
        defer { running.stop() }
        let first = Collected<Response>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let response = try? Client(socketPath: path).send(Request(arguments: ["hold"])) { first.append(response) }
            done.signal()
        }.start()
        entered.wait()  // The only slot is taken.

        let busy = try Client(socketPath: path).send(Request(arguments: ["second"]))

        release.signal()
        done.wait()
        #expect(busy.exitCode == 75)
        #expect(String(decoding: busy.stderr, as: UTF8.self).contains("the Casebook server is busy"))
        #expect(first.all.map(\.exitCode) == [0])
        // The slot is free again once the first connection's thread has closed it (just
        // after its client had the answer).
        let client = Client(socketPath: path)
        #expect(eventually { (try? client.send(Request(arguments: ["third"])))?.stdout == Data("third".utf8) })
    }

    @Test func requestBodiesInMemoryStayWithinTheBudget() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let running = try InProcessServer(socket: path, configure: { $0.memoryBudget = 100 }) { request, _ in
            if request.arguments == ["hold"] {
                entered.signal()
                release.wait()
            }
            return Response(exitCode: 0)
        }
        defer { running.stop() }
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? Client(socketPath: path).send(Request(arguments: ["hold"]))
            done.signal()
        }.start()
        entered.wait()  // Thirteen bytes of body in hand.

        let refused = try Client(socketPath: path).send(Request(arguments: [String(repeating: "a", count: 100)]))

        release.signal()
        done.wait()
        #expect(refused.exitCode == 75)
        // Alone, the same request is served (once the first connection's thread has let go).
        let client = Client(socketPath: path)
        #expect(eventually { (try? client.send(Request(arguments: [String(repeating: "a", count: 100)])))?.exitCode == 0 })
    }

    @Test func anAnswerTooLargeToSendBecomesAnInternalError() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path, configure: { $0.limits.maxResponseBytes = 1000 }) { _, _ in
            Response(exitCode: 0, stdout: Data(count: 2000))
        }
        defer { running.stop() }
        let response = try Client(socketPath: path).send(Request(arguments: []))
        #expect(response.exitCode == 70)
        #expect(String(decoding: response.stderr, as: UTF8.self).contains("the server cannot send the answer: the response is too large"))
    }

    @Test func aStrangerGetsAnErrorItCanRead() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path) { _, _ in Response(exitCode: 0) }
        defer { running.stop() }
        let connection = try RawConnection(to: path)
        connection.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        let response = try connection.response()
        #expect(response.exitCode == 65)
        #expect(String(decoding: response.stderr, as: UTF8.self).hasPrefix("error: the server could not read the request: the bytes received are not a Casebook request"))
    }

    @Test func aClientThatNeverTakesItsAnswerIsDroppedAndOthersAreServed() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path, configure: { $0.responseTimeout = .seconds(1) }) { request, _ in
            // Far more than a socket buffer holds.
            Response(exitCode: 0, stdout: request.arguments == ["big"] ? Data(count: 32 << 20) : Data("small".utf8))
        }
        defer { running.stop() }
        let sleeper = try RawConnection(to: path)
        sleeper.send(Array(try WireEncoder.encode(Request(arguments: ["big"]))))
        // It never reads: the server gives up on it after a second.
        #expect(eventually { running.log.contains { $0.contains("the response could not be delivered (timedOut)") } }, "\(running.log)")
        #expect(try Client(socketPath: path).send(Request(arguments: [])).stdout == Data("small".utf8))
    }

    @Test func aServerThatHangsUpIsReportedAsSuch() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        // A listener that takes the request and closes without a word.
        let listener = csocket_unix_stream()
        #expect(csocket_bind(listener, path) == 0)
        #expect(listen(listener, 1) == 0)
        defer { close(listener) }
        Thread {
            let connection = csocket_accept(listener)
            var buffer = [UInt8](repeating: 0, count: 16)
            _ = read(connection, &buffer, buffer.count)
            close(connection)
        }.start()
        #expect(throws: ClientError.closed(path)) { try Client(socketPath: path).send(Request(arguments: ["list"])) }
        #expect(ClientError.closed(path).exitCode == 74)
    }

    @Test func theClientBoundsTheAnswerItReads() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let running = try InProcessServer(socket: path) { _, _ in Response(exitCode: 0, stdout: Data(count: 5000)) }
        defer { running.stop() }
        var client = Client(socketPath: path)
        client.limits.maxResponseBytes = 1000
        #expect(throws: ClientError.badResponse(.tooLarge(what: "the response", size: 5031, limit: 1000))) {
            try client.send(Request(arguments: []))
        }
    }
}
