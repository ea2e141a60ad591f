import Foundation

extension PoliceTrack {
    /// Consent, the police referral and telling the force (000 §13.7, §14.5).
    static let forms: [StepForm] = [
        StepForm(
            .recordConsent, purpose: "Record the affected person's decision on a police referral (000 §13.7).", clause: "000 §13.7",
            inputs: [
                StepInput(
                    "decision",
                    .marks([
                        StepInput.Mark("given", help: "Consent given."), StepInput.Mark("declined", help: "Consent declined."),
                        StepInput.Mark("withdrawn", help: "Consent withdrawn."),
                    ]), required: true, help: "The affected person's decision."),
                StepInput("by", .staff, required: true, help: "The affected person (consent is theirs)."),
            ],
            subject: "by", choice: "decision",
            make: { values in
                .recordConsent(
                    try StepValues.word(values.mark("decision"), input: "decision", as: ConsentDecision.self), by: try values.required("by"))
            }),
        StepForm(
            .referToPolice,
            purpose: "Refer the case to the police: threatening material with consent (000 §13.7), a child-protection override, or conduct the school considers unlawful (000 §14.5).",
            clause: "000 §13.7",
            inputs: [
                StepInput("force", .text, placeholder: "name", required: true, help: "The police force."),
                StepInput("reference", .text, placeholder: "crn", help: "The crime reference number."),
                StepInput(
                    "override-reason", .longText,
                    help: "Refer without consent for child protection (headteacher or safeguarding lead only)."),
                StepInput(
                    "unlawful", .flag, clause: "000 §14.5",
                    help: "Report conduct the school considers unlawful (000 §14.5): the school's decision, with its reason; needs neither threatening material nor consent (headteacher, senior manager or safeguarding lead)."),
                StepInput(
                    "reason", .longText, clause: "000 §14.5", help: "Only with unlawful: why the school considers the conduct unlawful."),
            ],
            make: { values in
                let force = try values.required("force")
                let reference = values.optional("reference")
                if values.flag("unlawful") {
                    guard values.optional("override-reason") == nil else { throw StepInputError.separateRoutes("unlawful", "override-reason") }
                    guard let reason = values.optional("reason") else {
                        throw StepInputError.needs(input: "unlawful", other: "reason", clause: "000 §14.5")
                    }
                    return .referToPoliceUnlawful(force: force, reference: reference, reason: reason)
                }
                guard values.optional("reason") == nil else {
                    throw StepInputError.onlyWith(input: "reason", other: "unlawful", instead: "override-reason")
                }
                return .referToPolice(force: force, reference: reference, overrideReason: values.optional("override-reason"))
            }),
        StepForm(
            .notifyPolice,
            purpose: "Record that the force was told the affected person withdrew consent after the referral (000 §13.7).",
            clause: "000 §13.7", make: { _ in .notifyPolice }),
    ]
}

extension SupportTrack {
    /// Support for the affected person (000 §13.8).
    static let forms: [StepForm] = [
        StepForm(
            .offerSupport, purpose: "Offer support and signpost services (000 §13.8).", clause: "000 §13.8",
            inputs: [StepInput("service", .text, placeholder: "name", required: true, repeatable: true, help: "A service signposted; repeat for several.")],
            make: { values in .offerSupport(services: values.all("service")) }),
        StepForm(
            .recordSupportResponse, purpose: "Record whether the support was accepted.",
            inputs: [
                StepInput(
                    "response", .marks([StepInput.Mark("accepted", help: "Accepted."), StepInput.Mark("declined", help: "Declined.")]),
                    required: true, help: "Whether the support was accepted.")
            ],
            choice: "response",
            make: { values in .recordSupportResponse(try StepValues.word(values.mark("response"), input: "response", as: SupportResponse.self)) }),
    ]
}

extension ClosingTrack {
    /// Closing, reopening and correcting a closure (SPEC §2.9).
    static let forms: [StepForm] = [
        StepForm(
            .close, purpose: "Close the case with an outcome and an action; refused (listing every missing step) until the case is complete.",
            inputs: [
                StepInput("outcome", .longText, required: true, help: "The outcome summary."),
                StepInput("action", StepInput.values(of: CloseAction.self), required: true, help: "One of: \(CloseAction.choices)."),
            ],
            make: { values in .close(outcome: try values.required("outcome"), action: try values.word("action", as: CloseAction.self)) }),
        StepForm(
            .reopen, purpose: "Reopen a closed case, with the reason.",
            inputs: [StepInput("reason", .longText, required: true, help: "Why it is reopened.")],
            make: { values in .reopen(reason: try values.required("reason")) }),
        StepForm(
            .correctClosure,
            purpose: "Correct the latest closure's outcome and action, with the reason (SPEC §2.9); the outcome as first recorded stays in the timeline, marked superseded.",
            inputs: [
                StepInput("outcome", .longText, required: true, help: "The correct outcome summary."),
                StepInput("action", StepInput.values(of: CloseAction.self), required: true, help: "One of: \(CloseAction.choices)."),
                StepInput("reason", .longText, required: true, help: "Why the outcome recorded was wrong."),
            ],
            make: { values in
                .correctClosure(
                    outcome: try values.required("outcome"), action: try values.word("action", as: CloseAction.self),
                    reason: try values.required("reason"))
            }),
    ]
}

extension CorrectionsTrack {
    /// Withdrawing an entry made in error (SPEC §2.9).
    static let forms: [StepForm] = [
        StepForm(
            .withdraw,
            purpose: "Withdraw an entry made in error, with the reason; it stays in the timeline, marked withdrawn (SPEC §2.9).",
            inputs: [
                StepInput(
                    "item", .item, required: true, inOrder: true,
                    help: "E1… evidence, N1… notes, R1… referrals, T1… takedown requests, or source, assessment, consent, not-applicable."),
                StepInput("reason", .longText, required: true, help: "Why it was an error."),
            ],
            subject: "item",
            make: { values in .withdraw(item: try values.required("item"), reason: try values.required("reason")) }),
    ]
}

extension ConcernTrack {
    /// Triage of a concern (SPEC §11).
    static let forms: [StepForm] = [
        StepForm(
            .triage,
            purpose: "Accept a concern as a case (what was given becomes E1), or decline it as not a case with the reason (SPEC §11).",
            inputs: [
                StepInput("decision", .choice(["accept", "decline"]), required: true, inOrder: true, help: "accept or decline."),
                StepInput("reason", .longText, help: "Why (required to decline)."),
            ],
            choice: "decision",
            make: { values in
                let decline = try values.required("decision").lowercased() == "decline"
                if decline, values.optional("reason") == nil {
                    throw StepInputError.requiredWhen(input: "reason", other: "decision", value: "decline")
                }
                return .triage(accept: !decline, reason: values.optional("reason"))
            }),
    ]
}
