import Foundation

extension InvestigationTrack {
    /// The investigation's steps (000 §13.3–13.4, §13.7, §14).
    static let forms: [StepForm] = [
        StepForm(
            .startInvestigation, purpose: "Start the investigation (000 §13.3); needs at least one evidence item.", clause: "000 §13.3",
            make: { _ in .startInvestigation }),
        StepForm(
            .addNote, purpose: "Add a note to the investigation.",
            inputs: [StepInput("text", .longText, required: true, inOrder: true, help: "The note.")],
            make: { values in .addNote(try values.required("text")) }),
        StepForm(
            .identifySource, purpose: "Record who posted the material (000 §13.4).", clause: "000 §13.4",
            inputs: [
                StepInput("kind", StepInput.values(of: SourceKind.self), required: true, help: "One of: \(SourceKind.choices)."),
                StepInput("ref", .text, help: "A reference such as an account handle."),
            ],
            choice: "kind",
            make: { values in .identifySource(try values.word("kind", as: SourceKind.self), ref: values.optional("ref")) }),
        StepForm(
            .assessThreat, purpose: "Assess whether the material is threatening or intimidating (000 §13.7).", clause: "000 §13.7",
            inputs: [
                StepInput(
                    "threat",
                    .marks([
                        StepInput.Mark("threatening", help: "The material is threatening or intimidating."),
                        StepInput.Mark("not-threatening", help: "It is not."),
                    ]), required: true, help: "Whether the material is threatening or intimidating."),
                StepInput("rationale", .longText, required: true, help: "Why."),
            ],
            choice: "threat",
            make: { values in
                .assessThreat(isThreatening: try values.mark("threat") == "threatening", rationale: try values.required("rationale"))
            }),
        StepForm(
            .concludeInvestigation, purpose: "Conclude the investigation with a finding; needs the source and the threat assessment.",
            inputs: [
                StepInput("finding", StepInput.values(of: Finding.self), required: true, help: "One of: \(Finding.choices)."),
                StepInput("summary", .longText, required: true, help: "The conclusion."),
            ],
            choice: "finding",
            make: { values in
                .concludeInvestigation(try values.word("finding", as: Finding.self), summary: try values.required("summary"))
            }),
        StepForm(
            .referBehaviour, purpose: "Refer a pupil source under the behaviour policy (000 §13.4).", clause: "000 §13.4",
            inputs: [StepInput("pupil", .text, placeholder: "ref", required: true, help: "The pupil's reference in the school's records.")],
            make: { values in .referBehaviour(pupil: try values.required("pupil")) }),
        StepForm(
            .referDisciplinary, purpose: "Refer a staff source to the disciplinary procedure (000 §14).", clause: "000 §14",
            inputs: [StepInput("staff", .staff, required: true, help: "The member of staff referred.")],
            make: { values in .referDisciplinary(staff: try values.required("staff")) }),
    ]
}
