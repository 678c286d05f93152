/// A PodDisruptionBudget (`policy/v1`): how many of the selected pods a voluntary disruption
/// (a node drain, an eviction) may take down at once.
public struct PodDisruptionBudget: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.podDisruptionBudgets
    public var apiVersion: String? = "policy/v1"
    public var kind: String? = "PodDisruptionBudget"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// Exactly one of `minAvailable` and `maxUnavailable` is set: a count or a percentage.
    public struct Spec: Codable, Equatable, Sendable {
        public var selector: LabelSelector?
        public var minAvailable: IntOrString?
        public var maxUnavailable: IntOrString?

        public init(
            selector: LabelSelector?, minAvailable: IntOrString? = nil, maxUnavailable: IntOrString? = nil
        ) {
            self.selector = selector
            self.minAvailable = minAvailable
            self.maxUnavailable = maxUnavailable
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        public var observedGeneration: Int64?
        public var currentHealthy: Int32?
        public var desiredHealthy: Int32?
        public var disruptionsAllowed: Int32?
        public var expectedPods: Int32?

        public init() {}
    }
}
