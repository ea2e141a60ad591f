import Foundation
import Testing

/// Tracks own their parts (issue 18, item 6): a track is its library folder, its
/// command-line words file and one registration line per module. Measured on the LADO
/// track: the files under `Sources/` that mention it (any letter case, comments included)
/// are at most 6, and only these. A switch or a table that names the track elsewhere fails
/// here: give the track a hook instead (`CaseTrack`, `TrackWords`).
@Suite struct TrackFilesTests {
    /// Where the LADO track may be named, and why.
    static let allowed: [String: String] = [
        "Casebook/Tracks/LADO/LADO.swift": "the track: steps, guards, rules, hooks, forms, state",
        "Casebook/Tracks/LADO/LADO+Events.swift": "the track: its commands and events (coding, evolution, narration)",
        "Casebook/Tracks/Tracks.swift": "the library's registration line",
        "CasebookCLI/Tracks/LADOWords.swift": "the command line's words for the track",
        "CasebookCLI/Commands/Commands.swift": "the command line's registration line",
        "CasebookBench/CaseGenerator.swift": "the benchmark's generated cases take the track's steps, as tests do",
    ]

    @Test func theLADOTrackIsNamedInAtMostSixFilesOutsideTests() throws {
        let sources = SourceSizeTests.sources
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            Issue.record("cannot list \(sources.path)")
            return
        }
        var naming: [String] = []
        for case let url as URL in walker where !url.hasDirectoryPath {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if text.range(of: "lado", options: .caseInsensitive) != nil {
                naming.append(String(url.path.dropFirst(sources.path.count + 1)))
            }
        }
        #expect(naming.count <= 6, "the LADO track is named in \(naming.count) files: \(naming.sorted())")
        for path in naming { #expect(Self.allowed[path] != nil, "\(path) names the LADO track outside its files") }
        // The measure is real: the track's own files are found.
        #expect(naming.contains("Casebook/Tracks/LADO/LADO.swift"))
    }
}
