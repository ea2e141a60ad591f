import Casebook
import EventLog
import Foundation

/// A small, fast, seeded random number generator (SplitMix64), so that a generated
/// database is the same on every run with the same seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// A whole number of seconds in `hours` (a range of hours).
    mutating func seconds(hours: ClosedRange<Double>) -> TimeInterval {
        (Double.random(in: hours, using: &self) * 3600).rounded()
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// Realistic cases for a trust of several schools, as ``CaseScript`` values that
/// ``Casebook/importCases(_:by:)`` runs through the workflow (SPEC §2): about 20 events a
/// case — evidence with small files (a handful of shared byte arrays, so the blob store
/// deduplicates, and some unique ones), the investigation with its source and threat
/// assessment, referrals, takedown requests per host with responses and removal checks,
/// some ISP escalations, consent and some police referrals (a few by override), support,
/// and closure for about 90% of cases; the rest are open, some with overdue deadlines,
/// and a few are urgent (`child-mentioned`).
struct CaseGenerator {
    /// One school and its staff.
    struct School {
        let name: String
        let head: StaffMember
        let managers: [StaffMember]
        let dsl: StaffMember
        let staff: [StaffMember]
    }

    let schools: [School]
    /// The trust's headteacher (the database's first member of staff), who runs the import.
    let admin: StaffMember
    /// The trust's HR officer.
    let hr: StaffMember
    /// When the first case is reported, and the last.
    let firstReport: Date
    let lastReport: Date
    /// The clock's reading: no step is later.
    let now: Date
    let totalCases: Int

    private(set) var rng: SplitMix64
    /// Small files that many cases share (a platform's logo banner, a common meme, …).
    private let sharedFiles: [(info: StoredFile, bytes: [UInt8])]

    static let hosts = [
        "chirp.example", "facepage.example", "photoshare.example", "videotube.example", "forum.example",
        "rateteachers.example", "localnews.example", "pinboard.example", "chatter.example", "blogspace.example",
    ]
    static let platforms = [
        "chirp.example": "Chirp", "facepage.example": "FacePage", "photoshare.example": "PhotoShare",
        "videotube.example": "VideoTube", "forum.example": "Parents' Forum", "rateteachers.example": "RateTeachers",
        "localnews.example": "Local News comments", "pinboard.example": "Pinboard", "chatter.example": "Chatter",
        "blogspace.example": "BlogSpace",
    ]
    static let schoolNames = [
        "Harrowgate Fields Academy", "Oakwood Primary", "St Anne's CE Primary", "Riverside High School",
        "Millbrook Junior School", "Northgate Academy", "Kingsmead Primary", "Westfield Sixth Form", "Elmhurst Infants",
        "Castle Hill School", "Brookside Academy", "Fairview Primary",
    ]
    static let firstNames = [
        "Ada", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Hugh", "Isla", "Jamal", "Kate", "Liam", "Maya", "Niall",
        "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik", "Wendy", "Yusuf", "Zoe",
    ]
    static let lastNames = [
        "Pennington", "Okafor", "Jones", "Khan", "Lee", "Murphy", "Nowak", "Adeyemi", "Brown", "Clarke", "Dubois",
        "Evans", "Fischer", "Gupta", "Hughes", "Ivanova", "Jackson", "Kowalski", "Lopez", "Mensah",
    ]
    static let summaries = [
        "Abusive comments about a teacher on a parents' group page",
        "A post naming a member of staff and the street where they live",
        "Edited photograph of a teacher shared on a social network",
        "Inaccurate claims about a teacher's conduct on a review site",
        "A fake account impersonating a member of staff",
        "Threatening messages sent to a teacher after a detention",
        "Video filmed in class posted with mocking captions",
        "Comments calling for a teacher to be sacked, with personal details",
    ]
    static let notes = [
        "Spoke to the member of staff; they are shaken but at work.",
        "Checked the account's other posts: several mention the school.",
        "Parents' group administrator contacted and asked to remove the thread.",
        "Head of year spoke to the pupils in the class concerned.",
        "Screenshots reviewed with the DSL; no child is identifiable.",
        "The account appears to have been created this week.",
        "Staff member asked for the matter to be handled discreetly.",
    ]
    static let services = [
        "Employee assistance programme", "Stress counselling service", "Education Support helpline",
        "Occupational health referral", "Union representative",
    ]

    init(cases: Int, schools schoolCount: Int, years: Int, seed: UInt64, now: Date) {
        var rng = SplitMix64(seed: seed)
        totalCases = cases
        self.now = now
        admin = StaffMember(id: "admin", name: "Dr Priya Okafor", role: .headteacher)
        hr = StaffMember(id: "hr.trust", name: "Morgan Lee", role: .hr)
        var schools: [School] = []
        for index in 0..<schoolCount {
            let name = index < Self.schoolNames.count ? Self.schoolNames[index] : "School \(index + 1)"
            let slug = "s\(index + 1)"
            func person(_ id: String, _ role: Role) -> StaffMember {
                StaffMember(id: id, name: "\(rng.pick(Self.firstNames)) \(rng.pick(Self.lastNames))", role: role)
            }
            schools.append(
                School(
                    name: name, head: person("head.\(slug)", .headteacher),
                    managers: [person("smt.\(slug).1", .seniorManager), person("smt.\(slug).2", .seniorManager)],
                    dsl: person("dsl.\(slug)", .safeguardingLead),
                    staff: (1...40).map { person("t.\(slug).\(String(format: "%03d", $0))", .staff) }))
        }
        self.schools = schools
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let thisYear = calendar.component(.year, from: now)
        let components = DateComponents(year: thisYear - years + 1, month: 1, day: 4, hour: 8)
        firstReport = calendar.date(from: components)!
        lastReport = now.addingTimeInterval(-21 * 24 * 3600)
        // A handful of distinct small files shared across many cases.
        sharedFiles = (0..<8).map { index in
            var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            let size = 800 + index * 300
            while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            let info = try! Casebook.fileInfo(name: "shared-\(index + 1).png", bytes: bytes)
            return (info, bytes)
        }
        self.rng = rng
    }

    /// Every member of staff after the first headteacher, in the order they are added.
    var staffToAdd: [StaffMember] {
        [hr] + schools.flatMap { [$0.head] + $0.managers + [$0.dsl] + $0.staff }
    }

    /// A screenshot of `size` bytes that no other case has.
    private mutating func uniqueFile(_ name: String, size: Int) throws -> (StoredFile, [UInt8]) {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes.reserveCapacity(size + 8)
        while bytes.count < size { withUnsafeBytes(of: rng.next()) { bytes.append(contentsOf: $0) } }
        bytes.removeLast(bytes.count - size)
        return (try Casebook.fileInfo(name: name, bytes: bytes), bytes)
    }

    /// A screenshot: 70% one of the shared files, 30% unique.
    private mutating func screenshot(_ name: String) throws -> (StoredFile, [UInt8]) {
        if rng.chance(0.7) {
            let shared = rng.pick(sharedFiles)
            var info = shared.info
            info.name = name
            return (info, shared.bytes)
        }
        return try uniqueFile(name, size: Int.random(in: 600...3000, using: &rng))
    }

    /// The script of case `index` (0-based, in report order).
    mutating func script(_ index: Int) throws -> CaseScript {
        let span = lastReport.timeIntervalSince(firstReport)
        let slot = span / Double(totalCases)
        let opened = firstReport.addingTimeInterval(
            (Double(index) * slot + Double.random(in: 0..<slot, using: &rng)).rounded())
        let school = rng.pick(schools)
        let affected = rng.pick(school.staff)
        let manager = rng.pick(school.managers)
        let recent = Double(index) >= Double(totalCases) * 0.92
        let shouldClose = rng.chance(recent ? 0.25 : 0.97)
        var categories: [Category] = [rng.pick([.harassment, .harassment, .imageMisuse, .inaccurateContent, .threat, .impersonation, .other])]
        if rng.chance(0.4) { categories.append(rng.pick([.harassment, .threat, .imageMisuse, .inaccurateContent])) }
        let urgent = rng.chance(0.03)
        if urgent { categories.append(.childMentioned) }
        let openedBy = rng.chance(0.85) ? manager : school.dsl
        let draft = CaseDraft(
            affected: affected.id, reportedBy: rng.chance(0.8) ? affected.id : rng.pick(school.staff).id,
            summary: rng.pick(Self.summaries), categories: categories, school: school.name,
            discoveredAt: opened.addingTimeInterval(-rng.seconds(hours: 0...48)))

        var steps: [CaseScript.Step] = []
        var t = opened
        func next(_ hours: ClosedRange<Double>) -> Date {
            t = t.addingTimeInterval(max(60, rng.seconds(hours: hours)))
            return t
        }
        func add(_ command: CaseCommand, _ at: Date, by actor: StaffMember = manager, files: [[UInt8]] = []) {
            steps.append(CaseScript.Step(command, at: at, by: actor, files: files))
        }
        // After an ISP that left the material online, POSH (SPEC §10; 48 hours after the request).
        func escalateToPOSH(_ request: (id: String, at: Date)) {
            t = max(t, request.at.addingTimeInterval(49 * 3600))
            add(.escalateToHelpline(request: request.id, .posh, reference: nil), next(0.1...4))
            add(.recordHelplineResponse(request: request.id, rng.pick([.removed, .advice])), next(24...72))
        }

        // Evidence (000 §12.2): 1–4 items, mostly posts on hosts.
        var urlItems: [(id: String, host: String)] = []
        let evidenceCount = rng.pick([1, 2, 2, 3, 3, 4, 5])
        for item in 1...evidenceCount {
            let at = next(0.05...2)
            let roll = Double.random(in: 0..<1, using: &rng)
            var files: [(StoredFile, [UInt8])] = []
            let draft: EvidenceDraft
            let captured = at.addingTimeInterval(-rng.seconds(hours: 0...12))
            if roll < 0.75 {
                let host = rng.pick(Self.hosts)
                let url = "https://\(host)/\(rng.chance(0.5) ? "post" : "status")/\(UInt32(truncatingIfNeeded: rng.next()))"
                for page in 0..<Int.random(in: 1...2, using: &rng) { files.append(try screenshot("E\(item)-\(page + 1).png")) }
                draft = EvidenceDraft(
                    kind: rng.chance(0.65) ? .social : .web, url: url, capturedAt: captured,
                    postedAt: rng.chance(0.6) ? captured.addingTimeInterval(-rng.seconds(hours: 1...72)) : nil,
                    platform: Self.platforms[host], description: "Screenshot of the post as reported", files: files.map(\.0))
                urlItems.append(("E\(item)", host))
            } else if roll < 0.9 {
                let text = "From: someone\(UInt16(truncatingIfNeeded: rng.next()))@mail.example\r\nTo: office@school.example\r\n"
                    + "Subject: About your teacher\r\n\r\nA message about a member of staff, case \(index).\r\n"
                let bytes = Array(text.utf8)
                files.append((try Casebook.fileInfo(name: "message.eml", bytes: bytes), bytes))
                draft = EvidenceDraft(kind: .email, capturedAt: captured, description: "Saved email", files: files.map(\.0))
            } else if roll < 0.95 {
                var bytes = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8)
                while bytes.count < 1500 { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
                files.append((try Casebook.fileInfo(name: "voicemail.wav", bytes: bytes), bytes))
                draft = EvidenceDraft(kind: .voicemail, capturedAt: captured, description: "Voicemail left at reception", files: files.map(\.0))
            } else {
                draft = EvidenceDraft(kind: .textMessage, capturedAt: captured, description: "Text messages, photographed")
            }
            add(.addEvidence(draft), at, by: rng.chance(0.8) ? manager : school.dsl, files: files.map(\.1))
        }

        // The investigation (000 §13.3–§13.4).
        add(.startInvestigation, next(urgent ? 0.02...0.5 : 0.5...24))
        if urlItems.isEmpty { add(.declareTakedownNotApplicable(reason: "No host: the material was sent privately."), next(0.1...2)) }
        for _ in 0..<Int.random(in: 1...4, using: &rng) { add(.addNote(rng.pick(Self.notes)), next(0.5...24)) }

        // Takedown requests, one per host (000 §13.5), and what followed (000 §13.6).
        var hosts: [String: [String]] = [:]
        for item in urlItems { hosts[item.host, default: []].append(item.id) }
        var requests: [(id: String, at: Date)] = []
        for (number, host) in hosts.keys.sorted().enumerated() {
            let at = next(0.1...3)
            add(.requestTakedown(evidence: hosts[host]!, host: nil, method: rng.pick([.form, .form, .email, .letter]),
                                 sentBy: rng.chance(0.85) ? .school : .complainant), at)
            requests.append(("T\(number + 1)", at))
        }
        let threatening = rng.chance(0.3)
        let sourceKind: SourceKind = rng.pick([.pupil, .pupil, .pupil, .parent, .external, .external, .unknown, .unknown, .staff])
        let sourceRef: String? = switch sourceKind {
        case .pupil, .external, .parent: "@user_\(Int.random(in: 1...5000, using: &rng))"
        case .staff: nil
        case .unknown: rng.chance(0.5) ? "@anon_\(Int.random(in: 1...2000, using: &rng))" : nil
        }
        add(.identifySource(sourceKind, ref: sourceRef), next(1...48))
        add(.assessThreat(
            isThreatening: threatening,
            rationale: threatening ? "Names where the teacher lives and says they will be waiting." : "Offensive but no threat of harm."),
            next(0.1...4))
        if sourceKind == .pupil, rng.chance(0.7) { add(.referBehaviour(pupil: "Y\(Int.random(in: 7...13, using: &rng))-\(Int.random(in: 1000...9999, using: &rng))"), next(1...24)) }
        if sourceKind == .staff, rng.chance(0.8) {
            add(.referDisciplinary(staff: rng.pick(school.staff.filter { $0.id != affected.id }).id), next(1...24))
        }
        // A staff source on a case about a child goes to the LADO (KCSIE Part 4).
        if sourceKind == .staff, urgent {
            add(.referToLADO(reason: "A member of staff is the source of material naming a pupil."), next(0.5...6), by: school.dsl)
            add(.recordLADOOutcome(rng.pick([LADOResult.substantiated, .unsubstantiated, .unfounded])), next(24...240), by: school.dsl)
        }
        for request in requests {
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.8 {
                add(.recordHostResponse(request: request.id, rng.chance(0.8) ? .removed : .amended), next(1...20))
                if rng.chance(0.9) {
                    let checkFile = rng.chance(0.3) ? try uniqueFile("\(request.id)-check.png", size: 900) : nil
                    add(.checkRemoval(request: request.id, rng.chance(0.7) ? .removed : .amended, file: checkFile?.0),
                        next(0.5...24), files: checkFile.map { [$0.1] } ?? [])
                } else {
                    add(.checkRemoval(request: request.id, .stillPresent, file: nil), next(0.5...24))
                    add(.escalateToISP(request: request.id, isp: "Example Telecom"), next(0.5...12))
                    let isp = rng.pick([ISPResponse.blocked, .siteClosed, .refused])
                    add(.recordISPResponse(request: request.id, isp), next(24...120))
                    if isp == .refused { escalateToPOSH(request) }
                }
            } else {
                let refused = roll < 0.9
                let responded = max(t, request.at.addingTimeInterval(24 * 3600 + 60))
                t = responded
                add(.recordHostResponse(request: request.id, refused ? .refused : .noResponse), responded)
                add(.escalateToISP(request: request.id, isp: rng.pick(["Example Telecom", "Northern Broadband", "FibreNet"])), next(0.5...12))
                let isp = rng.pick([ISPResponse.blocked, .blocked, .siteClosed, .refused, .noResponse])
                add(.recordISPResponse(request: request.id, isp), next(24...120))
                if isp == .refused || isp == .noResponse { escalateToPOSH(request) }
            }
        }

        // Police (000 §13.7) and support (000 §13.8).
        if threatening {
            if rng.chance(0.6) {
                add(.recordConsent(.given, by: affected.id), next(0.5...24))
                add(.referToPolice(force: "Northshire Police", reference: "NP-\(Int.random(in: 10_000...99_999, using: &rng))", overrideReason: nil),
                    next(0.5...24))
            } else {
                add(.recordConsent(.declined, by: affected.id), next(0.5...24))
                if urgent, rng.chance(0.5) {
                    add(.referToPolice(force: "Northshire Police", reference: nil,
                                       overrideReason: "A child is named and at risk (child protection)."),
                        next(0.1...4), by: rng.chance(0.5) ? school.dsl : school.head)
                }
            }
        } else if rng.chance(0.2) {
            add(.recordConsent(.declined, by: affected.id), next(0.5...24))
        }
        add(.offerSupport(services: Array(Self.services.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)))), next(0.5...24))
        if rng.chance(0.8) { add(.recordSupportResponse(rng.chance(0.7) ? .accepted : .declined), next(1...72)) }
        add(.concludeInvestigation(rng.pick([.substantiated, .substantiated, .unsubstantiated, .inconclusive]),
                                   summary: "Findings shared with the member of staff."), next(2...96))
        let action: CloseAction = switch sourceKind {
        case .pupil: rng.pick([.behaviourSanction, .advice, .warning])
        case .staff: rng.pick([.warning, .finalWarning, .dismissal])
        default: threatening ? .policeAction : rng.pick([.none, .advice, .other])
        }
        add(.close(outcome: "Material dealt with; member of staff supported.", action: action), next(1...48))

        // Open cases stop somewhere along the way; nothing happens after the clock's reading.
        if !shouldClose {
            let cut = Int.random(in: 0..<steps.count, using: &rng)
            steps.removeSubrange(cut...)
        }
        let limit = now.addingTimeInterval(-3600)
        if let late = steps.firstIndex(where: { $0.at > limit }) { steps.removeSubrange(late...) }
        return CaseScript(draft: draft, openedAt: opened, openedBy: openedBy, steps: steps)
    }
}
