import JSON

/// A Deployment (`apps/v1`).
public struct Deployment: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.deployments
    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "Deployment"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Equatable, Sendable {
        public var replicas: Int32?
        public var selector: LabelSelector
        public var template: PodTemplateSpec
        /// A `DeploymentStrategy`, kept as written.
        public var strategy: JSONValue?

        public init(replicas: Int32? = nil, selector: LabelSelector, template: PodTemplateSpec) {
            self.replicas = replicas
            self.selector = selector
            self.template = template
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        public var observedGeneration: Int64?
        public var replicas: Int32?
        public var updatedReplicas: Int32?
        public var readyReplicas: Int32?
        public var availableReplicas: Int32?

        public init() {}
    }
}

/// The pod a workload stamps out.
public struct PodTemplateSpec: Codable, Equatable, Sendable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// `metav1.LabelSelector`: the labels an object must carry.
public struct LabelSelector: Codable, Equatable, Sendable {
    public var matchLabels: [String: String]?
    /// `LabelSelectorRequirement`s, kept as written.
    public var matchExpressions: JSONValue?

    public init(matchLabels: [String: String]? = nil) { self.matchLabels = matchLabels }
}
