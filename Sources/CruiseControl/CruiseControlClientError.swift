/// Why a call to Cruise Control failed. `isRetryable` says whether the same call later may
/// succeed; an unknown task, a task that ended with an error, and a POST whose outcome is
/// unknown are never "done": a caller must not treat them as success.
public enum CruiseControlClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Cruise Control answered with its error document: the status and its `errorMessage`.
    case refused(call: String, status: Int, message: String)
    /// A non-2xx answer that is not Cruise Control's error document (a proxy's, a crash).
    case unexpectedStatus(call: String, status: Int, body: String)
    /// Cruise Control does not know this `User-Task-ID` (it restarted, or forgot the task):
    /// what the task did is unknown.
    case unknownUserTask(id: String)
    /// The user task ended `CompletedWithError`; `detail` is its final answer when known.
    case taskFailed(userTaskID: String, detail: String?)
    /// The task was still going (computing, or executing) when the wait ended.
    case taskTimedOut(userTaskID: String, waited: Duration, status: UserTaskInfo.Status?)
    /// No answer: the connection failed, or TLS did.
    case transport(call: String, reason: String)
    /// No answer within the request's timeout.
    case timedOut(call: String, after: Duration)
    /// A POST that may have started a task lost its answer; it is not sent again. Look for the
    /// task in `user_tasks` before sending it anew.
    case outcomeUnknown(call: String, reason: String)
    /// The answer is not what the API documents: not JSON, or a field missing or of the wrong type.
    case malformedResponse(call: String, reason: String)
    /// The answer was longer than `maxResponseBytes`.
    case responseTooLarge(call: String, limit: Int)
    /// Refused before sending: the request lacks what Cruise Control requires.
    case invalidRequest(String)
    /// The client's configuration is unusable.
    case configuration(String)
    /// The calling task was cancelled; nobody waits for the answer.
    case cancelled(call: String)

    /// Whether the same call later may succeed: outages, throttling and timeouts.
    public var isRetryable: Bool {
        switch self {
        case .transport, .timedOut, .taskTimedOut: return true
        case .refused(_, let status, _): return status == 503 || status == 429
        case .unexpectedStatus(_, let status, _): return status == 429 || (status >= 500 && status != 501)
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .refused(let call, let status, let message):
            return "Cruise Control refused \(call) (\(status)): \(message)"
        case .unexpectedStatus(let call, let status, let body):
            return "Cruise Control answered \(call) with \(status)" + (body.isEmpty ? "" : ": \(body)")
        case .unknownUserTask(let id):
            return
                "Cruise Control does not know user task \(id): it may have restarted; the task's outcome is unknown"
        case .taskFailed(let id, let detail):
            return "Cruise Control's user task \(id) ended CompletedWithError"
                + (detail.map { ": \($0)" } ?? "")
        case .taskTimedOut(let id, let waited, let status):
            return
                "Cruise Control's user task \(id) was still \(status?.rawValue ?? "computing") after \(waited)"
        case .transport(let call, let reason):
            return "Cruise Control could not be reached for \(call): \(reason)"
        case .timedOut(let call, let after): return "Cruise Control did not answer \(call) within \(after)"
        case .outcomeUnknown(let call, let reason):
            return "\(call) may have started a Cruise Control task, but its answer was lost (\(reason)); "
                + "it was not sent again"
        case .malformedResponse(let call, let reason):
            return "Cruise Control's answer to \(call) could not be read: \(reason)"
        case .responseTooLarge(let call, let limit):
            return "Cruise Control's answer to \(call) is longer than \(limit) bytes"
        case .invalidRequest(let why): return "not sent to Cruise Control: \(why)"
        case .configuration(let why): return "the Cruise Control client is misconfigured: \(why)"
        case .cancelled(let call): return "the call \(call) to Cruise Control was cancelled"
        }
    }
}
