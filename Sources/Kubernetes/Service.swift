/// A Service (`v1`).
public struct Service: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.services
    public var apiVersion: String? = "v1"
    public var kind: String? = "Service"
    public var metadata: ObjectMeta
    public var spec: Spec?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Equatable, Sendable {
        /// `ClusterIP` (the default), `NodePort` or `LoadBalancer`.
        public var type: String?
        /// `None` for a headless service; otherwise assigned by the server.
        public var clusterIP: String?
        public var clusterIPs: [String]?
        public var selector: [String: String]?
        public var ports: [Port]?
        public var publishNotReadyAddresses: Bool?
        public var externalTrafficPolicy: String?

        public init(
            type: String? = nil, clusterIP: String? = nil, selector: [String: String]? = nil,
            ports: [Port]? = nil
        ) {
            self.type = type
            self.clusterIP = clusterIP
            self.selector = selector
            self.ports = ports
        }
    }

    public struct Port: Codable, Equatable, Sendable {
        public var name: String?
        public var port: Int32
        public var targetPort: IntOrString?
        public var `protocol`: String?
        public var nodePort: Int32?

        public init(name: String? = nil, port: Int32, targetPort: IntOrString? = nil, protocol: String? = nil)
        {
            self.name = name
            self.port = port
            self.targetPort = targetPort
            self.protocol = `protocol`
        }
    }
}
