import ClusterModel
import CruiseControl
import Kubernetes

/// One CruiseControlOperation's task as a state machine over its persisted status. Its event
/// methods change the status and say what happened; the reconciler does the I/O (asking Cruise
/// Control, writing the status) and turns what happened into Events and metrics.
///
/// ```
/// unsent ──submitted / adopted──▶ running ──Completed──▶ completed
///                                  │  └──CompletedWithError, or forgotten by Cruise Control──▶ failed
///                                  │                                 (retry 30 s later, as a new run)
///                                  └──its brokers' change is undone──▶ stopped (failed, not retried)
/// ```
///
/// A task Cruise Control no longer lists (it restarted and forgot) is failed, never completed: a
/// broker is only deleted after a removal it saw complete.
public struct GracefulTask: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// Recorded, not sent yet (or sent, with the answer lost).
        case unsent
        case running(id: String)
        case completed
        /// Ended with an error at `finishedAt` (milliseconds since the epoch).
        case failed(finishedAt: Int64)
    }

    /// What an event changed, for Events and metrics.
    public enum Transition: Equatable, Sendable {
        case started(id: String, adopted: Bool)
        case stateChanged(from: String, to: String)
        case completed(seconds: Double?)
        case failed(reason: String, seconds: Double?)
        case retried(count: Int)
        case stopped(reason: String)
    }

    /// Koperator's label that pauses a task's retries.
    public static let pauseLabel = "pause"

    /// How long a failed task waits before it runs again under `errorPolicy: retry`.
    public static let retryDelayMilliseconds: Int64 = 30_000

    public let name: String
    public let intent: GracefulIntent
    public private(set) var status: CruiseControlOperation.Status
    public let errorPolicy: CruiseControlOperation.ErrorPolicy
    /// When the object was created (before its first run was sent), in milliseconds.
    public let createdAt: Int64
    /// Labelled `pause: "true"`: a failed run is not run again, and other tasks may run.
    public let isPaused: Bool
    /// Delete the object this long after the task finished; nil to keep it.
    public let ttlSecondsAfterFinished: Int?

    public init(name: String, intent: GracefulIntent, operation: CruiseControlOperation) {
        self.name = name
        self.createdAt = operation.metadata.creationTimestamp.flatMap(UTCTimestamp.milliseconds(of:)) ?? 0
        self.isPaused = operation.metadata.labels?[Self.pauseLabel] == "true"
        self.ttlSecondsAfterFinished = operation.spec?.ttlSecondsAfterFinished
        self.intent = intent
        self.errorPolicy = operation.spec?.errorPolicy ?? operation.status?.errorPolicy ?? .retry
        var status = operation.status ?? CruiseControlOperation.Status(errorPolicy: errorPolicy)
        if status.currentTask == nil {
            status.currentTask = intent.newRun
        }
        self.status = status
    }

    public var phase: Phase {
        guard let task = status.currentTask else { return .unsent }
        if task.state == UserTaskInfo.Status.completedWithError.rawValue {
            // Refused when sent, the run has no task id.
            return .failed(finishedAt: task.finished.flatMap(UTCTimestamp.milliseconds(of:)) ?? 0)
        }
        guard let id = task.id, !id.isEmpty else { return .unsent }
        return task.state == UserTaskInfo.Status.completed.rawValue ? .completed : .running(id: id)
    }

    /// Whether nothing more will happen to the task: it completed, or it failed and is not
    /// to run again (`errorPolicy: ignore`, or `wanted` false: its brokers' change was undone).
    public func isFinished(wanted: Bool) -> Bool {
        switch phase {
        case .completed: return true
        case .failed: return errorPolicy == .ignore || !wanted
        case .unsent: return !wanted
        case .running: return false
        }
    }

    /// Every Cruise Control task id a run of this object recorded.
    public var recordedTaskIDs: [String] {
        ((status.failedTasks ?? []) + [status.currentTask].compactMap { $0 }).compactMap(\.id).filter {
            !$0.isEmpty
        }
    }

    /// When the object may be deleted (`ttlSecondsAfterFinished` after its task finished), in
    /// milliseconds since the epoch; nil while it is kept.
    public func expiresAt(wanted: Bool) -> Int64? {
        guard let ttl = ttlSecondsAfterFinished, isFinished(wanted: wanted),
            let finished = status.currentTask?.finished.flatMap(UTCTimestamp.milliseconds(of:))
        else { return nil }
        return finished + Int64(ttl) * 1_000
    }

    /// When a failed task runs again, in milliseconds since the epoch; nil unless it will.
    public var retryAt: Int64? {
        guard errorPolicy == .retry, !isPaused, case .failed(let finishedAt) = phase else { return nil }
        return finishedAt + Self.retryDelayMilliseconds
    }

    // MARK: - Events

    /// Cruise Control accepted the request (or listed the task a lost answer started).
    public mutating func started(id: String, adopted: Bool, now: Int64) -> Transition {
        var task = currentTask
        task.id = id
        task.started = UTCTimestamp.format(milliseconds: now, fractionDigits: 3)
        task.state = UserTaskInfo.Status.active.rawValue
        task.httpRequest = intent.request.call
        task.httpResponseCode = adopted ? nil : 202
        status.currentTask = task
        return .started(id: id, adopted: adopted)
    }

    /// Cruise Control refused the request with its own error (it cannot compute a proposal):
    /// the run failed without a task.
    public mutating func refused(reason: String, now: Int64) -> Transition {
        fail(reason: "Cruise Control refused the task: \(reason.prefix(512))", now: now)
    }

    /// What Cruise Control lists for the running task: nil when it does not know the id.
    public mutating func observed(_ listed: UserTaskInfo?, now: Int64) -> Transition? {
        guard case .running(let id) = phase else { return nil }
        guard let listed else {
            return fail(
                reason: "Cruise Control no longer knows task \(id) (it restarted); counted as failed",
                now: now)
        }
        var task = currentTask
        let before = task.state ?? ""
        switch listed.status {
        case .completed:
            task.state = listed.status.rawValue
            task.finished = UTCTimestamp.format(milliseconds: now, fractionDigits: 3)
            status.currentTask = task
            return .completed(seconds: seconds(since: task.started, now: now))
        case .completedWithError:
            let detail = listed.errorMessage.map { ": \($0.prefix(512))" } ?? ""
            return fail(reason: "Cruise Control reports the task CompletedWithError\(detail)", now: now)
        case .active, .inExecution:
            guard before != listed.status.rawValue else { return nil }
            task.state = listed.status.rawValue
            status.currentTask = task
            return .stateChanged(from: before, to: listed.status.rawValue)
        }
    }

    /// Starts the next run of a failed task once its retry is due: the failed run joins
    /// `failedTasks`, the new one waits to be sent.
    public mutating func retryIfDue(now: Int64) -> Transition? {
        guard let retryAt, now >= retryAt, let failed = status.currentTask else { return nil }
        status.failedTasks = (status.failedTasks ?? []) + [failed]
        status.retryCount += 1
        status.currentTask = intent.newRun
        return .retried(count: status.retryCount)
    }

    /// The change the task serves was undone (a leaving broker is back in the spec): the task
    /// is stopped and not run again.
    public mutating func stopped(reason: String, now: Int64) -> Transition {
        var task = currentTask
        task.state = UserTaskInfo.Status.completedWithError.rawValue
        task.finished = UTCTimestamp.format(milliseconds: now, fractionDigits: 3)
        task.errorMessage = "stopped: \(reason)"
        status.currentTask = task
        return .stopped(reason: reason)
    }

    private mutating func fail(reason: String, now: Int64) -> Transition {
        var task = currentTask
        task.state = UserTaskInfo.Status.completedWithError.rawValue
        task.finished = UTCTimestamp.format(milliseconds: now, fractionDigits: 3)
        task.errorMessage = reason
        status.currentTask = task
        return .failed(reason: reason, seconds: seconds(since: task.started, now: now))
    }

    private var currentTask: CruiseControlOperation.Task {
        status.currentTask
            ?? intent.newRun
    }

    private func seconds(since started: String?, now: Int64) -> Double? {
        started.flatMap(UTCTimestamp.milliseconds(of:)).map { Double(now - $0) / 1_000 }
    }
}
