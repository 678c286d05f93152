/// Where a kind of object lives in the API: its group, version, plural resource name, and
/// whether objects of it belong to a namespace.
public struct ResourceType: Hashable, Sendable, CustomStringConvertible {
    /// Empty for the core group (`/api/v1`).
    public let group: String
    public let version: String
    public let kind: String
    /// The lower-case plural in paths: `pods`, `kafkaclusters`.
    public let plural: String
    public let namespaced: Bool

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The path of a collection (`name` nil) or of one object, and optionally its subresource.
    /// A namespaced type with `namespace` nil names the collection across every namespace.
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(plural)"
        if let name {
            path += "/\(Self.escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    /// Names are DNS labels or subdomains, but a caller may pass anything: escape what a path
    /// segment cannot carry so a hostile name cannot reach another path.
    static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return out
    }

    public static let pods = ResourceType(group: "", version: "v1", kind: "Pod", plural: "pods")
    public static let configMaps = ResourceType(
        group: "", version: "v1", kind: "ConfigMap", plural: "configmaps")
    public static let persistentVolumeClaims = ResourceType(
        group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims")
    public static let services = ResourceType(group: "", version: "v1", kind: "Service", plural: "services")
    public static let secrets = ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets")
    public static let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events")
    public static let namespaces = ResourceType(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)
    public static let nodes = ResourceType(
        group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false)
    public static let deployments = ResourceType(
        group: "apps", version: "v1", kind: "Deployment", plural: "deployments")
    public static let podDisruptionBudgets = ResourceType(
        group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets")
    public static let storageClasses = ResourceType(
        group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses",
        namespaced: false)
    public static let kafkaClusters = ResourceType(
        group: "kafka.banzaicloud.io", version: "v1beta1", kind: "KafkaCluster", plural: "kafkaclusters")
    public static let cruiseControlOperations = ResourceType(
        group: "kafka.banzaicloud.io", version: "v1alpha1", kind: "CruiseControlOperation",
        plural: "cruisecontroloperations")
    public static let kafkaTopics = ResourceType(
        group: "kafka.banzaicloud.io", version: "v1alpha1", kind: "KafkaTopic", plural: "kafkatopics")
    public static let kafkaUsers = ResourceType(
        group: "kafka.banzaicloud.io", version: "v1alpha1", kind: "KafkaUser", plural: "kafkausers")
    public static let leases = ResourceType(
        group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases")
    public static let serviceAccounts = ResourceType(
        group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts")
    public static let clusterRoles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles",
        namespaced: false)
    public static let clusterRoleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding",
        plural: "clusterrolebindings", namespaced: false)
    public static let roles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles")
    public static let roleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings")
    public static let customResourceDefinitions = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
        plural: "customresourcedefinitions", namespaced: false)
}
