import Foundation

// MARK: - Writing

/// Builds frames. It refuses anything a reader with the same limits would refuse, so a
/// frame it writes is never rejected for its shape.
public enum WireEncoder {
    public static func encode(_ request: Request, limits: WireLimits = WireLimits()) throws(WireError) -> Data {
        var body = Body()
        guard request.arguments.count <= limits.maxArguments else {
            throw .tooLarge(what: "the number of arguments", size: UInt64(request.arguments.count), limit: UInt64(limits.maxArguments))
        }
        for argument in request.arguments {
            try Validate.text(argument, what: "an argument", limit: limits.maxArgumentBytes)
            body.section(.argument, Data(argument.utf8))
        }
        for (name, value) in request.environment.sorted(by: { $0.key < $1.key }) {
            try Validate.environment(name: name, value: value, limits: limits)
            body.section(.environment, Data("\(name)=\(value)".utf8))
        }
        if let stdin = request.stdin {
            try Validate.size(UInt64(stdin.count), what: "standard input", limit: limits.maxFileBytes)
            body.section(.stdin, stdin)
        }
        guard request.inputFiles.count <= limits.maxInputFiles else {
            throw .tooLarge(what: "the number of input files", size: UInt64(request.inputFiles.count), limit: UInt64(limits.maxInputFiles))
        }
        var paths = Set<String>()
        for file in request.inputFiles {
            try Validate.path(file.path, limits: limits)
            guard paths.insert(file.path).inserted else { throw .malformed("the input file \(file.path) is given twice") }
            try Validate.size(UInt64(file.bytes.count), what: "the file \(file.path)", limit: limits.maxFileBytes)
            var payload = Data()
            payload.append(u32: UInt32(file.path.utf8.count))
            payload.append(contentsOf: Array(file.path.utf8))
            payload.append(file.bytes)
            body.section(.inputFile, payload)
        }
        return try body.frame(.request, limit: limits.maxRequestBytes, what: "the request")
    }

    public static func encode(_ response: Response, limits: WireLimits = WireLimits()) throws(WireError) -> Data {
        var body = Body()
        var status = Data()
        status.append(u32: UInt32(bitPattern: response.exitCode))
        body.section(.exitStatus, status)
        body.section(.stdout, response.stdout)
        body.section(.stderr, response.stderr)
        guard response.outputFiles.count <= limits.maxOutputFiles else {
            throw .tooLarge(what: "the number of output files", size: UInt64(response.outputFiles.count), limit: UInt64(limits.maxOutputFiles))
        }
        for file in response.outputFiles {
            try Validate.path(file.path, limits: limits)
            var payload = Data()
            switch file.kind {
            case .file:
                payload.append(1)
                payload.append(u32: UInt32(file.path.utf8.count))
                payload.append(contentsOf: Array(file.path.utf8))
                payload.append(u32: 0)
            case .folderEntry(let entry):
                try Validate.entry(entry, limits: limits)
                payload.append(2)
                payload.append(u32: UInt32(file.path.utf8.count))
                payload.append(contentsOf: Array(file.path.utf8))
                payload.append(u32: UInt32(entry.utf8.count))
                payload.append(contentsOf: Array(entry.utf8))
            }
            payload.append(file.bytes)
            body.section(.outputFile, payload)
        }
        return try body.frame(.response, limit: limits.maxResponseBytes, what: "the response")
    }

    /// A frame's body being built.
    private struct Body {
        var data = Data()

        mutating func section(_ tag: SectionTag, _ payload: Data) {
            data.append(tag.rawValue)
            data.append(u64: UInt64(payload.count))
            data.append(payload)
        }

        func frame(_ kind: FrameKind, limit: UInt64, what: String) throws(WireError) -> Data {
            try Validate.size(UInt64(data.count), what: what, limit: limit)
            var frame = Data(capacity: wireHeaderSize + data.count)
            frame.append(contentsOf: wireMagic)
            frame.append(UInt8(wireVersion >> 8))
            frame.append(UInt8(wireVersion & 0xff))
            frame.append(kind.rawValue)
            frame.append(0)
            frame.append(u64: UInt64(data.count))
            frame.append(data)
            return frame
        }
    }
}

