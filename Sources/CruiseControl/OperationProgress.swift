/// What a 202 answer says about a task still computing: its operation and the steps so far.
public struct OperationProgress: Equatable, Sendable {
    public struct Step: Equatable, Sendable {
        public var step: String
        public var description: String
        public var timeMs: Int64
        public var completionPercent: Double

        public init(step: String, description: String, timeMs: Int64, completionPercent: Double) {
            self.step = step
            self.description = description
            self.timeMs = timeMs
            self.completionPercent = completionPercent
        }
    }

    /// `Rebalance`, `Add brokers`, ...
    public var operation: String
    public var steps: [Step]

    public init(operation: String, steps: [Step]) {
        self.operation = operation
        self.steps = steps
    }

    static func list(_ reader: ResponseReader) throws -> [OperationProgress] {
        try reader.field("progress").list { item in
            OperationProgress(
                operation: try item.field("operation").string(),
                steps: try item.field("operationProgress").list { step in
                    Step(
                        step: try step.field("step").string(),
                        description: try step.field("description").string(),
                        timeMs: Int64(try step.field("time-in-ms").int()),
                        completionPercent: try step.field("completionPercentage").double())
                })
        }
    }
}

/// Where an operation stands after `submit`: still computing (202, with the task's id to follow
/// it by), or answered (200) with its proposal. With `dryrun=false` an answered operation is
/// executing: `awaitCompletion` or `user_tasks` say when it is done.
public enum CruiseControlTaskAnswer<Result: Sendable>: Sendable {
    case inProgress(userTaskID: String, progress: [OperationProgress])
    case answered(userTaskID: String?, Result)

    /// The task to follow: always known while in progress.
    public var userTaskID: String? {
        switch self {
        case .inProgress(let id, _): id
        case .answered(let id, _): id
        }
    }

    /// The answer, once there is one.
    public var result: Result? {
        if case .answered(_, let result) = self { result } else { nil }
    }
}

extension CruiseControlTaskAnswer: Equatable where Result: Equatable {}

/// `POST /stop_proposal_execution`'s answer.
public struct StopProposalResult: Equatable, Sendable {
    public var message: String

    public init(message: String) { self.message = message }

    init(_ reader: ResponseReader) throws { message = try reader.field("message").string() }
}
