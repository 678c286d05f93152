import KafkaProtocol
import Kubernetes
import Testing

@testable import Reconciler

/// The ACLs a KafkaUser's topic grants stand for, and the grants refused, one row per case.
struct UserGrantsTests {
    static let principal = "User:CN=alice"

    static func binding(
        _ type: AclResourceType, _ name: String, _ operation: AclOperation,
        _ pattern: AclPatternType = .literal
    ) -> AclBinding {
        AclBinding(
            resourceType: type, resourceName: name, patternType: pattern, principal: principal,
            operation: operation)
    }

    @Test(arguments: [
        ([KafkaUser.TopicGrant](), [AclBinding]()),
        (
            [.init(topicName: "orders", accessType: "read")],
            [
                binding(.topic, "orders", .describe), binding(.topic, "orders", .describeConfigs),
                binding(.topic, "orders", .read), binding(.group, "*", .read),
            ]
        ),
        (
            [.init(topicName: "logs-", accessType: "write", patternType: "prefixed")],
            [
                binding(.topic, "logs-", .describe, .prefixed),
                binding(.topic, "logs-", .describeConfigs, .prefixed),
                binding(.topic, "logs-", .write, .prefixed), binding(.topic, "logs-", .create, .prefixed),
            ]
        ),
        // Read and write on one topic share DESCRIBE; two reads share the group grant.
        (
            [
                .init(topicName: "a", accessType: "read"),
                .init(topicName: "a", accessType: "write", patternType: "literal"),
                .init(topicName: "*", accessType: "read"),
            ],
            [
                binding(.topic, "a", .describe), binding(.topic, "a", .describeConfigs),
                binding(.topic, "a", .read),
                binding(.group, "*", .read), binding(.topic, "a", .write), binding(.topic, "a", .create),
                binding(.topic, "*", .describe), binding(.topic, "*", .describeConfigs),
                binding(.topic, "*", .read),
            ]
        ),
    ])
    func grantsBecomeKoperatorsBindings(grants: [KafkaUser.TopicGrant], expected: [AclBinding]) throws {
        #expect(try UserGrants.bindings(grants, principal: Self.principal) == expected)
    }

    @Test(arguments: [
        (
            KafkaUser.TopicGrant(topicName: "orders", accessType: "admin"),
            UserRefusal.invalidAccessType(index: 1, "admin")
        ),
        (.init(topicName: "orders", accessType: "Read"), .invalidAccessType(index: 1, "Read")),
        (
            .init(topicName: "orders", accessType: "read", patternType: "glob"),
            .invalidPatternType(index: 1, "glob")
        ),
        (
            .init(topicName: "orders", accessType: "read", patternType: "match"),
            .patternTypeNotCreatable(index: 1, "match")
        ),
        (
            .init(topicName: "orders", accessType: "read", patternType: "any"),
            .patternTypeNotCreatable(index: 1, "any")
        ),
        (.init(topicName: "", accessType: "read"), .invalidTopicName(index: 1, "")),
        (.init(topicName: "a b", accessType: "write"), .invalidTopicName(index: 1, "a b")),
        (
            .init(topicName: "*", accessType: "read", patternType: "prefixed"),
            .invalidTopicName(index: 1, "*")
        ),
        (
            .init(topicName: String(repeating: "t", count: 250), accessType: "read"),
            .invalidTopicName(index: 1, String(repeating: "t", count: 250))
        ),
    ])
    func aBadGrantIsRefusedWithItsField(grant: KafkaUser.TopicGrant, refusal: UserRefusal) {
        #expect(throws: refusal) {
            try UserGrants.bindings(
                [.init(topicName: "ok", accessType: "read"), grant], principal: Self.principal)
        }
    }

    @Test func theRefusalNamesTheFieldAndWhatIsAllowed() {
        #expect(
            UserRefusal.invalidAccessType(index: 2, "admin").description
                == #"spec.topicGrants[2].accessType "admin" must be read or write"#)
        #expect(UserGrants.principal(userName: "alice") == "User:CN=alice")
    }
}
