/// The tracks that plug into the workflow through ``CaseTrack``, one line each. The
/// command line registers each track's words the same way (`Commands.tracks`).
enum Tracks {
    static let all: [any CaseTrack.Type] = [LADOTrack.self]
}
