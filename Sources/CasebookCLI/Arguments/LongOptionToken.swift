/// An argument of the form `--name` or `--name=value`, split into its parts.
struct LongOptionToken {
    /// The name, without the dashes.
    var name: Substring
    /// What follows the first `=`, if there is one (possibly empty).
    var value: Substring?

    /// Splits `argument`, or fails if it does not start with `--` followed by something.
    init?(_ argument: String) {
        guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
        let body = argument.dropFirst(2)
        if let equals = body.firstIndex(of: "=") {
            name = body[..<equals]
            value = body[body.index(after: equals)...]
        } else {
            name = body
            value = nil
        }
    }
}
