import HTTPServer
import JSON

/// A request Cruise Control tracks: who asked what, when, how far it is, and the answer once
/// it has one.
struct UserTask: Sendable {
    enum Status: String, Sendable {
        case active = "Active"
        case inExecution = "InExecution"
        case completed = "Completed"
        case completedWithError = "CompletedWithError"

        /// The spelling of `user_tasks?types=`.
        var typeName: String {
            switch self {
            case .active: "ACTIVE"
            case .inExecution: "IN_EXECUTION"
            case .completed: "COMPLETED"
            case .completedWithError: "COMPLETED_WITH_ERROR"
            }
        }
    }

    let id: String
    let endpoint: CruiseControlEndpoint
    let request: CruiseControlRequest
    let clientIdentity: String
    let startMs: Int64
    /// The session (cookie) that started it, so a client repeating the request gets this task.
    let session: String
    /// When the answer is computed (simulated ms).
    let readyAt: Int64
    var status: Status = .active
    var response: (status: HTTPStatus, body: JSONValue)?
    /// The answer worked out when the task was made, given as `response` once `readyAt` has
    /// come; `executing` when it started an execution (which starts at `readyAt`).
    var prepared: (status: HTTPStatus, body: JSONValue, executing: Bool)?

    /// `POST /kafkacruisecontrol/rebalance?dryrun=false&json=true`, as Cruise Control lists it.
    var requestURL: String {
        let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        return "\(endpoint.method) /kafkacruisecontrol/\(endpoint.rawValue)"
            + (query.isEmpty ? "" : "?\(query)")
    }

    func json(fetchCompletedTask: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("UserTaskId", .string(id)), ("RequestURL", .string(requestURL)),
            ("ClientIdentity", .string(clientIdentity)), ("StartMs", .string(String(startMs))),
            ("Status", .string(status.rawValue)),
        ]
        if fetchCompletedTask, status == .completed || status == .completedWithError {
            let original =
                status == .completedWithError
                ? "CompletedWithError"
                : response.map { String(decoding: $0.body.encoded(), as: UTF8.self) } ?? ""
            members.append(("originalResponse", .string(original)))
        }
        return .object(members)
    }
}
