/// A stored file as the HTML chronology embeds it: an image shown as a thumbnail, or the
/// reason it cannot be shown.
public enum TimelineAttachment: Sendable, Equatable {
    /// The media types embedded as thumbnails; nothing else (SVG could carry scripts).
    public static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    /// An image's bytes, already checked against their SHA-256.
    case image(mediaType: String, bytes: [UInt8])
    /// The file cannot be shown, e.g. its stored bytes no longer match their hash.
    case unavailable(reason: String)
}
