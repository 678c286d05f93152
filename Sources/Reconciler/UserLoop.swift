import Kubernetes
import Logging

/// The KafkaUser control loop.
public typealias UserLoop = ObjectLoop<UserReconciler>
/// Names one KafkaUser object.
public typealias UserKey = NamespacedKey

extension UserReconciler: ObjectReconciler {
    public static var kind: String { "KafkaUser" }
    public static var resourceType: ResourceType { .kafkaUsers }
}

extension UserReconcileResult: ObjectReconcileOutcome {
    public var writes: Logger.Metadata? {
        guard kafkaChanges > 0 || secretWritten || statusWritten else { return nil }
        return [
            "kafka_changes": "\(kafkaChanges)", "secret": "\(secretWritten)", "events": "\(eventsRecorded)",
            "status": "\(statusWritten)",
        ]
    }
}
