import ClusterModel
import HTTPServer
import JSON

/// What `POST /alerts` answers: the outcome for each alert in the notification.
struct WebhookResponse {
    struct AlertOutcome {
        var fingerprint: String
        var status: String
        var outcome: String
        var detail: String?
    }

    var received: Int
    var alerts: [AlertOutcome]

    var json: JSONValue {
        .object([
            (
                "alerts",
                .array(
                    alerts.map { alert in
                        var members: [(key: String, value: JSONValue)] = [
                            ("fingerprint", .string(alert.fingerprint)), ("outcome", .string(alert.outcome)),
                            ("status", .string(alert.status)),
                        ]
                        if let detail = alert.detail { members.append(("detail", .string(detail))) }
                        return .object(members)
                    })
            ),
            ("received", .number(String(received))),
        ])
    }
}

extension HTTPResponse {
    /// A JSON response, one line.
    static func json(_ status: HTTPStatus, _ value: JSONValue) -> HTTPResponse {
        var body = value.encoded()
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// The body of every refused request: one sentence saying what was wrong.
    static func jsonError(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        json(status, .object([("error", .string(message))]))
    }
}
