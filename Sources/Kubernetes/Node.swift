/// A Node (`v1`, cluster-scoped), read for the addresses a NodePort listener advertises.
public struct Node: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.nodes

    public var apiVersion: String? = "v1"
    public var kind: String? = "Node"
    public var metadata: ObjectMeta
    public var status: Status?

    public init(metadata: ObjectMeta, status: Status? = nil) {
        self.metadata = metadata
        self.status = status
    }

    public struct Status: Codable, Equatable, Sendable {
        public var addresses: [Address]?

        public init(addresses: [Address]? = nil) { self.addresses = addresses }
    }

    /// One of the node's addresses: `type` is Hostname, ExternalIP, InternalIP, ExternalDNS or
    /// InternalDNS.
    public struct Address: Codable, Equatable, Sendable {
        public var type: String
        public var address: String

        public init(type: String, address: String) {
            self.type = type
            self.address = address
        }
    }

    /// The node's addresses by type (the first of each type, as the node lists them).
    public var addresses: [String: String] {
        var byType: [String: String] = [:]
        for address in status?.addresses ?? [] where byType[address.type] == nil && !address.address.isEmpty {
            byType[address.type] = address.address
        }
        return byType
    }
}
