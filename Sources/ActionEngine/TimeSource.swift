#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Wall-clock time, injected so tests of cooldowns run without waiting.
public protocol TimeSource: Sendable {
    func now() -> Date
}

public struct SystemTime: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}

extension Date {
    private static let rfc3339Style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// RFC 3339 in UTC with milliseconds, as stored in the action log.
    var rfc3339: String { formatted(Self.rfc3339Style) }

    init?(rfc3339 text: String) {
        guard
            let date = try? Date(
                text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        else { return nil }
        self = date
    }
}
