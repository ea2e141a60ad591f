import Foundation

/// An email address for alerts (SPEC §11): `local@domain`, checked before it is stored so
/// no address can carry a header or a second recipient into a message.
public enum EmailAddress {
    /// The address, trimmed; invalid input naming the problem otherwise.
    public static func validate(_ text: String, field: String = "the email address") throws -> String {
        let address = text.trimmingCharacters(in: .whitespaces)
        func refuse(_ why: String) -> CasebookError {
            CasebookError.invalidInput("\(field) '\(TextField.escaped(address))' is not an email address: \(why)")
        }
        guard !address.isEmpty, address.utf8.count <= 254 else { throw refuse("it must be 1 to 254 characters") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("it needs exactly one @") }
        let local = parts[0]
        let domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy(localAllowed.contains), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else { throw refuse("the part before @ may hold letters, digits and !#$%&'*+/=?^_`{|}~-. only, without a leading, trailing or double dot") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard !domain.isEmpty,
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(labelAllowed.contains) && !$0.hasPrefix("-") && !$0.hasSuffix("-") })
        else { throw refuse("the domain must be dot-separated labels of letters, digits and hyphens") }
        return address
    }
}
