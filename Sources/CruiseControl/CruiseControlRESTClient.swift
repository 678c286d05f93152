import AddressResolution
import HTTPClient
import JSON
import Logging

/// Cruise Control's REST API over the project's libcurl client (`CurlHTTPClient`), with
/// `json=true` on every request.
///
/// **Asynchronous requests.** Cruise Control answers a long request with 202, its progress and
/// a `User-Task-ID` header; the same request repeated with that header returns the task's answer
/// once it has one (200). The client follows 202s this way, pausing `pollInterval` (doubling up
/// to `maximumPollInterval`) between repeats.
///
/// **Retries** (within `retryPolicy`, with backoff): connection failures before the request went
/// out, 503 and 429 always; other 5xx, timeouts and broken connections only where sending again
/// cannot start a second task — reads, `stop_proposal_execution`, and an operation followed by
/// its `User-Task-ID`. A 500 carrying Cruise Control's own error document is its answer, not an
/// outage, and is not retried. An operation POST without a task id that may have reached Cruise
/// Control is never sent again: it fails as `.outcomeUnknown`.
public final class CruiseControlRESTClient: CruiseControlClient {
    public let configuration: CruiseControlClientConfiguration
    /// `http://host:8090/kafkacruisecontrol`.
    public let baseURL: String
    private let transfers: CurlHTTPClient
    private let clock: RetryClock
    private let logger: Logger

