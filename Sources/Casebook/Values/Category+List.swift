extension Category {
    /// The categories given as repeated `--category` values, each one or several separated
    /// by commas (`harassment,threat`). An empty value or an empty item between commas is
    /// refused rather than read as "no category"; so is a word not in the vocabulary.
    public static func list(_ values: [String], field: Message = .option("category")) throws -> [Category] {
        var categories: [Category] = []
        for value in values {
            for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                let word = item.trimmingCharacters(in: .whitespaces)
                guard !word.isEmpty else {
                    throw CasebookError.invalidInput(
                        "\(field) '\(TextField.escaped(String(value.prefix(60))))' has an empty category: use one of \(choices), or leave \(field) out")
                }
                guard let category = Category(rawValue: word.lowercased()) else {
                    throw CasebookError.invalidInput(
                        "'\(TextField.escaped(String(word.prefix(60))))' is not a valid \(field): use one of \(choices)")
                }
                categories.append(category)
            }
        }
        return categories
    }
}
