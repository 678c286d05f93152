import ClusterModel
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import Logging
import PKI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Makes one KafkaUser real, level-triggered: every pass reads the object, its cluster, the
/// cluster CA and the user's Secret afresh, keeps or issues the user's certificate, and makes
/// the principal's ACLs in Kafka exactly the ones its topic grants stand for (`UserGrants`).
/// A user already as specified costs reads and a DescribeAcls, and no writes.
///
/// The finalizer goes on before anything is made, so deleting the object deletes the
/// principal's ACLs first; the Secret, owned by the KafkaUser, goes with it by garbage
/// collection.
public struct UserReconciler: Sendable {
    /// Koperator's finalizer on KafkaUsers.
    public static let finalizer = "finalizer.kafkausers.kafka.banzaicloud.io"

    /// The ACL client of a cluster's brokers; nil when the operator cannot reach them.
    public typealias AdminClients = @Sendable (ClusterKey) async -> (any KafkaAclAdminClient)?

    public struct Configuration: Sendable {
        public var recordEvents: Bool
        /// How soon to look again while the cluster, its CA or Kafka cannot be reached.
        public var waitInterval: Duration
        /// When a certificate is replaced before it expires.
        public var renewal: RenewalPolicy
        public var component: String
        public var now: @Sendable () -> Date

        public init(
            recordEvents: Bool = true, waitInterval: Duration = .seconds(5),
            renewal: RenewalPolicy = RenewalPolicy(), component: String = "kafka-operator",
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.recordEvents = recordEvents
            self.waitInterval = waitInterval
            self.renewal = renewal
            self.component = component
            self.now = now
        }
    }

    /// Koperator's certificate lifetime when `spec.expirationSeconds` is not set.
    static let defaultValidity: Duration = .seconds(90 * 24 * 3600)

    public let api: any KubernetesAPI
    let kafka: AdminClients
    public let configuration: Configuration
    let logger: Logger

    public init(
        api: any KubernetesAPI, kafka: @escaping AdminClients, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kafka-operator.users")
    ) {
        self.api = api
        self.kafka = kafka
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass over the KafkaUser `namespace/name`.
    public func reconcile(namespace: String, name: String) async throws(ReconcileError) -> UserReconcileResult
    {
        let user: KafkaUser
        do { user = try await api.get(KafkaUser.self, namespace: namespace, name: name) } catch {
            if case .notFound = error { return UserReconcileResult(gone: true) }
            throw .api(error, during: "reading KafkaUser \(namespace)/\(name)")
        }
        var pass = UserReconcilePass(
            reconciler: self, user: user,
            events: UserEventRecorder(
                api: api, object: user, component: configuration.component,
                enabled: configuration.recordEvents),
            cluster: ClusterKey(user.spec.clusterRef, from: namespace))
        return try await pass.run()
    }
}

/// What one pass over a KafkaUser did.
public struct UserReconcileResult: Equatable, Sendable {
    /// The object is gone, or let go after its ACLs were deleted.
    public var gone = false
    /// Calls that changed Kafka (CreateAcls, DeleteAcls).
    public var kafkaChanges = 0
    /// The user's Secret was created or updated.
    public var secretWritten = false
    public var eventsRecorded = 0
    public var statusWritten = false
    /// When to look again, without a watch event.
    public var requeueAfter: Duration?

    public init(gone: Bool = false, requeueAfter: Duration? = nil) {
        self.gone = gone
        self.requeueAfter = requeueAfter
    }

    /// Nothing was written anywhere.
    public var isQuiet: Bool { kafkaChanges == 0 && !secretWritten && eventsRecorded == 0 && !statusWritten }
}