extension Data {
    mutating func append(u32 value: UInt32) {
        append(contentsOf: [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)])
    }

    mutating func append(u64 value: UInt64) {
        append(contentsOf: (0..<8).reversed().map { UInt8(value >> (UInt64($0) * 8) & 0xff) })
    }
}

// MARK: - Checks shared by writer and reader

enum Validate {
    static func size(_ size: UInt64, what: String, limit: UInt64) throws(WireError) {
        guard size <= limit else { throw .tooLarge(what: what, size: size, limit: limit) }
    }

    static func text(_ text: String, what: String, limit: UInt64) throws(WireError) {
        try size(UInt64(text.utf8.count), what: what, limit: limit)
        guard !text.utf8.contains(0) else { throw .malformed("\(what) contains a NUL byte") }
    }

    static func path(_ path: String, limits: WireLimits) throws(WireError) {
        try text(path, what: "a path", limit: limits.maxPathBytes)
        guard !path.isEmpty else { throw .malformed("a path is empty") }
    }

    static func entry(_ entry: String, limits: WireLimits) throws(WireError) {
        try text(entry, what: "a folder entry", limit: limits.maxEntryBytes)
        // A plain name, or plain names under subfolders (`exhibits/IK-1/post.png`): never
        // absolute, empty, `.` or `..` in any part.
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .malformed("a folder entry is not a relative path of plain file names")
        }
    }

    static func environment(name: String, value: String, limits: WireLimits) throws(WireError) {
        guard forwardedEnvironmentNames.contains(name) else {
            throw .malformed("the environment variable \(name) is not forwarded (only \(forwardedEnvironmentNames.sorted().joined(separator: ", ")))")
        }
        try text(value, what: "the value of \(name)", limit: limits.maxEnvironmentValueBytes)
    }

    /// Strict UTF-8: bytes that decode and re-encode to themselves.
    static func utf8(_ bytes: [UInt8], what: String) throws(WireError) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { throw .malformed("\(what) is not UTF-8") }
        return text
    }
}

// MARK: - Reading

/// Where a reader's bytes come from: a socket (with a deadline) or memory.
protocol ByteSource {
    /// Fills the buffer completely, or throws (a source that ends early throws).
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws
}

/// Bytes in memory, for tests and for decoding a frame already read.
struct MemorySource: ByteSource {
    let data: Data
    var offset = 0

    init(_ data: Data) { self.data = data }

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count <= data.count - offset else { throw WireError.malformed("the frame ends early") }
        let start = data.startIndex + offset
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<start + buffer.count)
        offset += buffer.count
    }
}

extension ByteSource {
    mutating func bytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { try bytes.withUnsafeMutableBytes { try fill($0) } }
        return bytes
    }

    /// Reads `count` bytes (already checked against a limit) a mebibyte at a time. The
    /// storage is reserved once (no copies as it grows); the kernel backs its pages only as
    /// they are written, so resident memory grows with what has arrived rather than with
    /// what the peer announced.
    mutating func data(_ count: UInt64) throws -> Data {
        var data = Data(capacity: Int(count))
        var remaining = count
        let chunk: UInt64 = 1 << 20
        var buffer = [UInt8](repeating: 0, count: Int(Swift.min(count, chunk)))
        while remaining > 0 {
            let size = Int(Swift.min(remaining, chunk))
            try buffer.withUnsafeMutableBytes { try fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
            data.append(contentsOf: buffer[0..<size])
            remaining -= UInt64(size)
        }
        return data
    }

    mutating func u8() throws -> UInt8 { try bytes(1)[0] }

    mutating func u32() throws -> UInt32 { try bytes(4).reduce(0) { $0 << 8 | UInt32($1) } }

    mutating func u64() throws -> UInt64 { try bytes(8).reduce(0) { $0 << 8 | UInt64($1) } }
}

