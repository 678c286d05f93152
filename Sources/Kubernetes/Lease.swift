/// A Lease (`coordination.k8s.io/v1`): who holds a named lock and until when, as leader
/// election uses it. Times are MicroTime: RFC 3339 with microseconds.
public struct Lease: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.leases
    public var apiVersion: String? = "coordination.k8s.io/v1"
    public var kind: String? = "Lease"
    public var metadata: ObjectMeta
    public var spec: Spec?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Equatable, Sendable {
        /// Empty or absent when nobody holds the lease.
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int32?
        public var acquireTime: String?
        public var renewTime: String?
        public var leaseTransitions: Int32?

        public init(
            holderIdentity: String? = nil, leaseDurationSeconds: Int32? = nil, acquireTime: String? = nil,
            renewTime: String? = nil, leaseTransitions: Int32? = nil
        ) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
        }
    }
}
