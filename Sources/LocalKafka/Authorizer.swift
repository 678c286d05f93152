import KafkaProtocol

/// Kafka's standard authorizer as one broker's static configuration sets it up: whether a
/// principal, connected from a host, may perform an operation on a resource under the
/// cluster's ACLs.
///
/// A super user may do everything. For anyone else a matching DENY wins over any ALLOW, and an
/// operation is allowed only by a matching ALLOW: for the operation itself or ALL, or one that
/// implies it (READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies
/// DESCRIBE_CONFIGS; a DENY implies nothing). An ACL matches the resource by its literal name,
/// the literal wildcard `*` or a prefix; the principal by name or `User:*`; the host by address
/// or `*`. When no ACL names the resource at all, `allow.everyone.if.no.acl.found` decides.
public struct Authorizer: Equatable, Sendable {
    /// The resource a request acts on, always named literally.
    public struct Resource: Equatable, Sendable {
        public var type: AclResourceType
        public var name: String

        public init(_ type: AclResourceType, _ name: String) {
            self.type = type
            self.name = name
        }

        public static let cluster = Resource(.cluster, AclStore.clusterResourceName)
        public static func topic(_ name: String) -> Resource { Resource(.topic, name) }
    }

    /// The static key that installs an authorizer; Kafka cannot set it dynamically.
    public static let classKey = "authorizer.class.name"
    public static let superUsersKey = "super.users"
    public static let allowEveryoneKey = "allow.everyone.if.no.acl.found"

    /// Principals as Kafka prints them (`User:CN=kafka-controller`).
    public var superUsers: Set<String>
    public var allowsEveryoneIfNoAclFound: Bool

    public init(superUsers: Set<String> = [], allowsEveryoneIfNoAclFound: Bool = false) {
        self.superUsers = superUsers
        self.allowsEveryoneIfNoAclFound = allowsEveryoneIfNoAclFound
    }

    /// The authorizer a broker's `server.properties` installs; nil when `authorizer.class.name`
    /// is missing or empty. `super.users` is split at `;` and each entry trimmed, empty ones
    /// dropped; the default is allow only for `true` in any case, as Java's `parseBoolean` reads it.
    public init?(staticConfig: [String: String]) {
        guard !(staticConfig[Self.classKey] ?? "").isEmpty else { return nil }
        let users = (staticConfig[Self.superUsersKey] ?? "").split(separator: ";").map(Self.trimmed)
        self.init(
            superUsers: Set(users.filter { !$0.isEmpty }),
            allowsEveryoneIfNoAclFound: Self.trimmed(staticConfig[Self.allowEveryoneKey] ?? "").lowercased()
                == "true")
    }

    /// Whether `principal` connected from `host` may perform `operation` on `resource`.
    public func allows(
        _ principal: String, host: String, _ operation: AclOperation, on resource: Resource, acls: AclStore
    ) -> Bool {
        if superUsers.contains(principal) { return true }
        let applying = acls.matching(
            AclBindingFilter(resourceType: resource.type, resourceName: resource.name, patternType: .match))
        guard !applying.isEmpty else { return allowsEveryoneIfNoAclFound }
        let granting = applying.filter { Self.names(principal, host, $0) }
        if granting.contains(where: { $0.permission == .deny && Self.denies(operation, $0.operation) }) {
            return false
        }
        return granting.contains { $0.permission == .allow && Self.allows(operation, $0.operation) }
    }

    private static func names(_ principal: String, _ host: String, _ binding: AclBinding) -> Bool {
        (binding.principal.utf8.elementsEqual(principal.utf8) || binding.principal == "User:*")
            && (binding.host == "*" || binding.host.utf8.elementsEqual(host.utf8))
    }

    private static func denies(_ operation: AclOperation, _ denied: AclOperation) -> Bool {
        denied == .all || denied == operation
    }

    private static func allows(_ operation: AclOperation, _ allowed: AclOperation) -> Bool {
        if allowed == .all || allowed == operation { return true }
        switch operation {
        case .describe: return [.read, .write, .delete, .alter].contains(allowed)
        case .describeConfigs: return allowed == .alterConfigs
        default: return false
        }
    }

    /// Java's `trim`: without the control characters and spaces at either end.
    private static func trimmed(_ text: some StringProtocol) -> String {
        let isSpace = { (scalar: Unicode.Scalar) in scalar.value <= 0x20 }
        let scalars = text.unicodeScalars.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        return String(String.UnicodeScalarView(scalars))
    }
}
