// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Casebook",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Casebook", targets: ["Casebook"]),
        .executable(name: "casebook", targets: ["casebook"]),
        .executable(name: "casebook-bench", targets: ["CasebookBench"]),
    ],
    targets: [
        // The system's libsqlite3, through a three-line module map.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The top-level schema.sql (the application's part of the schema), compiled into the
        // binary with C23 #embed: the file is the schema the program runs, never a copy.
        .target(name: "CasebookSchema"),
        // The fixtures/ files, compiled in the same way, for `casebook demo`.
        .target(name: "CasebookFixtures"),
        // renameat2(RENAME_NOREPLACE), which Glibc's Swift module does not import: new files
        // are moved into place without ever replacing what is there (SPEC §5).
        .target(name: "CFileSystem"),
        // SHA-256's compression function on the CPU's SHA instructions (x86 SHA-NI, ARMv8
        // SHA2), chosen at run time; EventLog's Swift SHA256 falls back to portable code.
        .target(name: "CSHA256"),
        // The event log's own tables and triggers, Sources/EventLog/EventLog.sql, compiled in
        // the same way: EventStore applies them before the application's schema.
        .target(name: "CEventLogSchema"),
        .target(
            name: "EventLog", dependencies: ["CSQLite", "CFileSystem", "CSHA256", "CEventLogSchema"],
            exclude: ["EventLog.sql"]),
        .target(name: "Casebook", dependencies: ["EventLog", "CasebookSchema"]),
        // The browser's front end (issue 22): pages rendered from what the commands print.
        .target(name: "CasebookWeb", dependencies: ["EventLog"]),
        .target(name: "CasebookCLI", dependencies: ["Casebook", "EventLog", "CasebookFixtures", "CasebookServer", "CasebookWeb"]),
        .executableTarget(name: "casebook", dependencies: ["CasebookCLI"]),
        .executableTarget(name: "CasebookBench", dependencies: ["Casebook", "EventLog", "CSQLite"]),
        // The floor of SPEC §7 for one CLI command: start, open with the same pragmas, insert one row.
        .executableTarget(name: "casebook-floor", dependencies: ["CSQLite"]),
        // A tiny writer used by the multi-process and crash tests of the event log.
        .executableTarget(name: "eventlog-tool", dependencies: ["EventLog"]),
        // Server mode's transport: the wire protocol, the Unix-socket server and client.
        .target(name: "CSocket"),
        .target(name: "CasebookServer", dependencies: ["CSocket"]),
        // A server and a client around an echoing handler, used only by CasebookServerTests.
        .executableTarget(name: "casebook-echo-server", dependencies: ["CasebookServer"]),
        .executableTarget(name: "casebook-echo-client", dependencies: ["CasebookServer"]),
        // Helpers shared by the test targets (a seeded generator, a strict CSV reader).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "TestSupport"]),
        .testTarget(name: "CasebookTests", dependencies: ["Casebook", "EventLog", "TestSupport"]),
        .testTarget(
            name: "CasebookCLITests", dependencies: ["CasebookCLI", "Casebook", "CasebookWeb", "EventLog", "TestSupport"],
            exclude: ["Support/Scripts"]),
        .testTarget(name: "CasebookServerTests", dependencies: ["CasebookServer", "CSocket"]),
        .testTarget(name: "CasebookWebTests", dependencies: ["CasebookWeb", "CasebookServer", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
