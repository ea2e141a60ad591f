/// How case references are numbered (issue 18, L9): each school has its own sequence, so a
/// reference tells a member of one school nothing of how many cases another school has.
///
/// Within a year, the first school to open a case numbers its cases 1, 2, 3… (`CB-2026-0001`);
/// the next school to open one that year gets the next block of 100,000 (`CB-2026-100001`,
/// `CB-2026-100002`…), and so on. A reference still reads `CB-YEAR-NUMBER`, references made
/// before (one sequence for the whole trust) stay valid, and a school's next number follows
/// the highest in its block.
enum CaseNumbering {
    /// The numbers of one school's block.
    static let blockSize = 100_000

    /// The number after `highest` in block `block`; an error once a school has used its
    /// block's 99,999 numbers in one year.
    static func next(after highest: Int, inBlock block: Int) throws -> Int {
        let next = highest + 1
        guard next < (block + 1) * blockSize else {
            throw CasebookError.invalidInput("this school has numbered \(blockSize - 1) cases this year, the most one year's references hold")
        }
        return next
    }
}
