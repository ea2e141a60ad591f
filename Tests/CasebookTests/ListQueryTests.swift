import EventLog
import Foundation
import Testing

@testable import Casebook

// Issue 25 item 2: `tasks`, `overdue` and `list` read what they show off the indexes
// (schema version 2's cases_by_status). Their answers must be the ones the queries they
// replace gave — the same rows, in the same order, with the same totals — for every reader,
// with the same visibility (scope, child sexual imagery, involvement, exclusion).

/// A trust of two schools with cases of every kind of deadline, owners, restricted cases,
/// exclusions and involvements, and readers of every role and scope.
struct ListFixture {
    static let hillManager = StaffMember(id: "sm.hill", name: "Hal Hill", role: .seniorManager, scope: .school("Hill Primary"))
    static let daleManager = StaffMember(id: "sm.dale", name: "Dot Dale", role: .seniorManager, scope: .school("Dale High"))
    static let daleLead = StaffMember(id: "dsl.dale", name: "Dan Dale", role: .safeguardingLead, scope: .school("Dale High"))
    static let daleTeacher = StaffMember(id: "t.dale", name: "Tia Dale", role: .staff, scope: .school("Dale High"))
    static let daleHead = StaffMember(id: "head.dale", name: "Dora Dale", role: .headteacher, scope: .school("Dale High"))
    /// A member who has left: nothing waits on them.
    static let leaver = StaffMember(id: "sm.gone", name: "Gus Gone", role: .seniorManager, hasLeft: true)

    static let readers = Staff.all + [hillManager, daleManager, daleLead, daleTeacher, daleHead, leaver]

    let fixture: ServiceFixture
    var casebook: Casebook { fixture.casebook }

    init() throws {
        fixture = try ServiceFixture()
        let casebook = fixture.casebook
        for member in [Self.hillManager, Self.daleManager, Self.daleLead, Self.daleTeacher, Self.daleHead] {
            try casebook.staff.addStaff(member, by: Staff.head)
        }
        for index in 0..<30 {
            let school = index % 3 == 0 ? "Dale High" : "Hill Primary"
            let imagery = index % 7 == 3
            let categories: [Category] = imagery ? [.childSexualImagery] : index % 4 == 0 ? [.childMentioned] : [.harassment]
            let opener = imagery ? Staff.dsl : Staff.manager
            let reference = try casebook.cases.openCase(
                CaseDraft(
                    affected: index % 5 == 4 ? Staff.colleague.id : Staff.teacher.id, reportedBy: Staff.teacher.id,
                    summary: "Posts \(index)", categories: categories, school: school), by: opener
            ).reference
            func step(_ command: CaseCommand, by actor: StaffMember = opener) throws {
                _ = try casebook.cases.execute(command, on: reference, by: actor, files: [])
            }
            if index % 2 == 0 || index % 3 == 1 {
                try step(Commands.web("https://social.example.com/post/\(index)"))
            } else if index % 5 == 2 {
                try step(Commands.email)
            }
            if index % 3 == 1 || index % 5 == 2 { try step(Commands.start) }
            if index % 3 == 1 { try step(Commands.request()) }
            if index % 5 == 2 { try step(Commands.source(.staff, ref: Staff.colleague.id)) }
            if index % 6 == 5 {
                _ = try casebook.staff.restrict(reference, staff: Self.hillManager.id, exclude: true, reason: "line manager", by: Staff.dsl)
            }
            // Owners of every kind; an owner the case refuses (out of scope, excluded) is left out.
            let owners = [nil, Staff.manager.id, school == "Dale High" ? Self.daleManager.id : Self.hillManager.id, Staff.dsl.id]
            if let owner = owners[index % owners.count] {
                _ = try? casebook.cases.assign(reference, to: owner, by: Staff.head)
            }
            if index == 11 { try step(Commands.email) }
            fixture.clock.advance(by: 3_600)
        }
        // Untriaged concerns in each school, and one by a trust-wide member.
        _ = try casebook.cases.reportConcern(ConcernDraft(summary: "posts about me"), by: Self.daleTeacher)
        _ = try casebook.cases.reportConcern(ConcernDraft(summary: "a page about a colleague"), by: Staff.teacher)
        _ = try casebook.cases.reportConcern(ConcernDraft(summary: "more posts"), by: Self.daleTeacher)
        fixture.clock.advance(by: 2 * 86_400)
    }

