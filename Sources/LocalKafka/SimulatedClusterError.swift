/// Why the simulated cluster refused a change; the cluster is left as it was.
public enum SimulatedClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownBroker(Int32)
    case brokerExists(Int32)
    case unknownPartition(TopicPartition)
    case topicExists(String)
    case unknownTopic(String)
    case reassignmentInProgress(TopicPartition)
    case invalidAssignment(TopicPartition, reason: String)
    case unknownLogDir(broker: Int32, logDir: String)

    public var description: String {
        switch self {
        case .unknownBroker(let id): "broker \(id) is not in the cluster"
        case .brokerExists(let id): "broker \(id) is already in the cluster"
        case .unknownPartition(let partition): "partition \(partition) does not exist"
        case .topicExists(let topic): "topic \(topic) already exists"
        case .unknownTopic(let topic): "topic \(topic) does not exist"
        case .reassignmentInProgress(let partition): "partition \(partition) is already being reassigned"
        case .invalidAssignment(let partition, let reason): "invalid assignment for \(partition): \(reason)"
        case .unknownLogDir(let broker, let logDir): "broker \(broker) has no log directory \(logDir)"
        }
    }
}
