/// A vocabulary a track can extend (``Step``, ``Rule``, ``Permission``, ``Deadline/Kind``):
/// values named by a stable string, declared as `static let` members — the built-in ones
/// beside the type, a track's in an extension in its folder — and listed by `allCases`
/// (the built-in list, then each registered track's). Equal when their ids are; read back
/// from a stored id only when the library knows it.
public protocol OpenSet: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible
where RawValue == String, AllCases == [Self] {}

extension OpenSet {
    /// A value known to the library (built in or of a registered track); nil otherwise.
    public init?(rawValue: String) {
        guard let known = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    public var description: String { rawValue }
    public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
