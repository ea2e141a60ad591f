import Foundation

// The Casebook server protocol, version 1.
//
// One connection carries one request and its response. Each is a frame:
//
//     header   magic "CBSP" (4 bytes) · version u16 = 1 · kind u8 ('Q' request, 'R' response)
//              · flags u8 = 0 · body length u64                                   (16 bytes)
//     body     sections, back to back, exactly `body length` bytes:
//              tag u8 · payload length u64 · payload
//
// All integers are big-endian. Strings are UTF-8 without NUL bytes.
//
// Request sections (any order, except that arguments keep theirs):
//     0x01 argument      one command-line argument (after the program name); repeated
//     0x02 environment   "NAME=VALUE", NAME is TZ or CASEBOOK_USER, each at most once
//                        (never CASEBOOK_DB: the server chooses the database)
//     0x03 stdin         the bytes of standard input, at most once; absent means the
//                        client forwarded no standard input
//     0x04 input file    u32 path length · path (as the client typed it) · the file's bytes;
//                        repeated, each path at most once
//
// Response sections:
//     0x11 exit status   i32, exactly once
//     0x12 stdout        bytes, at most once
//     0x13 stderr        bytes, at most once
//     0x14 output file   u8 kind (1 file, 2 folder entry) · u32 path length · path (as the
//                        client typed it: the file, or for a folder entry the folder) ·
//                        u32 entry length · entry (empty for a file; for a folder entry one
//                        file name: not empty, not "." or "..", no "/") · the bytes; repeated
//
// An unknown tag, a missing or repeated section, a length past the end of the body or over
// a limit (``WireLimits``), or bytes after the last section make the frame malformed. A
// reader checks every length against its limit before it allocates anything for it, and
// reads the body section by section, so a hostile peer cannot make it allocate more than
// the limits allow.

/// The first four bytes of every frame.
let wireMagic: [UInt8] = Array("CBSP".utf8)
/// The protocol version this build speaks.
public let wireVersion: UInt16 = 1
/// The size of a frame's header.
let wireHeaderSize = 16
/// The size of a section's header (tag and length).
let sectionHeaderSize: UInt64 = 9

/// Which of the two frames.
enum FrameKind: UInt8 {
    case request = 0x51  // "Q"
    case response = 0x52  // "R"
}

/// Section tags.
enum SectionTag: UInt8 {
    case argument = 0x01
    case environment = 0x02
    case stdin = 0x03
    case inputFile = 0x04
    case exitStatus = 0x11
    case stdout = 0x12
    case stderr = 0x13
    case outputFile = 0x14
}

/// The bounds a reader enforces and a writer respects.
public struct WireLimits: Sendable, Equatable {
    /// The largest input file or standard input: 64 MiB (the file limit of SPEC §4) plus
    /// 64 KiB, so that a file just over 64 MiB still reaches the command and is refused
    /// with the command's own message.
    public var maxFileBytes: UInt64 = 64 * 1024 * 1024 + 64 * 1024
    /// The largest request body (every section together).
    public var maxRequestBytes: UInt64 = 256 * 1024 * 1024
    /// The largest response body (output files such as a backup can be large).
    public var maxResponseBytes: UInt64 = 1024 * 1024 * 1024
    /// Most arguments in one request.
    public var maxArguments = 1024
    /// The longest argument, in bytes (Linux's own limit for one argument).
    public var maxArgumentBytes: UInt64 = 128 * 1024
    /// The longest environment value, in bytes.
    public var maxEnvironmentValueBytes: UInt64 = 4096
    /// Most input files in one request.
    public var maxInputFiles = 64
    /// Most output files in one response.
    public var maxOutputFiles = 4096
    /// The longest path, in bytes (PATH_MAX).
    public var maxPathBytes: UInt64 = 4096
    /// The longest folder entry name, in bytes (NAME_MAX).
    public var maxEntryBytes: UInt64 = 255

    public init() {}
}

