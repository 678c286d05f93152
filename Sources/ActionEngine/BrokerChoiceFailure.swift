import ClusterModel

/// Why the broker a downScale without `brokerId` removes could not be chosen: the live data the
/// choice needs (Kafka's metadata) could not be had. The action is then deferred (retryable) or
/// rejected (terminal) with this reason, never taken on a guess.
public struct BrokerChoiceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var isRetryable: Bool

    public init(reason: String, isRetryable: Bool) {
        self.reason = reason
        self.isRetryable = isRetryable
    }

    public var description: String { "the broker to remove could not be chosen: \(reason)" }
}

/// Chooses the broker a downScale without `brokerId` removes; nil when there is no live data to
/// choose from (then the highest id goes).
public typealias BrokerChooser = @Sendable (KafkaCluster) async throws(BrokerChoiceFailure) -> Int32?