    /// Resolves the URL's host and port through `configuration.resolver` now; `clock` times the
    /// retries and polls.
    public init(
        configuration: CruiseControlClientConfiguration, clock: RetryClock = .continuous,
        logger: Logger = Logger(label: "cruise-control-client")
    ) throws(CruiseControlClientError) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let url: ServerURL
        do { url = try ServerURL(configuration.url) } catch {
            throw .configuration("the URL \(configuration.url) \(error)")
        }
        guard !url.prefix.contains("?"), !url.prefix.contains("#") else {
            throw .configuration(
                "the URL \(configuration.url) has a query or fragment; give the base URL only")
        }
        guard configuration.maxResponseBytes > 0 else {
            throw .configuration("maxResponseBytes must be positive, not \(configuration.maxResponseBytes)")
        }
        baseURL =
            url.url(host: url.host) + (url.prefix.isEmpty ? CruiseControlClientConfiguration.defaultPath : "")
        var route: ConnectionRoute?
        if let port = UInt16(exactly: url.port) {
            let named = ServiceAddress(host: url.hostName, port: port)
            let target = configuration.resolver.resolve(named)
            if target != named {
                route = ConnectionRoute(
                    host: url.host, port: url.port, connectHost: target.host, connectPort: Int(target.port))
            }
        }
        guard
            let transfers = CurlHTTPClient(
                configuration: HTTPClientConfiguration(
                    tls: configuration.tls, route: route, connectTimeout: configuration.connectTimeout,
                    maxIdleConnections: 2, maxConcurrentRequests: 4))
        else {
            throw .configuration("libcurl could not make a multi handle")
        }
        self.transfers = transfers
    }

    // MARK: - Reads

    public func state(substates: Set<CruiseControlState.Substate>) async throws(CruiseControlClientError)
        -> CruiseControlState
    {
        let request = CruiseControlRequest.state(substates: substates)
        let state = try await read(request) { try CruiseControlState($0) }
        let wanted = substates.isEmpty ? Set(CruiseControlState.Substate.allCases) : substates
        let missing = [
            (CruiseControlState.Substate.monitor, state.monitor == nil, "MonitorState"),
            (.executor, state.executor == nil, "ExecutorState"),
            (.analyzer, state.analyzer == nil, "AnalyzerState"),
        ].filter { wanted.contains($0.0) && $0.1 }.map(\.2)
        guard missing.isEmpty else {
            throw .malformedResponse(
                call: request.call, reason: "\(missing.joined(separator: ", ")): missing")
        }
        return state
    }

    public func kafkaClusterState(verbose: Bool) async throws(CruiseControlClientError) -> KafkaClusterState {
        try await read(.kafkaClusterState(verbose: verbose)) { try KafkaClusterState($0) }
    }

    public func load(populateDiskInfo: Bool) async throws(CruiseControlClientError) -> BrokerStats {
        try await read(.load(populateDiskInfo: populateDiskInfo)) { try BrokerStats($0) }
    }

    public func proposals(options: OptimizationOptions) async throws(CruiseControlClientError)
        -> OptimizationResult
    {
        try await read(.proposals(options: options)) { try OptimizationResult($0) }
    }

    public func userTasks(ids: [String], fetchCompletedTask: Bool) async throws(CruiseControlClientError)
        -> [UserTaskInfo]
    {
        try await read(.userTasks(ids: ids, fetchCompletedTask: fetchCompletedTask)) {
            try UserTaskInfo.list($0)
        }
    }

    public func stopProposalExecution() async throws(CruiseControlClientError) -> StopProposalResult {
        try await read(.stopProposalExecution()) { try StopProposalResult($0) }
    }

    /// A request answered once its task (if any) has an answer, within `readWait`.
    private func read<T>(_ request: CruiseControlRequest, _ decode: (ResponseReader) throws -> T)
        async throws(CruiseControlClientError) -> T
    {
        try request.validate()
        switch try await follow(request, userTaskID: nil, wait: configuration.readWait) {
        case .answered(_, let response):
            return try Self.decode(response, request.call, decode)
        case .inProgress(let id, _):
            throw .taskTimedOut(userTaskID: id, waited: configuration.readWait, status: nil)
        }
    }

    // MARK: - Operations

    public func submit(_ request: CruiseControlRequest, userTaskID: String?, waitingUpTo wait: Duration)
        async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult>
    {
        guard request.endpoint.isOperation else {
            throw .invalidRequest("\(request.call) is not an operation; it has its own call")
        }
        try request.validate()
        if let userTaskID, userTaskID.isEmpty { throw .invalidRequest("an empty User-Task-ID") }
        switch try await follow(request, userTaskID: userTaskID, wait: wait) {
        case .answered(let id, let response):
            return .answered(
                userTaskID: id, try Self.decode(response, request.call) { try OptimizationResult($0) })
        case .inProgress(let id, let progress):
            return .inProgress(userTaskID: id, progress: progress)
        }
    }

    public func awaitCompletion(ofUserTask id: String, timeout: Duration)
        async throws(CruiseControlClientError)
        -> UserTaskInfo
    {
        let started = clock.now()
        var polls = 0
        while true {
            guard let task = try await userTask(id, fetchCompletedTask: true) else {
                throw .unknownUserTask(id: id)
            }
            switch task.status {
            case .completed:
                return task
            case .completedWithError:
                throw .taskFailed(userTaskID: id, detail: task.originalResponse)
            case .active, .inExecution:
                let elapsed = clock.now() - started
                guard elapsed < timeout else {
                    throw .taskTimedOut(userTaskID: id, waited: elapsed, status: task.status)
                }
                try await pause(
                    min(configuration.pause(beforePoll: polls), timeout - elapsed), "GET /user_tasks")
                polls += 1
            }
        }
    }

    // MARK: - Exchanges

    private enum Followed {
        case answered(userTaskID: String?, HTTPClientResponse)
        case inProgress(userTaskID: String, progress: [OperationProgress])
    }

    /// Sends `request` and repeats it with the task's id while the answer is 202, for up to `wait`.
    /// Once this call has learnt an operation's task id, an outage while following it ends the
    /// wait as `.inProgress` rather than an error, so the caller still gets the id.
    private func follow(_ request: CruiseControlRequest, userTaskID: String?, wait: Duration)
        async throws(CruiseControlClientError) -> Followed
    {
        let started = clock.now()
        var taskID = userTaskID
        var progress: [OperationProgress] = []
        var polls = 0
        while true {
            let response: HTTPClientResponse
            do {
                response = try await exchange(request, userTaskID: taskID)
            } catch {
                if request.endpoint.isOperation, userTaskID == nil, let taskID, error.isRetryable {
                    logger.warning(
                        "lost Cruise Control while following a task; it goes on, to be followed later",
                        metadata: ["call": "\(request.call)", "userTaskID": "\(taskID)", "error": "\(error)"])
                    return .inProgress(userTaskID: taskID, progress: progress)
                }
                throw error
            }
            let answeredID = response.header("User-Task-ID").flatMap { $0.isEmpty ? nil : $0 }
            switch response.status {
            case 200:
                return .answered(userTaskID: answeredID ?? taskID, response)
            case 202:
                guard let id = answeredID else {
                    throw .malformedResponse(
                        call: request.call, reason: "a 202 answer without a User-Task-ID header")
                }
                if let taskID, taskID != id {
                    throw .malformedResponse(
                        call: request.call, reason: "the answer is for user task \(id), not \(taskID)")
                }
                taskID = id
                progress = try Self.decode(response, request.call) { try OperationProgress.list($0) }
                let elapsed = clock.now() - started
                guard elapsed < wait else { return .inProgress(userTaskID: id, progress: progress) }
                try await pause(min(configuration.pause(beforePoll: polls), wait - elapsed), request.call)
                polls += 1
            default:
                throw .malformedResponse(call: request.call, reason: "unexpected status \(response.status)")
            }
        }
    }

    /// One request and its 2xx answer, retried within `retryPolicy` where that is safe.
    private func exchange(_ request: CruiseControlRequest, userTaskID: String?)
        async throws(CruiseControlClientError) -> HTTPClientResponse
    {
        let call = request.call
        // Sending again cannot start a second task.
        let repeatable = request.endpoint.isIdempotent || userTaskID != nil
        var http = httpRequest(request, userTaskID: userTaskID)
        http.freshConnection = !repeatable
        return try await configuration.retryPolicy.run(
            clock: clock, cancelled: .cancelled(call: call),
            onRetry: { attempt, delay, error in
                logger.info(
                    "retrying a Cruise Control call",
                    metadata: [
                        "call": "\(call)", "attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)",
                    ])
            },
            attempt: { _ throws(CruiseControlClientError) in
                switch await transfers.execute(http) {
                case .success(let response) where response.isSuccess:
                    return .success(response)
                case .success(let response):
                    let error = Self.error(for: response, call: call, userTaskID: userTaskID)
                    guard Self.mayRetry(response.status, error, repeatable: repeatable) else {
                        return .failure(error)
                    }
                    return .retryable(error, retryAfter: response.retryAfterSeconds.map { .seconds($0) })
                case .failure(let failure):
                    if failure.wasCancelled || Task.isCancelled { throw .cancelled(call: call) }
                    if case .responseTooLarge(let limit) = failure.reason {
                        return .failure(.responseTooLarge(call: call, limit: limit))
                    }
                    let error: CruiseControlClientError =
                        failure.reason == .timedOut
                        ? .timedOut(call: call, after: configuration.requestTimeout)
                        : .transport(call: call, reason: failure.message)
                    guard failure.isConnectionFailure else { return .failure(error) }
                    if repeatable || !failure.requestSent { return .retryable(error, retryAfter: nil) }
                    return .failure(.outcomeUnknown(call: call, reason: failure.message))
                }
            })
    }

    private func httpRequest(_ request: CruiseControlRequest, userTaskID: String?) -> HTTPClientRequest {
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/json"), ("User-Agent", configuration.userAgent),
        ]
        if let userTaskID { headers.append(("User-Task-ID", userTaskID)) }
        let query = PercentEncoding.query(request.parameters.map { ($0.name, $0.value) })
        return HTTPClientRequest(
            method: request.endpoint.method, url: "\(baseURL)/\(request.endpoint.rawValue)?\(query)",
            headers: headers, timeout: configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes)
    }

    private func pause(_ duration: Duration, _ call: String) async throws(CruiseControlClientError) {
        do { try await clock.sleep(duration) } catch { throw .cancelled(call: call) }
    }

    /// 503 and 429 mean Cruise Control (or what stands before it) did not act: always worth
    /// another attempt. Other 5xx only for requests that cannot start a task twice, and not
    /// when the body is Cruise Control's own refusal.
    static func mayRetry(_ status: Int, _ error: CruiseControlClientError, repeatable: Bool) -> Bool {
        if case .unknownUserTask = error { return false }
        if status == 503 || status == 429 { return true }
        guard repeatable, (500...599).contains(status), status != 501 else { return false }
        if status == 500, case .refused = error { return false }
        return true
    }

    /// The error an answer stands for: Cruise Control's error document (`errorMessage`) when it
    /// is one, the status and the start of the body otherwise. A refusal of the `User-Task-ID`
    /// this request carried is `.unknownUserTask`.
    static func error(for response: HTTPClientResponse, call: String, userTaskID: String?)
        -> CruiseControlClientError
    {
        if let document = try? JSONReader.parse(response.body),
            case .string(let message)? = document["errorMessage"]
        {
            if let userTaskID,
                message.lowercased().contains("user-task-id")
                    || (!userTaskID.isEmpty && message.contains(userTaskID))
            {
                return .unknownUserTask(id: userTaskID)
            }
            return .refused(call: call, status: response.status, message: String(message.prefix(4096)))
        }
        let excerpt = String(decoding: response.body.prefix(512), as: UTF8.self)
        return .unexpectedStatus(call: call, status: response.status, body: excerpt)
    }

    static func decode<T>(
        _ response: HTTPClientResponse, _ call: String, _ read: (ResponseReader) throws -> T
    )
        throws(CruiseControlClientError) -> T
    {
        let document: JSONValue
        do { document = try JSONReader.parse(response.body) } catch {
            throw .malformedResponse(call: call, reason: "not JSON: \(error)")
        }
        do { return try read(ResponseReader(document)) } catch let mismatch as ResponseReader.Mismatch {
            throw .malformedResponse(call: call, reason: mismatch.description)
        } catch {
            throw .malformedResponse(call: call, reason: "\(error)")
        }
    }
}
