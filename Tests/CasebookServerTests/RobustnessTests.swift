import CasebookServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The robustness test, against `casebook-echo-server` in its own process (so its
/// memory can be measured alone): twenty clients at once while hostile ones send a gibibyte
/// of garbage, disconnect mid-request and stall; the server serves everyone else throughout
/// and stays within its memory bound.
@Suite("Server robustness")
struct RobustnessTests {
    static let gibibyte = 1 << 30

    @Test func twentyClientsAreServedWhileHostileOnesAreTurnedAway() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let server = try EchoServer(socket: path, in: folder, options: ["--timeout", "1"])
        let client = Client(socketPath: path)
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        let chunk = Array(random.readData(ofLength: 1 << 20))
        try random.close()

        // Twenty clients whose requests are all in hand at once: the handler holds each until
        // the twentieth has arrived (the barrier), so they truly overlap.
        let clients = 20
        let answers = Collected<(Int, Response?)>()
        let finished = DispatchGroup()
        for index in 0..<clients {
            finished.enter()
            Thread {
                let response = try? client.send(Request(arguments: ["barrier", "\(clients)", "client-\(index)"]))
                answers.append((index, response))
                finished.leave()
            }.start()
        }

        // Meanwhile, 1 GiB of garbage, streamed a mebibyte at a time: turned away after the
        // header, long before the end.
        let garbage = try RawConnection(to: path)
        let garbageTaken = garbage.stream(chunk, total: Self.gibibyte)
        let garbageAnswer = try garbage.response()

        // A well-formed header announcing a 1 GiB body: refused from the header alone.
        let oversized = try RawConnection(to: path)
        let oversizedTaken = oversized.stream(requestHeader(bodyLength: UInt64(Self.gibibyte)) + chunk, total: Self.gibibyte)
        let oversizedAnswer = try oversized.response()

        // A body within the request limit whose first section announces 200 MiB of argument.
        let inflated = try RawConnection(to: path)
        let inflatedTaken = inflated.stream(
            requestHeader(bodyLength: 250 << 20) + sectionHeader(tag: 1, length: 200 << 20) + chunk, total: 250 << 20)
        let inflatedAnswer = try inflated.response()

        // Half a request, then gone.
        let quitter = try RawConnection(to: path)
        quitter.send(requestHeader(bodyLength: 1000) + sectionHeader(tag: 1, length: 991) + Array(repeating: 0x61, count: 400))
        // Gone: both directions shut; the descriptor itself is closed once, by the connection.
        shutdown(quitter.fd, Int32(SHUT_RDWR))

        // A request that never ends, and a connection that never says anything.
        let staller = try RawConnection(to: path)
        staller.send(requestHeader(bodyLength: 100) + sectionHeader(tag: 1, length: 91) + Array(repeating: 0x61, count: 10))
        let stallerAnswer = try staller.response()
        let silent = try RawConnection(to: path)
        let silentAnswer = try silent.response()

        finished.wait()

        // Everyone else was served, each with its own answer.
        let served = answers.all.sorted { $0.0 < $1.0 }
        #expect(served.count == clients)
        for (index, response) in served {
            let text = response.map { String(decoding: $0.stdout, as: UTF8.self) } ?? "no response"
            #expect(response?.exitCode == 0, "client \(index): \(text)")
            #expect(text.contains("argument client-\(index)\n"), "client \(index): \(text)")
        }
        // The garbage was refused early, not read to its end, and its sender could still
        // read why (a Unix socket delivers what was queued before the server closed).
        #expect(garbageTaken < 64 << 20)
        #expect(garbageAnswer.exitCode == 65)
        #expect(oversizedTaken < 64 << 20)
        #expect(oversizedAnswer.exitCode == 65)
        #expect(String(decoding: oversizedAnswer.stderr, as: UTF8.self).contains("the request is too large"))
        #expect(inflatedTaken < 64 << 20)
        #expect(inflatedAnswer.exitCode == 65)
        #expect(String(decoding: inflatedAnswer.stderr, as: UTF8.self).contains("an argument is too large"))
        // The stalled requests were timed out with an answer saying so.
        #expect(stallerAnswer.exitCode == 74)
        #expect(String(decoding: stallerAnswer.stderr, as: UTF8.self).contains("the request did not reach the server within 1.0 seconds"))
        #expect(silentAnswer.exitCode == 74)
        // Still serving, and within its memory bound.
        let after = try client.send(Request(arguments: ["after"]))
        #expect(String(decoding: after.stdout, as: UTF8.self).contains("argument after\n"))
        let peak = try client.send(Request(arguments: ["peak-memory"]))
        let kibibytes = try #require(Int(String(decoding: peak.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kibibytes < 200 * 1024, "peak resident memory \(kibibytes) KiB")
        #expect(server.process.isRunning)
        // The log says what happened (the quitter's line may come last: wait for it).
        #expect(eventually { server.log.contains("disconnected before the end of its request") }, "\(server.log)")
        #expect(server.log.contains("refused a request: the bytes received are not a Casebook request"), "\(server.log)")
    }
}
