/// A programmer error: a state the code's own invariants say cannot happen. It is thrown,
/// never trapped (no `precondition` is reachable from a request), and is not a
/// ``CasebookError``, so the command line answers that one command with exit 70 (internal
/// error), writes nothing, and a server keeps serving.
public struct ProgrammerError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
