import Foundation
import Testing

@testable import CasebookServer

@Suite("Wire protocol")
struct WireTests {
    static let request = Request(
        arguments: ["--json", "evidence", "add", "CB-2026-0001", "--file", "shot.png", "--description", "a post — quoted “here”"],
        environment: ["TZ": "Europe/London", "CASEBOOK_USER": "head"],
        stdin: Data("line one\nline two\n".utf8),
        inputFiles: [
            InputFile(path: "shot.png", bytes: Data([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])),
            InputFile(path: "/home/a/empty.txt", bytes: Data()),
        ])

    static let response = Response(
        exitCode: 65, stdout: Data("E1\n".utf8), stderr: Data("error: no\nhint: yes\n".utf8),
        outputFiles: [
            OutputFile(path: "timeline.html", bytes: Data("<html>".utf8)),
            OutputFile(path: "out-folder", kind: .folderEntry("E1-1-shot.png"), bytes: Data([0, 0, 1])),
        ])

    @Test func aRequestSurvivesTheRoundTrip() throws {
        let frame = try WireEncoder.encode(Self.request)
        #expect(Array(frame.prefix(8)) == Array("CBSP".utf8) + [0, 1, 0x51, 0])
        #expect(try WireDecoder.decodeRequest(frame) == Self.request)
    }

    @Test func aResponseSurvivesTheRoundTrip() throws {
        let frame = try WireEncoder.encode(Self.response)
        #expect(try WireDecoder.decodeResponse(frame) == Self.response)
        let negative = Response(exitCode: -1)
        #expect(try WireDecoder.decodeResponse(try WireEncoder.encode(negative)) == negative)
    }

    @Test func absentAndEmptyStandardInputDiffer() throws {
        let none = Request(arguments: ["list"])
        let empty = Request(arguments: ["list"], stdin: Data())
        #expect(try WireDecoder.decodeRequest(try WireEncoder.encode(none)).stdin == nil)
        #expect(try WireDecoder.decodeRequest(try WireEncoder.encode(empty)).stdin == Data())
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let frame = try WireEncoder.encode(Self.request)
        for length in 0..<frame.count {
            #expect(throws: WireError.self) { try WireDecoder.decodeRequest(frame.prefix(length)) }
        }
        let answer = try WireEncoder.encode(Self.response)
        for length in 0..<answer.count {
            #expect(throws: WireError.self) { try WireDecoder.decodeResponse(answer.prefix(length)) }
        }
    }

    @Test func bytesAfterTheFrameAreRefused() throws {
        let frame = try WireEncoder.encode(Self.request) + Data([0])
        #expect(throws: WireError.malformed("bytes after the end of the frame")) { try WireDecoder.decodeRequest(frame) }
    }

    @Test func changedBytesNeverCrashTheReader() throws {
        // Every single byte of a request replaced by several values: each result either
        // decodes (a changed argument's letter, say) or is refused with a WireError.
        let frame = try WireEncoder.encode(Self.request)
        var refused = 0
        for index in 0..<frame.count {
            for value: UInt8 in [0x00, 0x01, 0x7f, 0x80, 0xff] where frame[index] != value {
                var changed = frame
                changed[index] = value
                do {
                    _ = try WireDecoder.decodeRequest(changed)
                } catch {
                    refused += 1
                }
            }
        }
        #expect(refused > frame.count)  // Every header and length byte, at least.
    }

    @Test func strangersAndOtherVersionsAreToldApart() throws {
        #expect(throws: WireError.notCasebook) { try WireDecoder.decodeRequest(Data("GET / HTTP/1.1\r\n\r\n".utf8)) }
        var frame = try WireEncoder.encode(Self.request)
        frame[5] = 2
        #expect(throws: WireError.unsupportedVersion(2)) { try WireDecoder.decodeRequest(frame) }
        let answer = try WireEncoder.encode(Self.response)
        #expect(throws: WireError.wrongKind) { try WireDecoder.decodeRequest(answer) }
        #expect(throws: WireError.wrongKind) { try WireDecoder.decodeResponse(try WireEncoder.encode(Self.request)) }
    }

