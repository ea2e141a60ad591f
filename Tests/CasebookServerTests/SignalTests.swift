import CasebookServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Stopping the server")
struct SignalTests {
    /// SIGTERM while a request is in hand: the server stops accepting and removes its socket
    /// at once, finishes the request, and exits 0.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalLetsTheRequestInHandFinish(signal number: Int32) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let server = try EchoServer(socket: path, in: folder)
        let inHand = folder.path("in-hand")
        let release = folder.path("release")
        let answer = Collected<Response>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let response = try? Client(socketPath: path).send(Request(arguments: ["hold", inHand, release])) {
                answer.append(response)
            }
            done.signal()
        }.start()
        #expect(eventually { FileManager.default.fileExists(atPath: inHand) })

        server.signal(number)

        // The socket goes first: new clients find no server.
        #expect(eventually { !FileManager.default.fileExists(atPath: path) })
        #expect(throws: ClientError.noServer(path)) { try Client(socketPath: path).send(Request(arguments: [])) }
        #expect(server.process.isRunning)  // Still finishing the request in hand.
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        done.wait()
        let response = try #require(answer.all.first)
        #expect(response.exitCode == 0)
        #expect(String(decoding: response.stdout, as: UTF8.self).contains("argument hold\n"))
        #expect(server.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(server.log.contains("stopped"))
    }

    @Test func anIdleServerStopsAtOnce() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.sock")
        let server = try EchoServer(socket: path, in: folder)
        #expect(try Client(socketPath: path).send(Request(arguments: ["x"])).exitCode == 0)
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
