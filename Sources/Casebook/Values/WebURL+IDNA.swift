import Foundation

// MARK: - IDNA

extension WebURL {
    /// Domain to ASCII, as far as a case file needs it: compatibility forms folded (NFKC,
    /// so full-width `ＧＯ．com` is `go.com`), lower-cased, the ideographic full stops read as
    /// dots, the soft hyphen dropped, and each label with other than ASCII written as
    /// `xn--` Punycode (RFC 3492). Characters no domain should hold (spaces, controls,
    /// invisible format characters, private-use and unassigned code points) are refused.
    enum IDNA {
        static func toASCII(_ domain: String, shown: String) throws -> String {
            if domain.unicodeScalars.allSatisfy(\.isASCII) {
                guard !domain.isEmpty else { throw CasebookError.invalidInput("\(shown) has no host") }
                return domain.lowercased()
            }
            var mapped = String.UnicodeScalarView()
            for scalar in domain.unicodeScalars {
                switch scalar.value {
                case 0x00AD: continue
                case 0x3002, 0xFF0E, 0xFF61: mapped.append(".")
                default: mapped.append(scalar)
                }
            }
            let folded = String(mapped).precomposedStringWithCompatibilityMapping.lowercased()
                .precomposedStringWithCompatibilityMapping
            for scalar in folded.unicodeScalars where !scalar.isASCII {
                switch scalar.properties.generalCategory {
                case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate,
                    .unassigned:
                    throw CasebookError.invalidInput(
                        "\(shown): the host contains \(TextField.name(of: scalar)), which no domain may hold")
                default: continue
                }
            }
            guard !folded.isEmpty else { throw CasebookError.invalidInput("\(shown) has no host") }
            return folded.split(separator: ".", omittingEmptySubsequences: false).map { label in
                label.unicodeScalars.allSatisfy(\.isASCII) ? String(label) : "xn--" + Punycode.encode(Array(label.unicodeScalars))
            }.joined(separator: ".")
        }
    }

    /// RFC 3492 Punycode, encoding only.
    enum Punycode {
        private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700

        static func encode(_ input: [Unicode.Scalar]) -> String {
            let codes = input.map { Int($0.value) }
            var output = codes.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
            let basicCount = output.count
            var handled = basicCount
            if basicCount > 0 { output.append("-") }
            var n = 0x80, delta = 0, bias = 72
            while handled < codes.count {
                let next = codes.filter { $0 >= n }.min() ?? n
                delta += (next - n) * (handled + 1)
                n = next
                for code in codes {
                    if code < n { delta += 1 }
                    if code == n {
                        var q = delta
                        var k = base
                        while true {
                            let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                            if q < t { break }
                            output.append(digit(t + (q - t) % (base - t)))
                            q = (q - t) / (base - t)
                            k += base
                        }
                        output.append(digit(q))
                        bias = adapt(delta, handled + 1, isFirst: handled == basicCount)
                        delta = 0
                        handled += 1
                    }
                }
                delta += 1
                n += 1
            }
            return String(output)
        }

        private static func digit(_ value: Int) -> Character {
            Character(Unicode.Scalar(UInt8(value < 26 ? 0x61 + value : 0x30 + value - 26)))
        }

        private static func adapt(_ delta: Int, _ count: Int, isFirst: Bool) -> Int {
            var delta = isFirst ? delta / damp : delta / 2
            delta += delta / count
            var k = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                k += base
            }
            return k + (base - tMin + 1) * delta / (delta + skew)
        }
    }
}
