@testable import Casebook
import Testing

// Exhibit labels (issue 23): the producer's initials and their number.
@Suite struct ExhibitLabelTests {
    @Test func initialsComeFromTheDirectoryName() {
        #expect(ExhibitLabels.initials(name: "Imran Khan", id: "dsl.khan") == "IK")
        #expect(ExhibitLabels.initials(name: "Mary-Jane O'Neil", id: "mj") == "MJON")
        #expect(ExhibitLabels.initials(name: nil, id: "dsl.khan") == "DK")
        #expect(ExhibitLabels.initials(name: "", id: "x") == "X")
        #expect(ExhibitLabels.initials(name: "…", id: "…") == "X")
        #expect(ExhibitLabels.folderName("IK/12") == "IK-12")
    }
}
