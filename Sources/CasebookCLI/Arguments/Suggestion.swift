/// The candidate the user most likely meant by `word`, or `nil` if none is close.
///
/// Case is ignored. A candidate is close when it is at most two edits away (Levenshtein:
/// insert, delete or replace one character) without being a complete replacement of a
/// short word; the fewest edits win, then a candidate with the same first letter (typos are
/// rarely there: `ls` is `list`, not `isp`), then the earlier one. Failing that, a
/// candidate is suggested when `word` is a prefix of it and of no other.
///
/// Used for mistyped options (`forse` → `force`) and command words (`evidnce` → `evidence`).
public func suggestion(for word: String, among candidates: [String]) -> String? {
    let typed = Array(word.lowercased())
    guard !typed.isEmpty else { return nil }
    var best: (candidate: String, rank: (distance: Int, otherInitial: Int))?
    for candidate in candidates {
        let target = Array(candidate.lowercased())
        guard let distance = editDistance(typed, target, limit: maximumSuggestionDistance),
            distance < max(typed.count, target.count)
        else { continue }
        let rank = (distance: distance, otherInitial: target.first == typed.first ? 0 : 1)
        if best.map({ rank < $0.rank }) ?? true {
            best = (candidate, rank)
        }
    }
    if let best { return best.candidate }
    let lowercasedWord = word.lowercased()
    let extensions = candidates.filter { $0.lowercased().hasPrefix(lowercasedWord) }
    return extensions.count == 1 ? extensions[0] : nil
}

/// The largest number of edits a suggestion may be away from what was typed.
let maximumSuggestionDistance = 2

/// The Levenshtein distance between `source` and `target`, or `nil` when it exceeds `limit`
/// (found without filling the whole table, so a very long mistyped word stays cheap).
func editDistance(_ source: [Character], _ target: [Character], limit: Int) -> Int? {
    guard abs(source.count - target.count) <= limit else { return nil }
    guard !source.isEmpty else { return target.count }
    guard !target.isEmpty else { return source.count }
    var previous = Array(0...target.count)
    var current = Array(repeating: 0, count: target.count + 1)
    for (i, sourceCharacter) in source.enumerated() {
        current[0] = i + 1
        var rowMinimum = current[0]
        for (j, targetCharacter) in target.enumerated() {
            let substitution = previous[j] + (sourceCharacter == targetCharacter ? 0 : 1)
            current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
            rowMinimum = min(rowMinimum, current[j + 1])
        }
        if rowMinimum > limit { return nil }
        swap(&previous, &current)
    }
    let distance = previous[target.count]
    return distance <= limit ? distance : nil
}
