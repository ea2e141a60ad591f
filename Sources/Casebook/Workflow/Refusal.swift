/// Why the workflow refuses a step now: the rule, its policy clause, and the step that
/// would unblock it (SPEC §2: "Every refusal names the rule, the policy clause, and the
/// step that would unblock it").
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule's stable name, e.g. `police-needs-consent`.
    public var rule: String
    /// Where the rule comes from, e.g. `000 §13.7`.
    public var clause: String
    /// What is missing, in plain words.
    public var reason: String
    /// The command that would unblock it.
    public var unblock: String

    /// Creates a refusal.
    public init(rule: String, clause: String, reason: String, unblock: String) {
        self.rule = rule
        self.clause = clause
        self.reason = reason
        self.unblock = unblock
    }

    public var description: String { "\(reason) [\(rule), \(clause)]; to unblock: \(unblock)" }
}
