/// A CruiseControlOperation (`kafka.banzaicloud.io/v1alpha1`, Koperator's resource): the durable
/// record of one Cruise Control task the operator runs for a cluster (add or remove a broker,
/// rebalance, remove disks). The spec says what to do when the task fails; the status, written
/// through the status subresource, says what the task is doing and what failed before.
public struct CruiseControlOperation: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.cruiseControlOperations
    public var apiVersion: String? = "kafka.banzaicloud.io/v1alpha1"
    public var kind: String? = "CruiseControlOperation"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = Spec(), status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// What happens to a task that ends `CompletedWithError`.
    public enum ErrorPolicy: String, Codable, Equatable, Sendable {
        /// Run the task again, 30 seconds after it failed, until it completes.
        case retry
        /// Count the failed task as finished.
        case ignore
    }

    public struct Spec: Codable, Equatable, Sendable {
        /// The API server defaults it to `retry`.
        public var errorPolicy: ErrorPolicy?
        /// Delete the object this long after its task finished (completed, or failed under
        /// `ignore`); kept for good without it.
        public var ttlSecondsAfterFinished: Int?

        public init(errorPolicy: ErrorPolicy? = nil, ttlSecondsAfterFinished: Int? = nil) {
            self.errorPolicy = errorPolicy
            self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        public var currentTask: Task?
        public var errorPolicy: ErrorPolicy
        public var retryCount: Int
        /// Earlier runs of the task that ended `CompletedWithError`, oldest first.
        public var failedTasks: [Task]?

        public init(
            currentTask: Task? = nil, errorPolicy: ErrorPolicy = .retry, retryCount: Int = 0,
            failedTasks: [Task]? = nil
        ) {
            self.currentTask = currentTask
            self.errorPolicy = errorPolicy
            self.retryCount = retryCount
            self.failedTasks = failedTasks
        }
    }

    /// One run of a Cruise Control user task.
    public struct Task: Codable, Equatable, Sendable {
        /// Cruise Control's `User-Task-ID`; empty until the request was accepted.
        public var id: String?
        /// RFC 3339 times.
        public var started: String?
        public var finished: String?
        /// The endpoint: `add_broker`, `remove_broker`, `remove_disks`, `rebalance`,
        /// `stop_proposal_execution`.
        public var operation: String
        public var parameters: [String: String]?
        public var httpRequest: String?
        public var httpResponseCode: Int?
        public var summary: [String: String]?
        /// Cruise Control's task state: `Active`, `InExecution`, `Completed`, `CompletedWithError`.
        public var state: String?
        public var errorMessage: String?

        public init(
            id: String? = nil, started: String? = nil, finished: String? = nil, operation: String,
            parameters: [String: String]? = nil, httpRequest: String? = nil, httpResponseCode: Int? = nil,
            summary: [String: String]? = nil, state: String? = nil, errorMessage: String? = nil
        ) {
            self.id = id
            self.started = started
            self.finished = finished
            self.operation = operation
            self.parameters = parameters
            self.httpRequest = httpRequest
            self.httpResponseCode = httpResponseCode
            self.summary = summary
            self.state = state
            self.errorMessage = errorMessage
        }
    }
}
