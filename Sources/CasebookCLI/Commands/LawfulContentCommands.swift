import Casebook
import EventLog
import Foundation

/// `category add|remove`, `evidence flag`, `evidence purge`, `report ROUTE` (SPEC §9).
enum LawfulContentCommands {
    static func category(add: Bool) -> Command {
        CaseCommands.step(
            StepForms.form(.changeCategory, variant: add ? "add" : "remove"), name: add ? "category add" : "category remove",
            examples: ["casebook category \(add ? "add" : "remove") CB-2026-0001 child-sexual-imagery"],
            describe: { state, events, invocation in
                var text = "\(state.reference): categories now \(state.opened.categories.map(\.rawValue).joined(separator: ", "))."
                text += purged(events, invocation)
                if add, state.involvesChildSexualImagery {
                    text += "\nOnly the safeguarding lead and the headteacher can now see \(state.reference). No file may be added to it."
                }
                return text
            })
    }

    static let flag = CaseCommands.step(
        StepForms.form(.flagEvidence), name: "evidence flag",
        examples: ["casebook evidence flag CB-2026-0001 E2 --child-sexual-imagery"],
        describe: { state, events, invocation in
            let item = invocation.arguments.positionals.dropFirst().first?.uppercased() ?? "The item"
            return "\(item) on \(state.reference) is marked as child sexual imagery." + purged(events, invocation)
        })

    static let purge = CaseCommands.step(
        StepForms.form(.purgeFiles), name: "evidence purge",
        examples: ["casebook evidence purge CB-2026-0001 E2 --reason 'Erasure request from the member of staff'"],
        discussion: """
            Bytes another live evidence item still refers to are kept (the purge says so). The space \
            is reused by later files; to shrink the file itself, see docs/DATA-PROTECTION.md.
            """,
        describe: { _, events, invocation in purged(events, invocation).trimmingCharacters(in: .newlines) })

    static func report(_ route: ReferralRoute) -> Command {
        let isNone = route == .none
        return CaseCommands.step(
            StepForms.form(.recordReferralDecision, variant: route.rawValue), name: "report \(route.rawValue)",
            examples: [
                isNone
                    ? "casebook report none CB-2026-0001 --reason 'Image already removed; no police criteria met (UKCIS)'"
                    : "casebook report \(route.rawValue) CB-2026-0001 --reference REF-1234"
            ],
            discussion: """
                UKCIS 'Sharing nudes and semi-nudes' says the police must be involved when an adult is \
                involved, there is coercion or blackmail, a child is under 13, there is immediate risk \
                of harm, or the content is extreme. A case involving child sexual imagery cannot close \
                until a decision is recorded (headteacher, safeguarding lead).
                """,
            describe: { state, _, _ in
                isNone
                    ? "\(state.reference): decision not to refer recorded."
                    : "\(state.reference): referral to \(words(route)) recorded."
            })
    }

    static let reports: [Command] = ReferralRoute.allCases.map(report)

    static func words(_ route: ReferralRoute) -> String { route.recipient }

    /// What a purge did, one line per file; "deleted" only once no file of the database holds
    /// the bytes (``Casebook/completeErasure()``), otherwise where they remain and until when.
    static func purged(_ events: [CaseEvent], _ invocation: Invocation) -> String {
        var text = ""
        let purges = events.compactMap { event -> CaseEvent.Purge? in
            if case .filesPurged(let purge) = event { return purge }
            return nil
        }
        guard !purges.isEmpty else { return "" }
        let remaining = erasureRemains(invocation)
        for purge in purges {
            text += "\nPurged the files of \(purge.items.joined(separator: ", ")) (\(purge.reason)):"
            for file in purge.files {
                let kept =
                    !purge.erased.contains(file.sha256)
                    ? "bytes kept: another item still holds them"
                    : remaining == nil ? "bytes deleted" : "bytes erased from the database, not yet from its write-ahead log"
                text += "\n  \(TextField.escaped(file.name))  \(file.size) bytes  sha256 \(file.sha256)  \(kept)"
            }
        }
        if let remaining { text += "\n" + remaining }
        return text
    }

    /// The sentence for erased content still in the write-ahead log, or nil when it is gone
    /// from every file.
    static func erasureRemains(_ invocation: Invocation) -> String? {
        // Said after the erasure committed, from the database the command already opened
        // (`casebook()` returns it): a failure here can only lose this advisory note, and the
        // next command that opens the database completes the truncation it would mention.
        guard let casebook = try? invocation.casebook() else { return nil }
        switch casebook.retention.completeErasure() {
        case .complete: return nil
        case .remainsInWriteAheadLog(let log):
            return "note: another connection (a server, a running verify) is reading the database, so copies of the erased content remain in \(log) until it finishes; the next casebook command after that removes them."
        }
    }
}
