import Kubernetes
import Logging

/// The KafkaTopic control loop.
public typealias TopicLoop = ObjectLoop<TopicReconciler>
/// Names one KafkaTopic object.
public typealias TopicKey = NamespacedKey

extension TopicReconciler: ObjectReconciler {
    public static var kind: String { "KafkaTopic" }
    public static var resourceType: ResourceType { .kafkaTopics }
}

extension TopicReconcileResult: ObjectReconcileOutcome {
    public var writes: Logger.Metadata? {
        guard kafkaChanges > 0 || statusWritten else { return nil }
        return [
            "kafka_changes": "\(kafkaChanges)", "events": "\(eventsRecorded)", "status": "\(statusWritten)",
        ]
    }
}
