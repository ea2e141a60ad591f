import Casebook
import EventLog
import Foundation

/// The command line's words for the library's steps: which command takes each step, and
/// how a refusal's ``StepReference`` reads as a command to type
/// (`casebook takedown request CB-2026-0001 --evidence E3 --method M`).
enum StepWords {
    /// How a bundle's recipient re-checks its JSON export (issue 23).
    static let verifyBundleExport = "casebook verify --export timeline.json"

    /// How a timeline's recipient checks it (the document's verification statement).
    static func verifyTimeline(_ reference: CaseReference) -> String {
        "take its JSON export (\(MessageWords.command(.exportTimelineJSON(reference)))) and run "
            + "'\(MessageWords.command(.verifyExport))'"
    }

    /// The command that takes a step.
    static func command(_ step: Step) -> String {
        switch step {
        case .addEvidence: return "evidence add"
        case .startInvestigation: return "investigate start"
        case .addNote: return "investigate note"
        case .identifySource: return "investigate source"
        case .assessThreat: return "investigate assess"
        case .referBehaviour: return "refer behaviour"
        case .referDisciplinary: return "refer disciplinary"
        case .concludeInvestigation: return "investigate conclude"
        case .requestTakedown: return "takedown request"
        case .recordHostResponse: return "takedown response"
        case .checkRemoval: return "takedown check"
        case .declareTakedownNotApplicable: return "takedown not-applicable"
        case .escalateToISP: return "isp escalate"
        case .recordISPResponse: return "isp response"
        case .escalateToPOSH, .escalateToReportHarmfulContent: return "helpline escalate"
        case .recordHelplineResponse: return "helpline response"
        case .recordConsent: return "police consent"
        case .referToPolice: return "police refer"
        case .notifyPolice: return "police notified"
        case .offerSupport: return "support offer"
        case .recordSupportResponse: return "support response"
        case .close: return "close"
        case .reopen: return "reopen"
        case .withdraw: return "withdraw"
        case .correctClosure: return "close correct"
        case .changeCategory: return "category add"
        case .flagEvidence: return "evidence flag"
        case .recordReferralDecision: return "report ROUTE"
        case .purgeFiles: return "evidence purge"
        case .triage: return "triage"
        default: return Commands.trackCommand(step) ?? step.rawValue
        }
    }

    /// The arguments after the case reference that take a step with this subject and choice:
    /// derived from the step's declaration (``StepCommandSpec/hint(_:subject:choice:)``),
    /// except where a hint says more than one form's required inputs.
    private static func arguments(_ step: Step, subject: String?, choice: String?) -> String {
        switch step {
        case .addEvidence:
            return choice.map { "--kind \($0) --url URL" } ?? "--kind KIND [--url URL] [--file PATH] [--description TEXT]"
        case .escalateToPOSH, .escalateToReportHarmfulContent:
            let helpline: Helpline = step == .escalateToPOSH ? .posh : .reportHarmfulContent
            return derived(step, subject: subject, choice: helpline.rawValue) + " [--reference REF]"
        case .referToPolice:
            switch choice {
            case "override"?: return "--force NAME --override-reason TEXT (a child-protection override: headteacher or safeguarding lead)"
            case "unlawful"?: return "--force NAME --unlawful --reason TEXT (conduct the school considers unlawful, 000 §14.5)"
            default: return derived(step, subject: subject, choice: nil)
            }
        case .recordReferralDecision:
            return "--reference REF (ROUTE: police, iwf, report-remove or ceop), or 'casebook report none CASE --reason TEXT'"
        case .triage: return "accept, or 'casebook triage CASE decline --reason TEXT'"
        default: return derived(step, subject: subject, choice: choice)
        }
    }

    /// The hint derived from the step's form.
    private static func derived(_ step: Step, subject: String?, choice: String?) -> String {
        StepForms.form(step).map { StepCommandSpec.hint($0, subject: subject, choice: choice) } ?? ""
    }

    /// A step reference as a command to type, or in words when no command unblocks it.
    static func render(_ reference: StepReference, case caseReference: String, localTime: LocalTime?) -> String {
        switch reference {
        case .step(let step, let subject, let choice):
            let arguments = arguments(step, subject: subject, choice: choice)
            return "casebook \(command(step)) \(caseReference)" + (arguments.isEmpty ? "" : " " + arguments)
        case .anyOf(let references):
            return references.map { render($0, case: caseReference, localTime: localTime) }.joined(separator: ", or ")
        case .wait(let instant):
            return "wait until \(localTime.map { $0.format(instant) } ?? Timestamp.string(from: instant))"
        case .none(let why):
            return "nothing: \(why)"
        }
    }

    /// The structured form for `--json`: each step referred to, with its subject and choice.
    static func json(_ reference: StepReference) -> [JSONValue] {
        switch reference {
        case .step(let step, let subject, let choice):
            return [["step": .string(step.rawValue), "command": .string(command(step)), "subject": JSONValue(subject), "choice": JSONValue(choice)]]
        case .anyOf(let references): return references.flatMap(json)
        case .wait(let instant): return [["waitUntil": .string(Timestamp.string(from: instant))]]
        case .none: return []
        }
    }
}

extension StepWords {
    /// `a senior manager or the headteacher`: who may take a step.
    static func who(_ roles: [Role]) -> String {
        roles.map { role in
            switch role {
            case .headteacher: return "the headteacher"
            case .seniorManager: return "a senior manager"
            case .safeguardingLead: return "a safeguarding lead"
            case .hr: return "HR"
            case .staff: return "a member of staff"
            }
        }.joined(separator: " or ")
    }

    /// Who may take a step.
    static func who(_ step: Step) -> String { who(Workflow.roles(for: step)) }
}


extension StepWords {
    /// A step's heading in `show`: its command, with the helpline named for the two
    /// helpline steps that share `helpline escalate` (one heading each, never twice the same).
    static func heading(_ step: Step) -> String {
        switch step {
        case .escalateToPOSH: return command(step) + " --to posh"
        case .escalateToReportHarmfulContent: return command(step) + " --to report-harmful-content"
        default: return command(step)
        }
    }

    /// What a deadline is about, in words for people (never the library's identifiers):
    /// `T1: the host's 24 hours`, `urgent case: investigation not started`.
    static func what(_ deadline: Deadline) -> String {
        switch deadline.kind {
        case .takedown: return "\(deadline.subject): the host's 24 hours"
        case .requestTakedown: return "\(deadline.subject): no takedown request yet"
        case .investigateUrgent: return "urgent case: investigation not started"
        case .tellPolice: return "tell the police consent was withdrawn"
        case .helpline: return "\(deadline.subject): a helpline may be asked"
        case .helplineResponse: return "\(deadline.subject): the helpline's answer"
        case .triage: return "concern awaiting triage"
        default: return Commands.tracks.lazy.compactMap { $0.what(deadline) }.first ?? deadline.kind.rawValue
        }
    }

    /// An investigation status word (`not-started`) as people read it (`not started`).
    static func investigationWords(_ word: String) -> String { word.replacingOccurrences(of: "-", with: " ") }
}
