import KafkaProtocol
import LocalKafka
import Testing

/// The standard authorizer's decision, one row per rule of Kafka's `StandardAuthorizerData`:
/// super users, resource patterns, principals, hosts, implied operations, DENY over ALLOW and
/// the default when no ACL names the resource; and how a broker's configuration sets it up.
struct AuthorizerTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var acls: [AclBinding]
        var authorizer = Authorizer()
        var principal = "User:CN=alice"
        var host = "127.0.0.1"
        var operation: AclOperation
        var resource: Authorizer.Resource = .topic("orders")
        var allowed: Bool

        var testDescription: String { name }
    }

    static func acl(
        _ operation: AclOperation, _ type: AclResourceType = .topic, _ name: String = "orders",
        _ pattern: AclPatternType = .literal, principal: String = "User:CN=alice", host: String = "*",
        _ permission: AclPermissionType = .allow
    ) -> AclBinding {
        AclBinding(
            resourceType: type, resourceName: name, patternType: pattern, principal: principal, host: host,
            operation: operation, permission: permission)
    }

    static let rows: [Row] = [
        Row(name: "no ACL: denied by default", acls: [], operation: .describe, allowed: false),
        Row(
            name: "no ACL, allow.everyone.if.no.acl.found", acls: [],
            authorizer: Authorizer(allowsEveryoneIfNoAclFound: true), operation: .write, allowed: true),
        Row(
            name: "a super user without ACLs", acls: [],
            authorizer: Authorizer(superUsers: ["User:CN=alice"]), operation: .alter, resource: .cluster,
            allowed: true),
        Row(
            name: "a super user despite a DENY", acls: [acl(.all, .topic, "orders", .literal, .deny)],
            authorizer: Authorizer(superUsers: ["User:ANONYMOUS", "User:CN=alice"]), operation: .read,
            allowed: true),
        Row(name: "a literal ALLOW of the operation", acls: [acl(.read)], operation: .read, allowed: true),
        Row(
            name: "a literal ALLOW names that topic only", acls: [acl(.read)], operation: .read,
            resource: .topic("orders-eu"), allowed: false),
        Row(
            name: "a prefixed ALLOW covers the names it starts",
            acls: [acl(.write, .topic, "orders-", .prefixed)],
            operation: .write, resource: .topic("orders-eu"), allowed: true),
        Row(
            name: "a prefixed ALLOW does not cover a shorter name",
            acls: [acl(.write, .topic, "orders-", .prefixed)], operation: .write, allowed: false),
        Row(
            name: "the literal wildcard covers every topic", acls: [acl(.read, .topic, "*")],
            operation: .read,
            resource: .topic("payments"), allowed: true),
        Row(
            name: "a prefixed * is a prefix, not a wildcard", acls: [acl(.read, .topic, "*", .prefixed)],
            operation: .read, resource: .topic("payments"), allowed: false),
        Row(
            name: "a topic ACL says nothing of a group of that name", acls: [acl(.read, .topic, "app")],
            operation: .read, resource: Authorizer.Resource(.group, "app"), allowed: false),
        Row(
            name: "User:* is every principal", acls: [acl(.read, principal: "User:*")],
            principal: "User:CN=bob", operation: .read, allowed: true),
        Row(
            name: "another principal's ALLOW", acls: [acl(.read, principal: "User:CN=bob")],
            operation: .read, allowed: false),
        Row(
            name: "principals compare exactly", acls: [acl(.read, principal: "User:CN=Alice")],
            operation: .read, allowed: false),
        Row(
            name: "an ALLOW from another host", acls: [acl(.read, host: "10.0.0.1")], operation: .read,
            allowed: false),
        Row(
            name: "an ALLOW from the client's host", acls: [acl(.read, host: "10.0.0.1")], host: "10.0.0.1",
            operation: .read, allowed: true),
        Row(name: "READ implies DESCRIBE", acls: [acl(.read)], operation: .describe, allowed: true),
        Row(name: "WRITE implies DESCRIBE", acls: [acl(.write)], operation: .describe, allowed: true),
        Row(name: "DELETE implies DESCRIBE", acls: [acl(.delete)], operation: .describe, allowed: true),
        Row(name: "ALTER implies DESCRIBE", acls: [acl(.alter)], operation: .describe, allowed: true),
        Row(
            name: "CREATE does not imply DESCRIBE", acls: [acl(.create)], operation: .describe, allowed: false
        ),
        Row(name: "DESCRIBE does not imply READ", acls: [acl(.describe)], operation: .read, allowed: false),
        Row(
            name: "ALTER_CONFIGS implies DESCRIBE_CONFIGS", acls: [acl(.alterConfigs)],
            operation: .describeConfigs, allowed: true),
        Row(
            name: "DESCRIBE_CONFIGS does not imply ALTER_CONFIGS", acls: [acl(.describeConfigs)],
            operation: .alterConfigs, allowed: false),
        Row(name: "ALL allows every operation", acls: [acl(.all)], operation: .delete, allowed: true),
        Row(
            name: "a DENY wins over an ALLOW",
            acls: [acl(.all), acl(.write, .topic, "orders", .literal, .deny)],
            operation: .write, allowed: false),
        Row(
            name: "a DENY of one operation leaves the others",
            acls: [acl(.all), acl(.write, .topic, "orders", .literal, .deny)], operation: .read, allowed: true
        ),
        Row(
            name: "a DENY of READ does not deny DESCRIBE",
            acls: [acl(.describe), acl(.read, .topic, "orders", .literal, .deny)], operation: .describe,
            allowed: true),
        Row(
            name: "a prefixed DENY wins over a literal ALLOW",
            acls: [acl(.read), acl(.all, .topic, "ord", .prefixed, .deny)], operation: .read, allowed: false),
        Row(
            name: "a DENY for everyone from one host",
            acls: [
                acl(.read), acl(.read, .topic, "*", .literal, principal: "User:*", host: "127.0.0.1", .deny),
            ],
            operation: .read, allowed: false),
        Row(
            name: "the default does not apply when others have ACLs on the resource",
            acls: [acl(.read, principal: "User:CN=bob")],
            authorizer: Authorizer(allowsEveryoneIfNoAclFound: true),
            operation: .read, allowed: false),
        Row(
            name: "the default applies when ACLs name only other resources",
            acls: [acl(.read, .topic, "payments")], authorizer: Authorizer(allowsEveryoneIfNoAclFound: true),
            operation: .read, allowed: true),
        Row(
            name: "cluster ALTER", acls: [acl(.alter, .cluster, "kafka-cluster")], operation: .alter,
            resource: .cluster, allowed: true),
        Row(
            name: "cluster ALTER does not give a topic", acls: [acl(.alter, .cluster, "kafka-cluster")],
            operation: .alter, allowed: false),
    ]

    @Test(arguments: rows)
    func theDecisionFollowsKafkasRules(_ row: Row) {
        var store = AclStore()
        #expect(store.create(row.acls).allSatisfy { $0 == nil })
        #expect(
            row.authorizer.allows(row.principal, host: row.host, row.operation, on: row.resource, acls: store)
                == row.allowed)
    }

    @Test(
        arguments: [
            ("no authorizer", [:], nil),
            ("an empty class name", ["authorizer.class.name": ""], nil),
            (
                "the standard authorizer alone",
                ["authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer"],
                Authorizer()
            ),
            (
                "super users split at semicolons and trimmed",
                [
                    "authorizer.class.name": "StandardAuthorizer",
                    "super.users": " User:CN=kafka-controller ;User:ANONYMOUS;; ",
                ],
                Authorizer(superUsers: ["User:CN=kafka-controller", "User:ANONYMOUS"])
            ),
            (
                "allow.everyone.if.no.acl.found in any case",
                ["authorizer.class.name": "StandardAuthorizer", "allow.everyone.if.no.acl.found": " TRUE"],
                Authorizer(allowsEveryoneIfNoAclFound: true)
            ),
            (
                "allow.everyone.if.no.acl.found only for true",
                ["authorizer.class.name": "StandardAuthorizer", "allow.everyone.if.no.acl.found": "yes"],
                Authorizer()
            ),
        ] as [(String, [String: String], Authorizer?)])
    func aBrokersStaticConfigurationSetsItUp(
        _ name: String, _ config: [String: String], _ expected: Authorizer?
    ) {
        #expect(Authorizer(staticConfig: config) == expected, "\(name)")
    }
}