/// The environment variables a client may forward. The database's location is never among
/// them: the server decides which database it serves.
public let forwardedEnvironmentNames: Set<String> = ["TZ", "CASEBOOK_USER"]

/// A file the command reads, as the client read it with its own permissions.
public struct InputFile: Sendable, Equatable {
    /// The path exactly as the client's command line gave it.
    public var path: String
    /// The file's bytes.
    public var bytes: Data

    public init(path: String, bytes: Data) {
        self.path = path
        self.bytes = bytes
    }
}

/// What a client asks the server to run.
public struct Request: Sendable, Equatable {
    /// The command line after the program name (global options included).
    public var arguments: [String]
    /// The forwarded environment: only names in ``forwardedEnvironmentNames``.
    public var environment: [String: String]
    /// Standard input's bytes, when the command reads it; nil when none was forwarded.
    public var stdin: Data?
    /// The files the command reads, each under the path the client typed.
    public var inputFiles: [InputFile]

    public init(arguments: [String], environment: [String: String] = [:], stdin: Data? = nil, inputFiles: [InputFile] = []) {
        self.arguments = arguments
        self.environment = environment
        self.stdin = stdin
        self.inputFiles = inputFiles
    }

    /// The part of a process's environment a client forwards (``forwardedEnvironmentNames``).
    public static func forwardedEnvironment(from environment: [String: String]) -> [String: String] {
        environment.filter { forwardedEnvironmentNames.contains($0.key) }
    }
}

/// A file the command produced, for the client to write with its own permissions.
public struct OutputFile: Sendable, Equatable {
    /// Where the file goes, relative to the path the client typed.
    public enum Kind: Sendable, Equatable {
        /// `path` is the file itself (`timeline --out FILE`, `backup --out FILE`).
        case file
        /// `path` is a folder and the file is `entry` inside it (`evidence get --out DIR`).
        case folderEntry(String)
    }

    /// The path exactly as the client's command line gave it.
    public var path: String
    public var kind: Kind
    public var bytes: Data

    public init(path: String, kind: Kind = .file, bytes: Data) {
        self.path = path
        self.kind = kind
        self.bytes = bytes
    }
}

/// What the server answers.
public struct Response: Sendable, Equatable {
    public var exitCode: Int32
    public var stdout: Data
    public var stderr: Data
    public var outputFiles: [OutputFile]

    public init(exitCode: Int32, stdout: Data = Data(), stderr: Data = Data(), outputFiles: [OutputFile] = []) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.outputFiles = outputFiles
    }

    /// A refusal by the transport itself, worded like the command line's errors.
    public static func error(_ exitCode: Int32, _ message: String, hint: String? = nil) -> Response {
        var text = "error: \(message)\n"
        if let hint { text += "hint: \(hint)\n" }
        return Response(exitCode: exitCode, stderr: Data(text.utf8))
    }
}

/// Why a frame could not be written or read.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The first bytes are not a Casebook frame.
    case notCasebook
    /// A Casebook frame of another protocol version.
    case unsupportedVersion(UInt16)
    /// A frame of the wrong kind (a response where a request belongs, or the reverse).
    case wrongKind
    /// Something is larger (or more numerous) than its limit.
    case tooLarge(what: String, size: UInt64, limit: UInt64)
    /// Anything else wrong with the frame's structure or content.
    case malformed(String)

    public var description: String {
        switch self {
        case .notCasebook: return "the bytes received are not a Casebook request or response"
        case .unsupportedVersion(let version):
            return "the other side speaks version \(version) of the Casebook server protocol; this one speaks version \(wireVersion)"
        case .wrongKind: return "the frame received is of the wrong kind"
        case .tooLarge(let what, let size, let limit):
            let unit = what.hasPrefix("the number of") ? "" : " bytes"
            return "\(what) is too large (\(size)\(unit); the limit is \(limit)\(unit))"
        case .malformed(let reason): return "malformed frame: \(reason)"
        }
    }
}
