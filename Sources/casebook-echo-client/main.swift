// Sends one request to a Casebook server, for CasebookServerTests only.
//
//     casebook-echo-client SOCKET [ARGUMENT…]
//
// Forwards TZ and CASEBOOK_USER when set, writes the response's standard output and error
// to its own, and exits with the response's exit status (or the client error's).
import CasebookServer
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
guard let socket = arguments.first else {
    FileHandle.standardError.write(Data("usage: casebook-echo-client SOCKET [ARGUMENT…]\n".utf8))
    exit(64)
}
let environment = Request.forwardedEnvironment(from: ProcessInfo.processInfo.environment)
do {
    let response = try Client(socketPath: socket).send(Request(arguments: Array(arguments.dropFirst()), environment: environment))
    FileHandle.standardOutput.write(response.stdout)
    FileHandle.standardError.write(response.stderr)
    exit(response.exitCode)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\nhint: \(error.hint)\n".utf8))
    exit(error.exitCode)
}