/// Reads frames: the header first (so a stranger's bytes are turned away after sixteen
/// bytes), then each section's header, checking every length against what is left of the
/// body and against its limit before reading what it announces.
public enum WireDecoder {
    /// Reads a header and returns the body's length, checked against `limit`.
    static func header<Source: ByteSource>(_ source: inout Source, kind: FrameKind, limit: UInt64, what: String) throws -> UInt64 {
        let header = try source.bytes(wireHeaderSize)
        guard Array(header[0..<4]) == wireMagic else { throw WireError.notCasebook }
        let version = UInt16(header[4]) << 8 | UInt16(header[5])
        guard version == wireVersion else { throw WireError.unsupportedVersion(version) }
        guard header[6] == kind.rawValue else { throw WireError.wrongKind }
        guard header[7] == 0 else { throw WireError.malformed("unknown flags") }
        let length = header[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        try Validate.size(length, what: what, limit: limit)
        return length
    }

    /// The sections of a body of `length` bytes, one at a time.
    struct Sections<Source: ByteSource> {
        var remaining: UInt64

        /// The next section's tag and payload length (checked against what is left), or nil
        /// at the end of the body.
        mutating func next(_ source: inout Source) throws -> (SectionTag, UInt64)? {
            guard remaining > 0 else { return nil }
            guard remaining >= sectionHeaderSize else { throw WireError.malformed("a section header runs past the end of the body") }
            let rawTag = try source.u8()
            let length = try source.u64()
            remaining -= sectionHeaderSize
            guard let tag = SectionTag(rawValue: rawTag) else { throw WireError.malformed("unknown section \(rawTag)") }
            guard length <= remaining else { throw WireError.malformed("a section runs past the end of the body") }
            remaining -= length
            return (tag, length)
        }
    }

    /// Reads one request from `source`.
    static func request<Source: ByteSource>(_ source: inout Source, limits: WireLimits) throws -> Request {
        let length = try header(&source, kind: .request, limit: limits.maxRequestBytes, what: "the request")
        return try requestBody(&source, length: length, limits: limits)
    }

    static func requestBody<Source: ByteSource>(_ source: inout Source, length: UInt64, limits: WireLimits) throws -> Request {
        var sections = Sections<Source>(remaining: length)
        var request = Request(arguments: [])
        var paths = Set<String>()
        while let (tag, length) = try sections.next(&source) {
            switch tag {
            case .argument:
                guard request.arguments.count < limits.maxArguments else {
                    throw WireError.tooLarge(what: "the number of arguments", size: UInt64(request.arguments.count + 1), limit: UInt64(limits.maxArguments))
                }
                try Validate.size(length, what: "an argument", limit: limits.maxArgumentBytes)
                let argument = try Validate.utf8(try source.bytes(Int(length)), what: "an argument")
                try Validate.text(argument, what: "an argument", limit: limits.maxArgumentBytes)
                request.arguments.append(argument)
            case .environment:
                try Validate.size(length, what: "an environment variable", limit: limits.maxEnvironmentValueBytes + 64)
                let pair = try Validate.utf8(try source.bytes(Int(length)), what: "an environment variable")
                guard let equals = pair.firstIndex(of: "=") else { throw WireError.malformed("an environment variable has no value") }
                let name = String(pair[..<equals])
                let value = String(pair[pair.index(after: equals)...])
                try Validate.environment(name: name, value: value, limits: limits)
                guard request.environment.updateValue(value, forKey: name) == nil else {
                    throw WireError.malformed("the environment variable \(name) is given twice")
                }
            case .stdin:
                guard request.stdin == nil else { throw WireError.malformed("standard input is given twice") }
                try Validate.size(length, what: "standard input", limit: limits.maxFileBytes)
                request.stdin = try source.data(length)
            case .inputFile:
                guard request.inputFiles.count < limits.maxInputFiles else {
                    throw WireError.tooLarge(what: "the number of input files", size: UInt64(request.inputFiles.count + 1), limit: UInt64(limits.maxInputFiles))
                }
                guard length >= 4 else { throw WireError.malformed("an input file section is too short") }
                let pathLength = UInt64(try source.u32())
                guard pathLength <= length - 4 else { throw WireError.malformed("an input file's path runs past its section") }
                try Validate.size(pathLength, what: "a path", limit: limits.maxPathBytes)
                let path = try Validate.utf8(try source.bytes(Int(pathLength)), what: "a path")
                try Validate.path(path, limits: limits)
                guard paths.insert(path).inserted else { throw WireError.malformed("the input file \(path) is given twice") }
                let size = length - 4 - pathLength
                try Validate.size(size, what: "the file \(path)", limit: limits.maxFileBytes)
                request.inputFiles.append(InputFile(path: path, bytes: try source.data(size)))
            case .exitStatus, .stdout, .stderr, .outputFile:
                throw WireError.malformed("a response section in a request")
            }
        }
        return request
    }

    /// Reads one response from `source`.
    static func response<Source: ByteSource>(_ source: inout Source, limits: WireLimits) throws -> Response {
        let length = try header(&source, kind: .response, limit: limits.maxResponseBytes, what: "the response")
        var sections = Sections<Source>(remaining: length)
        var exitCode: Int32?
        var stdout: Data?
        var stderr: Data?
        var files: [OutputFile] = []
        while let (tag, length) = try sections.next(&source) {
            switch tag {
            case .exitStatus:
                guard exitCode == nil else { throw WireError.malformed("the exit status is given twice") }
                guard length == 4 else { throw WireError.malformed("the exit status is not four bytes") }
                exitCode = Int32(bitPattern: try source.u32())
            case .stdout:
                guard stdout == nil else { throw WireError.malformed("standard output is given twice") }
                stdout = try source.data(length)
            case .stderr:
                guard stderr == nil else { throw WireError.malformed("standard error is given twice") }
                stderr = try source.data(length)
            case .outputFile:
                guard files.count < limits.maxOutputFiles else {
                    throw WireError.tooLarge(what: "the number of output files", size: UInt64(files.count + 1), limit: UInt64(limits.maxOutputFiles))
                }
                guard length >= 9 else { throw WireError.malformed("an output file section is too short") }
                let rawKind = try source.u8()
                let pathLength = UInt64(try source.u32())
                guard pathLength <= length - 9 else { throw WireError.malformed("an output file's path runs past its section") }
                try Validate.size(pathLength, what: "a path", limit: limits.maxPathBytes)
                let path = try Validate.utf8(try source.bytes(Int(pathLength)), what: "a path")
                try Validate.path(path, limits: limits)
                let entryLength = UInt64(try source.u32())
                guard entryLength <= length - 9 - pathLength else { throw WireError.malformed("an output file's entry runs past its section") }
                let kind: OutputFile.Kind
                switch rawKind {
                case 1:
                    guard entryLength == 0 else { throw WireError.malformed("an output file has an entry name") }
                    kind = .file
                case 2:
                    try Validate.size(entryLength, what: "a folder entry", limit: limits.maxEntryBytes)
                    let entry = try Validate.utf8(try source.bytes(Int(entryLength)), what: "a folder entry")
                    try Validate.entry(entry, limits: limits)
                    kind = .folderEntry(entry)
                default:
                    throw WireError.malformed("unknown output file kind \(rawKind)")
                }
                files.append(OutputFile(path: path, kind: kind, bytes: try source.data(length - 9 - pathLength - entryLength)))
            case .argument, .environment, .stdin, .inputFile:
                throw WireError.malformed("a request section in a response")
            }
        }
        guard let exitCode else { throw WireError.malformed("the response has no exit status") }
        return Response(exitCode: exitCode, stdout: stdout ?? Data(), stderr: stderr ?? Data(), outputFiles: files)
    }

    /// Decodes a whole request held in memory; bytes after the frame are refused.
    public static func decodeRequest(_ data: Data, limits: WireLimits = WireLimits()) throws(WireError) -> Request {
        var source = MemorySource(data)
        do {
            let request = try request(&source, limits: limits)
            guard source.offset == data.count else { throw WireError.malformed("bytes after the end of the frame") }
            return request
        } catch let error as WireError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// Decodes a whole response held in memory; bytes after the frame are refused.
    public static func decodeResponse(_ data: Data, limits: WireLimits = WireLimits()) throws(WireError) -> Response {
        var source = MemorySource(data)
        do {
            let response = try response(&source, limits: limits)
            guard source.offset == data.count else { throw WireError.malformed("bytes after the end of the frame") }
            return response
        } catch let error as WireError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }
}