    @Test func announcedLengthsAreCheckedBeforeAnythingIsRead() throws {
        // A header announcing 1 TiB: refused from its sixteen bytes.
        let huge = Data(requestHeader(bodyLength: 1 << 40))
        #expect(throws: WireError.tooLarge(what: "the request", size: 1 << 40, limit: 256 * 1024 * 1024)) {
            try WireDecoder.decodeRequest(huge)
        }
        // A section announcing more than the body holds.
        let past = Data(requestHeader(bodyLength: 9) + sectionHeader(tag: 1, length: 1 << 62))
        #expect(throws: WireError.malformed("a section runs past the end of the body")) { try WireDecoder.decodeRequest(past) }
        // An argument over its limit, announced inside a body large enough to hold it.
        let long = Data(requestHeader(bodyLength: 9 + 200_000) + sectionHeader(tag: 1, length: 200_000))
        #expect(throws: WireError.tooLarge(what: "an argument", size: 200_000, limit: 128 * 1024)) { try WireDecoder.decodeRequest(long) }
        // A file over its limit.
        var limits = WireLimits()
        limits.maxFileBytes = 10
        let file = Request(arguments: [], inputFiles: [InputFile(path: "a", bytes: Data(count: 11))])
        #expect(throws: WireError.tooLarge(what: "the file a", size: 11, limit: 10)) { try WireEncoder.encode(file, limits: limits) }
        #expect(throws: WireError.tooLarge(what: "the file a", size: 11, limit: 10)) {
            try WireDecoder.decodeRequest(try WireEncoder.encode(file), limits: limits)
        }
    }

    @Test func countsAreBounded() throws {
        var limits = WireLimits()
        limits.maxArguments = 3
        limits.maxInputFiles = 1
        let many = Request(arguments: ["a", "b", "c", "d"])
        #expect(throws: WireError.tooLarge(what: "the number of arguments", size: 4, limit: 3)) {
            try WireDecoder.decodeRequest(try WireEncoder.encode(many), limits: limits)
        }
        let files = Request(arguments: [], inputFiles: [InputFile(path: "a", bytes: Data()), InputFile(path: "b", bytes: Data())])
        #expect(throws: WireError.tooLarge(what: "the number of input files", size: 2, limit: 1)) {
            try WireDecoder.decodeRequest(try WireEncoder.encode(files), limits: limits)
        }
    }

    @Test func theDatabaseLocationIsNeverForwarded() throws {
        let request = Request(arguments: ["list"], environment: ["CASEBOOK_DB": "/tmp/other.sqlite"])
        #expect(throws: WireError.self) { try WireEncoder.encode(request) }
        // Written by hand, as a hostile client would.
        let pair = Array("CASEBOOK_DB=/tmp/other.sqlite".utf8)
        let frame = Data(requestHeader(bodyLength: 9 + UInt64(pair.count)) + sectionHeader(tag: 2, length: UInt64(pair.count)) + pair)
        #expect(throws: WireError.malformed("the environment variable CASEBOOK_DB is not forwarded (only CASEBOOK_USER, TZ)")) {
            try WireDecoder.decodeRequest(frame)
        }
    }

    @Test func aClientForwardsOnlyTheZoneAndTheClaimedUser() {
        let environment = ["TZ": "Europe/London", "CASEBOOK_USER": "head", "CASEBOOK_DB": "/tmp/x.sqlite", "HOME": "/home/a"]
        #expect(Request.forwardedEnvironment(from: environment) == ["TZ": "Europe/London", "CASEBOOK_USER": "head"])
    }

    @Test func textMustBeUTF8WithoutNUL() throws {
        let invalid: [UInt8] = [0x66, 0xff, 0x6f]
        let frame = Data(requestHeader(bodyLength: 9 + 3) + sectionHeader(tag: 1, length: 3) + invalid)
        #expect(throws: WireError.malformed("an argument is not UTF-8")) { try WireDecoder.decodeRequest(frame) }
        #expect(throws: WireError.malformed("an argument contains a NUL byte")) { try WireEncoder.encode(Request(arguments: ["a\u{0}b"])) }
    }

    @Test func repeatedSectionsAreRefused() throws {
        let stdin = sectionHeader(tag: 3, length: 1) + [0x41]
        let twice = Data(requestHeader(bodyLength: UInt64(stdin.count * 2)) + stdin + stdin)
        #expect(throws: WireError.malformed("standard input is given twice")) { try WireDecoder.decodeRequest(twice) }
        let files = Request(arguments: [], inputFiles: [InputFile(path: "a", bytes: Data()), InputFile(path: "a", bytes: Data())])
        #expect(throws: WireError.malformed("the input file a is given twice")) { try WireEncoder.encode(files) }
    }

    @Test func folderEntriesAreRelativePathsOfPlainNames() throws {
        for entry in ["", ".", "..", "../escape", "/a", "a//b", "a/../b", "a/", "a/."] {
            let response = Response(exitCode: 0, outputFiles: [OutputFile(path: "dir", kind: .folderEntry(entry), bytes: Data())])
            #expect(throws: WireError.self) { try WireEncoder.encode(response) }
        }
        // Written by hand: kind 2, path "d", entry "..".
        let payload: [UInt8] = [2, 0, 0, 0, 1, 0x64, 0, 0, 0, 2, 0x2e, 0x2e]
        let status = sectionHeader(tag: 0x11, length: 4) + [0, 0, 0, 0]
        let body = status + sectionHeader(tag: 0x14, length: UInt64(payload.count)) + payload
        let frame = Data(Array("CBSP".utf8) + [0, 1, 0x52, 0] + (0..<8).reversed().map { UInt8(UInt64(body.count) >> (UInt64($0) * 8) & 0xff) } + body)
        #expect(throws: WireError.malformed("a folder entry is not a relative path of plain file names")) { try WireDecoder.decodeResponse(frame) }
        // Subfolders are allowed (the police bundle's exhibits/IK-1/…).
        let nested = Response(exitCode: 0, outputFiles: [OutputFile(path: "dir", kind: .folderEntry("exhibits/IK-1/post.png"), bytes: Data())])
        #expect(try WireDecoder.decodeResponse(WireEncoder.encode(nested)) == nested)
    }

    @Test func aResponseNeedsItsExitStatus() throws {
        let body = sectionHeader(tag: 0x12, length: 0)
        let frame = Data(Array("CBSP".utf8) + [0, 1, 0x52, 0] + [0, 0, 0, 0, 0, 0, 0, UInt8(body.count)] + body)
        #expect(throws: WireError.malformed("the response has no exit status")) { try WireDecoder.decodeResponse(frame) }
    }
}
