import HTTPServer

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `POST /alerts` answers: the outcome for each alert in the notification.
struct WebhookResponse: Encodable {
    struct AlertOutcome: Encodable {
        var fingerprint: String
        var status: String
        var outcome: String
    }

    var received: Int
    var alerts: [AlertOutcome]
}

/// The body of every refused request: one sentence saying what was wrong.
struct ErrorResponse: Encodable {
    var error: String
}

extension HTTPResponse {
    /// A JSON response of `value`; encoding our own plain structs cannot fail.
    static func json(_ status: HTTPStatus, _ value: some Encodable) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body =
            (try? encoder.encode(value)).map { Array($0) } ?? Array(#"{"error":"encoding failed"}"#.utf8)
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }
}
