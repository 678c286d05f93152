import HTTPClient
import JSON

/// One task in `GET /user_tasks`.
public struct UserTaskInfo: Equatable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        /// Computing its answer.
        case active = "Active"
        /// Its proposal is being executed.
        case inExecution = "InExecution"
        case completed = "Completed"
        case completedWithError = "CompletedWithError"

        public var isFinished: Bool { self == .completed || self == .completedWithError }
    }

    public var id: String
    /// `POST /kafkacruisecontrol/remove_broker?brokerid=1&dryrun=false&json=true`.
    public var requestURL: String
    public var clientIdentity: String
    /// When it started, in milliseconds since the epoch.
    public var startMs: Int64
    public var status: Status
    /// The task's final answer, as text (only with `fetch_completed_task`, once finished).
    public var originalResponse: String?

    public init(
        id: String, requestURL: String, clientIdentity: String = "", startMs: Int64 = 0, status: Status,
        originalResponse: String? = nil
    ) {
        self.id = id
        self.requestURL = requestURL
        self.clientIdentity = clientIdentity
        self.startMs = startMs
        self.status = status
        self.originalResponse = originalResponse
    }

    /// The request that started the task, read back from `requestURL`; nil when it names no
    /// endpoint this client knows or its query is malformed.
    public var request: CruiseControlRequest? {
        let call = requestURL.split(separator: " ", maxSplits: 1).last ?? Substring(requestURL)
        let parts = call.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let last = parts.first?.split(separator: "/").last,
            let endpoint = CruiseControlRequest.Endpoint(rawValue: String(last))
        else { return nil }
        var parameters: [CruiseControlRequest.Parameter] = []
        for pair in parts.dropFirst().first?.split(separator: "&") ?? [] {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(nameAndValue[0]),
                let value = PercentEncoding.decode(nameAndValue.dropFirst().first ?? "")
            else { return nil }
            parameters.append(.init(name, value))
        }
        return CruiseControlRequest(endpoint: endpoint, parameters: parameters)
    }

    /// The `errorMessage` of a failed task's final answer (fetched with `fetch_completed_task`).
    public var errorMessage: String? {
        guard let originalResponse,
            case .object(let members)? = try? JSONReader.parse(Array(originalResponse.utf8))
        else { return nil }
        if case .string(let message)? = members.last(where: { $0.key == "errorMessage" })?.value {
            return message
        }
        return nil
    }

    static func list(_ reader: ResponseReader) throws -> [UserTaskInfo] {
        try reader.field("userTasks").list { try UserTaskInfo($0) }
    }

    init(_ reader: ResponseReader) throws {
        let statusField = try reader.field("Status")
        let statusText = try statusField.string()
        guard let status = Status(rawValue: statusText) else {
            throw ResponseReader.Mismatch(
                path: statusField.path, reason: "unknown task status \(statusText.prefix(64))")
        }
        let startField = try reader.field("StartMs")
        // A string in Cruise Control's answer; a number is read as well.
        let start: Int64?
        if case .string(let text) = startField.value {
            start = Int64(text)
        } else {
            start = Int64(exactly: try startField.int())
        }
        guard let start else {
            throw ResponseReader.Mismatch(
                path: startField.path, reason: "expected milliseconds since the epoch")
        }
        self.init(
            id: try reader.field("UserTaskId").string(), requestURL: try reader.field("RequestURL").string(),
            clientIdentity: try reader.field("ClientIdentity").string(), startMs: start, status: status,
            originalResponse: try reader.optionalField("originalResponse")?.string())
    }
}