    /// `tasks` as the query and filter before issue 25 gave them: every open deadline of
    /// the cases both may see, then kept in Swift by owner and role.
    func tasksBefore(for member: StaffMember, by actor: StaffMember, asOf: Date) throws -> [TaskItem] {
        guard !member.hasLeft, member.role.may(.advanceCase) || member.role.may(.triageConcerns) else { return [] }
        let (sql, values) = CaseRows.visibleToBoth(member, actor)
        var rows: [(item: OverdueItem, owner: String?)] = []
        try casebook.store.database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school, c.owner
            FROM deadlines d JOIN cases c ON c.reference = d.case_ref
            WHERE c.status = 'open' AND \(sql) ORDER BY d.due_at, d.case_ref, d.kind, d.subject
            """, values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { rows.append((item, row.optionalText(5))) }
        }
        return rows.compactMap { row in
            if let owner = row.owner { return owner.caseInsensitiveCompare(member.id) == .orderedSame ? TaskItem(item: row.item, owner: owner) : nil }
            guard row.item.deadline.step.steps.contains(where: { member.role.may(Workflow.permission(for: $0)) }) else { return nil }
            return TaskItem(item: row.item, owner: nil)
        }
    }

    /// `overdue`'s rows and total as the queries before issue 25 gave them.
    func overdueBefore(asOf: Date, limit: Int?, by actor: StaffMember) throws -> (items: [OverdueItem], total: Int) {
        let visible = CaseAccess.visibleCases(to: actor)
        let newest = limit.map { "ORDER BY d.due_at DESC, d.case_ref DESC, d.subject DESC LIMIT \($0)" } ?? ""
        let values = [Timestamp.string(from: asOf)] + visible.values
        var items: [OverdueItem] = []
        try casebook.store.database.forEachRow(
            """
            SELECT * FROM (
                SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
                FROM deadlines d JOIN cases c ON c.reference = d.case_ref
                WHERE d.due_at <= ? AND \(visible.sql) \(newest)
            ) ORDER BY due_at, case_ref, subject
            """, values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append(item) }
        }
        let total = try casebook.store.database.scalarInt(
            "SELECT count(*) FROM deadlines d JOIN cases c ON c.reference = d.case_ref WHERE d.due_at <= ? AND \(visible.sql)", values)
        return (items, total ?? -1)
    }
}

@Suite struct ListQueryTests {
    @Test func tasksAreTheSameRowsOrderAndTotalAsTheFilterInSwiftGave() throws {
        let lists = try ListFixture()
        let now = lists.fixture.clock.now
        var kinds: Set<Deadline.Kind> = []
        var owned = 0
        var compared = 0
        for member in ListFixture.readers {
            for actor in [member, Staff.head, Staff.dsl, ListFixture.daleManager] where actor.role.may(.readOwnTasks) {
                for asOf in [now, now.addingTimeInterval(-3 * 86_400)] {
                    let before = try lists.tasksBefore(for: member, by: actor, asOf: asOf)
                    #expect(try lists.casebook.cases.tasks(for: member, by: actor, asOf: asOf) == before, "\(member.id) by \(actor.id)")
                    for limit in [1, 2, 5, before.count, before.count + 1] where limit >= 1 {
                        let page = try lists.casebook.cases.tasks(for: member, by: actor, asOf: asOf, limit: limit)
                        #expect(page.tasks == Array(before.prefix(limit)), "\(member.id) by \(actor.id), limit \(limit)")
                        #expect(page.total == before.count, "\(member.id) by \(actor.id), limit \(limit)")
                    }
                    kinds.formUnion(before.map(\.item.deadline.kind))
                    owned += before.filter { $0.owner != nil }.count
                    compared += before.count
                }
            }
        }
        // The database holds what the comparison needs: several kinds, owned and unowned tasks.
        #expect(kinds.isSuperset(of: [.triage, .requestTakedown, .takedown, .investigateUrgent, .ladoReferral]), "\(kinds)")
        #expect(owned > 0 && compared > owned)
        // A school-scoped member sees only their school's tasks; the restricted cases only
        // those cleared for child sexual imagery; an excluded member none of theirs.
        let dale = try lists.casebook.cases.tasks(for: ListFixture.daleManager, by: ListFixture.daleManager, asOf: now)
        #expect(!dale.isEmpty && dale.allSatisfy { $0.item.school == "Dale High" })
        let hill = try lists.casebook.cases.tasks(for: ListFixture.hillManager, by: ListFixture.hillManager, asOf: now)
        let barred = try CaseAccess.casesBarring(ListFixture.hillManager, in: lists.casebook.store)
        #expect(!barred.isEmpty && !hill.isEmpty && hill.allSatisfy { !barred.contains($0.item.deadline.reference.description) })
        #expect(try lists.casebook.cases.tasks(for: ListFixture.leaver, by: Staff.head, asOf: now, limit: 5).total == 0)
    }

    @Test func overdueIsTheSameRowsAndTotalAsBefore() throws {
        let lists = try ListFixture()
        let now = lists.fixture.clock.now
        for actor in ListFixture.readers where actor.role.may(.readCases) && !actor.hasLeft {
            for asOf in [now, now.addingTimeInterval(-86_400), now.addingTimeInterval(-40 * 3_600)] {
                let all = try lists.overdueBefore(asOf: asOf, limit: nil, by: actor)
                #expect(try lists.casebook.cases.overdue(asOf: asOf, by: actor) == all.items, "\(actor.id)")
                #expect(try lists.casebook.cases.countOverdue(asOf: asOf, by: actor) == all.total, "\(actor.id)")
                #expect(all.items.count == all.total)
                for limit in [1, 3, 50] {
                    let before = try lists.overdueBefore(asOf: asOf, limit: limit, by: actor)
                    #expect(try lists.casebook.cases.overdue(asOf: asOf, limit: limit, by: actor) == before.items, "\(actor.id) \(limit)")
                }
            }
        }
        #expect(try lists.casebook.cases.countOverdue(asOf: now, by: Staff.head) > 10)
    }

    @Test func theListsNewestPageIsTheHeadOfTheWholeList() throws {
        let lists = try ListFixture()
        for actor in ListFixture.readers where actor.role.may(.readCases) && !actor.hasLeft {
            for status in [CaseState.Status.open, .closed, nil] {
                let filter = CaseWork.CaseFilter(status: status)
                let all = try lists.casebook.cases.list(filter, limit: nil, by: actor)
                #expect(try lists.casebook.cases.countCases(filter, by: actor) == all.count)
                for limit in [1, 4, 50] {
                    #expect(try lists.casebook.cases.list(filter, limit: limit, by: actor) == Array(all.prefix(limit)), "\(actor.id)")
                }
            }
        }
    }

    /// The plans: the newest page of a status, and the counts, off cases_by_status.
    @Test func theListsReadTheOpenCasesIndex() throws {
        let lists = try ListFixture()
        let database = lists.casebook.store.database
        func plan(_ sql: String, _ values: [any SQLBindable]) throws -> String {
            var lines: [String] = []
            try database.forEachRow("EXPLAIN QUERY PLAN " + sql, values) { lines.append($0.text(3)) }
            return lines.joined(separator: "\n")
        }
        for actor in [Staff.head, Staff.manager, ListFixture.hillManager] {
            let (conditions, values) = CaseRows.listConditions(CaseWork.CaseFilter(status: .open), by: actor)
            let page = try plan("SELECT c.summary FROM cases c \(conditions) ORDER BY c.year DESC, c.number DESC LIMIT 50", values)
            #expect(page.contains("USING INDEX cases_by_status (status=?)") && !page.contains("TEMP B-TREE"), "\(page)")
            let count = try plan("SELECT count(*) FROM cases c \(conditions)", values)
            #expect(count.contains("USING COVERING INDEX cases_by_status (status=?)"), "\(count)")
        }
    }
}

/// Schema version 2 on a file made at version 1: read as it is without writing, migrated
/// when opened, with the same answers and an intact `verify` before and after.
@Suite struct SchemaVersionTests {
    /// Turns a current file back into what version 1 made: its cases_by_status, and the header.
    static func makeVersion1(_ database: Database) throws {
        let old = try Casebook.schema.freshDatabase(through: 1)
        var sql = ""
        try old.forEachRow("SELECT sql FROM sqlite_schema WHERE name = 'cases_by_status'") { sql = $0.text(0) }
        #expect(sql.contains("(status, school, reference)"), "\(sql)")
        try database.execute("DROP INDEX cases_by_status; \(sql); PRAGMA user_version = 1")
    }

    static func indexSQL(_ database: Database) throws -> String? {
        var sql: String?
        try database.forEachRow("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'cases_by_status'") { sql = $0.text(0) }
        return sql
    }

    @Test func aNewFileHasTheIndexOfTheListsOrder() throws {
        let fixture = try ServiceFixture()
        let database = fixture.casebook.store.database
        #expect(try database.scalarInt("PRAGMA user_version") == 2)
        #expect(try Self.indexSQL(database) == "CREATE INDEX cases_by_status ON cases (status, year, number, reference, school, is_restricted, owner)")
        #expect(try Casebook.schema.differences(in: database).isEmpty)
    }

    @Test func aVersion1FileIsVerifiedAsItIsAndMigratedWhenOpened() throws {
        let lists = try ListFixture()
        let path = lists.fixture.path
        let now = lists.fixture.clock.now
        let filter = CaseWork.CaseFilter(status: .open)
        let listed = try lists.casebook.cases.list(filter, limit: 7, by: Staff.manager)
        let tasks = try lists.casebook.cases.tasks(for: Staff.manager, by: Staff.manager, asOf: now, limit: 3)
        try SchemaVersionTests.makeVersion1(lists.casebook.store.database)

        // Read without writing (verify's way), the file is version 1's, whole and unchanged.
        let readOnly = try Casebook.openReadOnly(at: path, clock: lists.fixture.clock.reading)
        #expect(try Casebook.schema.differences(in: readOnly.store.database).isEmpty)
        let report = try readOnly.maintenance.verify(by: Staff.head)
        #expect(report.isIntact, "\(report.breaks) \(report.projectionDifferences)")
        #expect(try readOnly.store.database.scalarInt("PRAGMA user_version") == 1)
        // Against version 2, its index is not the schema's: the comparison follows the header.
        let current = try Casebook.schema.freshDatabase()
        #expect(try Self.indexSQL(current) != Self.indexSQL(readOnly.store.database))

        // Opened for use, it is migrated, in one transaction, to the new index.
        let reopened = try Casebook.open(at: path, clock: lists.fixture.clock.reading)
        #expect(try reopened.store.database.scalarInt("PRAGMA user_version") == 2)
        #expect(try Self.indexSQL(reopened.store.database) == Self.indexSQL(current))
        #expect(try Casebook.schema.differences(in: reopened.store.database).isEmpty)
        #expect(try reopened.cases.list(filter, limit: 7, by: Staff.manager) == listed)
        let after = try reopened.cases.tasks(for: Staff.manager, by: Staff.manager, asOf: now, limit: 3)
        #expect(after.tasks == tasks.tasks && after.total == tasks.total)
        let again = try reopened.maintenance.verify(by: Staff.head)
        #expect(again.isIntact, "\(again.breaks) \(again.projectionDifferences)")
    }

    @Test func aVersion2FileClaimingVersion1IsCaughtByVerify() throws {
        let fixture = try ServiceFixture()
        _ = try fixture.openCase()
        try fixture.casebook.store.database.execute("PRAGMA user_version = 1")
        let readOnly = try Casebook.openReadOnly(at: fixture.path)
        let differences = try Casebook.schema.differences(in: readOnly.store.database)
        #expect(differences == ["index cases_by_status is not the schema's"], "\(differences)")
    }
}
