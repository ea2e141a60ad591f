import Foundation

extension StepInput {
    /// The evidence item a step acts on, given after the case (`E2`).
    public static let evidenceItem = StepInput("evidence", .item, required: true, inOrder: true, help: "The item, e.g. E2.")
    /// The takedown request a step acts on, given after the case (`T1`).
    public static let takedownRequest = StepInput("request", .item, required: true, inOrder: true, help: "The takedown request, e.g. T1.")
}

extension EvidenceTrack {
    /// Adding evidence (000 §12.2), and attaching files to an item added earlier.
    static let forms: [StepForm] = [
        StepForm(
            .addEvidence, purpose: "Capture an evidence item (000 §12.2).", clause: "000 §12.2",
            inputs: [
                StepInput("kind", values(EvidenceKind.self), placeholder: "kind", required: true, help: "One of: \(EvidenceKind.choices)."),
                StepInput("url", .text, placeholder: "url", help: "The address of the material (required for web and social)."),
                StepInput("captured-at", .time, help: "When it was captured (default: when the step happened)."),
                StepInput("posted-at", .time, help: "When it was posted, if known."),
                StepInput("platform", .text, placeholder: "name", help: "The platform or site."),
                StepInput("file", .file, repeatable: true, help: "A screenshot, saved email or audio file (64 MiB at most)."),
                StepInput("description", .longText, help: "What it shows."),
                StepInput(
                    "child-sexual-imagery", .flag, clause: "SPEC §9",
                    help: "The item is sexual imagery of a child: record where it is and what it is, never a file (SPEC §9)."),
            ],
            choice: "kind",
            check: { values in
                // Refused before any file is even read.
                if values.flag("child-sexual-imagery"), !values.all("file").isEmpty || !values.files("file").isEmpty {
                    throw CasebookError.invalidInput(Workflow.childSexualImageryNoFiles)
                }
            },
            make: { values in
                .addEvidence(
                    EvidenceDraft(
                        kind: try values.word("kind", as: EvidenceKind.self), url: values.optional("url"),
                        capturedAt: values.time("captured-at"), postedAt: values.time("posted-at"), platform: values.optional("platform"),
                        description: values.optional("description"), files: values.files("file"),
                        isChildSexualImagery: values.flag("child-sexual-imagery")))
            }),
        StepForm(
            .addEvidence, variant: "attach", purpose: "Add files to an evidence item captured earlier (hashed and stored like the first).",
            inputs: [
                .evidenceItem,
                StepInput("file", .file, required: true, repeatable: true, help: "A screenshot, saved email or audio file (64 MiB at most)."),
            ],
            subject: "evidence",
            make: { values in .attachFiles(evidence: try values.required("evidence"), files: values.files("file")) }),
    ]

    private static func values<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> StepInput.Kind where T.RawValue == String {
        StepInput.values(of: type)
    }
}
