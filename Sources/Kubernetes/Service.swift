/// A Service (`v1`).
public struct Service: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.services
    public var apiVersion: String? = "v1"
    public var kind: String? = "Service"
    public var metadata: ObjectMeta
    public var spec: Spec?
    /// The server's: a load balancer's addresses once the cloud has provisioned it.
    public var status: Status?

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
        public var loadBalancerSourceRanges: [String]?
        public var loadBalancerIP: String?
        public var externalIPs: [String]?

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

    public struct Status: Codable, Equatable, Sendable {
        public var loadBalancer: LoadBalancerStatus?

        public init(loadBalancer: LoadBalancerStatus? = nil) { self.loadBalancer = loadBalancer }
    }

    public struct LoadBalancerStatus: Codable, Equatable, Sendable {
        public var ingress: [LoadBalancerIngress]?

        public init(ingress: [LoadBalancerIngress]? = nil) { self.ingress = ingress }
    }

    /// One address of a load balancer: an IP, a host name, or both.
    public struct LoadBalancerIngress: Codable, Equatable, Sendable {
        public var ip: String?
        public var hostname: String?

        public init(ip: String? = nil, hostname: String? = nil) {
            self.ip = ip
            self.hostname = hostname
        }
    }

    /// The load balancer's first address, its IP before its host name, as Koperator reads it;
    /// nil until the cloud has provisioned one.
    public var loadBalancerAddress: String? {
        for ingress in status?.loadBalancer?.ingress ?? [] {
            if let ip = ingress.ip, !ip.isEmpty { return ip }
            if let hostname = ingress.hostname, !hostname.isEmpty { return hostname }
        }
        return nil
    }
}
