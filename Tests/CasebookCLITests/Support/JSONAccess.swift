import EventLog
import Foundation

/// Short reads into what JSONSerialization gives.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [Any]? { self[key] as? [Any] }
    func objects(_ key: String) -> [[String: Any]] { (self[key] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
    func isNull(_ key: String) -> Bool { self[key] is NSNull }
}

/// The fixtures' contents and hashes.
enum Fixtures {
    static let all = ["screenshot-post.png", "screenshot-comment.jpg", "removal-check.png", "abusive-email.eml", "voicemail.wav"]

    static func data(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture(name))) }

    static func sha256(_ name: String) throws -> String { SHA256.hex([UInt8](try data(name))) }
}
