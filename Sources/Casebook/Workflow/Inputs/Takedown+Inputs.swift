import Foundation

extension TakedownTrack {
    /// Asking a host to take material down (000 §13.5–13.6).
    static let forms: [StepForm] = [
        StepForm(
            .requestTakedown, purpose: "Ask a host to remove or amend material (000 §13.5).", clause: "000 §13.5",
            inputs: [
                StepInput("evidence", .ids, required: true, help: "The URL evidence it covers: E1 or E1,E2."),
                StepInput("host", .text, placeholder: "host", help: "The host (default: the evidence URLs' host)."),
                StepInput("method", StepInput.values(of: TakedownMethod.self), required: true, help: "One of: \(TakedownMethod.choices)."),
                StepInput(
                    "by", StepInput.values(of: RequestSender.self), placeholder: "sender",
                    help: "school (default), or complainant when the site insists the person asks and the school supports them."),
                StepInput(
                    "platform-reference", .text, placeholder: "ref",
                    help: "The platform's own reference for the report (the helplines ask for it, SPEC §10)."),
            ],
            subject: "evidence",
            make: { values in
                .requestTakedown(
                    evidence: try values.ids("evidence"), host: values.optional("host"),
                    method: try values.word("method", as: TakedownMethod.self),
                    sentBy: try values.optionalWord("by", as: RequestSender.self) ?? .school,
                    platformReference: values.optional("platform-reference"))
            }),
        StepForm(
            .recordHostResponse, purpose: "Record the host's response to a takedown request.",
            inputs: [
                .takedownRequest,
                StepInput("result", StepInput.values(of: HostResponse.self), required: true, help: "One of: \(HostResponse.choices)."),
                StepInput("file", .file, help: "The platform's reply (a saved email or screenshot), kept like evidence."),
            ],
            subject: "request", choice: "result",
            make: { values in
                .recordHostResponse(
                    request: try values.required("request"), try values.word("result", as: HostResponse.self),
                    file: values.files("file").first)
            }),
        StepForm(
            .checkRemoval, purpose: "Record a check of whether the material was removed (000 §13.6).", clause: "000 §13.6",
            inputs: [
                .takedownRequest,
                StepInput("result", StepInput.values(of: CheckResult.self), required: true, help: "One of: \(CheckResult.choices)."),
                StepInput("file", .file, help: "A screenshot of what the check found."),
            ],
            subject: "request", choice: "result",
            make: { values in
                .checkRemoval(
                    request: try values.required("request"), try values.word("result", as: CheckResult.self),
                    file: values.files("file").first)
            }),
        StepForm(
            .declareTakedownNotApplicable, purpose: "Declare that host takedown does not apply, with the reason.",
            inputs: [StepInput("reason", .longText, required: true, help: "Why (e.g. the material was a private message).")],
            make: { values in .declareTakedownNotApplicable(reason: try values.required("reason")) }),
    ]
}

extension ISPTrack {
    /// Escalating a takedown request to the ISP (000 §13.6).
    static let forms: [StepForm] = [
        StepForm(
            .escalateToISP,
            purpose: "Escalate a takedown request to the ISP (000 §13.6): when the host refused, did not respond, the material is still present, or the deadline passed.",
            clause: "000 §13.6",
            inputs: [.takedownRequest, StepInput("isp", .text, placeholder: "name", required: true, help: "The internet service provider.")],
            subject: "request",
            make: { values in .escalateToISP(request: try values.required("request"), isp: try values.required("isp")) }),
        StepForm(
            .recordISPResponse, purpose: "Record the ISP's response to an escalation.",
            inputs: [
                .takedownRequest,
                StepInput("result", StepInput.values(of: ISPResponse.self), required: true, help: "One of: \(ISPResponse.choices)."),
            ],
            subject: "request", choice: "result",
            make: { values in .recordISPResponse(request: try values.required("request"), try values.word("result", as: ISPResponse.self)) }),
    ]
}

extension HelplineTrack {
    /// Escalating to POSH or Report Harmful Content (SPEC §10): one form for both helplines.
    static let forms: [StepForm] = [
        StepForm(
            .escalateToPOSH, alsoTakes: [.escalateToReportHarmfulContent],
            purpose: "Escalate a takedown request to POSH or Report Harmful Content (SPEC §10): when the platform refused, the material is still present, or the wait passed.",
            inputs: [
                .takedownRequest,
                StepInput("to", StepInput.values(of: Helpline.self), placeholder: "helpline", required: true, help: "One of: \(Helpline.choices)."),
                StepInput("reference", .text, placeholder: "ref", help: "The helpline's own reference for the case."),
            ],
            subject: "request", choice: "to",
            make: { values in
                .escalateToHelpline(
                    request: try values.required("request"), try values.word("to", as: Helpline.self), reference: values.optional("reference"))
            }),
        StepForm(
            .recordHelplineResponse, purpose: "Record a helpline's response to an escalation; it resolves the request for closing.",
            inputs: [
                .takedownRequest,
                StepInput("result", StepInput.values(of: HelplineResult.self), required: true, help: "One of: \(HelplineResult.choices)."),
            ],
            subject: "request", choice: "result",
            make: { values in
                .recordHelplineResponse(request: try values.required("request"), try values.word("result", as: HelplineResult.self))
            }),
    ]
}
