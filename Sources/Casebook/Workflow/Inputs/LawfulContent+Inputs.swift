import Foundation

extension LawfulContentTrack {
    /// Categories, marking an item, purging files and the referral decision (SPEC §9, UKCIS).
    static let forms: [StepForm] =
        [true, false].map { add in
            StepForm(
                .changeCategory, variant: add ? "add" : "remove",
                purpose: add
                    ? "Add a category to a case; child-sexual-imagery purges every file it holds and restricts it to the safeguarding lead and the headteacher."
                    : "Remove a category from a case.",
                inputs: [StepInput("category", StepInput.values(of: Category.self), required: true, inOrder: true, help: "One of: \(Category.choices).")],
                choice: "category",
                make: { values in .changeCategory(try values.word("category", as: Category.self), add: add) })
        } + [
            StepForm(
                .flagEvidence, purpose: "Mark an evidence item as child sexual imagery: its files are purged and no file may be kept for it.",
                clause: "SPEC §9",
                inputs: [.evidenceItem, StepInput("child-sexual-imagery", .flag, required: true, help: "What the item is (the one mark; required).")],
                subject: "evidence",
                make: { values in .flagEvidence(item: try values.required("evidence")) }),
            StepForm(
                .purgeFiles,
                purpose: "Delete the bytes of an evidence item's files, keeping their hashes and sizes (headteacher, safeguarding lead).",
                inputs: [.evidenceItem, StepInput("reason", .longText, required: true, help: "Why (recorded).")],
                subject: "evidence",
                make: { values in .purgeFiles(item: try values.required("evidence"), reason: try values.required("reason")) }),
        ] + ReferralRoute.allCases.map { route in
            let isNone = route == .none
            return StepForm(
                .recordReferralDecision, variant: route.rawValue,
                purpose: isNone
                    ? "Record the safeguarding lead's decision not to refer child sexual imagery, with the reason (UKCIS)."
                    : "Record that child sexual imagery was referred to \(route.recipient), with its reference (UKCIS).",
                clause: "UKCIS",
                inputs: [
                    isNone
                        ? StepInput("reason", .longText, required: true, help: "Why it is not referred.")
                        : StepInput("reference", .text, placeholder: "ref", required: true, help: "The reference \(route.recipient) gave.")
                ],
                make: { values in .recordReferralDecision(route, reference: values.optional("reference"), reason: values.optional("reason")) })
        }
}

extension ReferralRoute {
    /// Who a referral goes to, in words: `the Internet Watch Foundation`.
    public var recipient: String {
        switch self {
        case .police: return "the police"
        case .iwf: return "the Internet Watch Foundation"
        case .reportRemove: return "Childline's Report Remove"
        case .ceop: return "CEOP"
        case .none: return "no one"
        }
    }
}
