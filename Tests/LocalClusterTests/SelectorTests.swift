import JSON
import Testing

@testable import LocalCluster

@Suite struct SelectorTests {
    static let labels = ["app": "kafka", "brokerId": "1", "kafka_cr": "kafka", "example.com/tier": "gold"]

    @Test(arguments: [
        ("", true),
        ("app=kafka", true),
        ("app==kafka", true),
        ("app = kafka", true),
        ("app=envoy", false),
        ("app!=envoy", true),
        ("missing!=x", true),
        ("app,brokerId", true),
        ("!missing", true),
        ("!app", false),
        ("missing", false),
        ("brokerId in (0,1,2)", true),
        ("brokerId in (0, 2)", false),
        ("brokerId notin (0,2)", true),
        ("missing notin (0)", true),
        ("missing in (0)", false),
        ("brokerId>0", true),
        ("brokerId<1", false),
        ("example.com/tier=gold", true),
        ("app=kafka,kafka_cr=kafka,brokerId in (1)", true),
        ("app=kafka,kafka_cr=other", false),
        ("app=", false),
        ("missing=", false),
    ])
    func labelSelectorsMatch(_ selector: String, _ expected: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(Self.labels) == expected, "\(selector)")
    }

    @Test(arguments: [
        "app in (x",
        "app in x)",
        "app in ()",
        "app=kafka,,brokerId",
        ",",
        "app=a b",
        "app=(x)",
        "-app=x",
        "app-=x",
        "a/b/c=x",
        "/app=x",
        "Example.COM/app=x",
        "app=\(String(repeating: "v", count: 64))",
        "\(String(repeating: "k", count: 64))=x",
        "app>x",
        "app ~ x",
        "!",
        "app=kafka)",
    ])
    func hostileLabelSelectorsAreRefused(_ selector: String) {
        #expect(throws: SelectorError.self, "\(selector)") { try LabelSelector(parsing: selector) }
    }

    static let event = JSONValue.object([
        ("metadata", .object([("name", .string("e1")), ("namespace", .string("kafka"))])),
        (
            "involvedObject",
            .object([("kind", .string("Pod")), ("name", .string("kafka-0")), ("uid", .string("u1"))])
        ),
        ("type", .string("Normal")),
    ])

    @Test(arguments: [
        ("", true),
        ("metadata.name=e1", true),
        ("metadata.name==e1", true),
        ("metadata.name!=e1", false),
        ("metadata.namespace=kafka,involvedObject.kind=Pod", true),
        ("involvedObject.name=kafka-0,involvedObject.uid=u2", false),
        ("involvedObject.namespace=", true),
        ("type=Warning", false),
    ])
    func fieldSelectorsMatchEvents(_ selector: String, _ expected: Bool) throws {
        let parsed = try FieldSelector(
            parsing: selector, supportedFields: FieldSelector.supportedFields(for: "events"),
            resource: "events")
        #expect(parsed.matches(Self.event) == expected, "\(selector)")
    }

    @Test(arguments: ["spec.nodeName=x", "metadata.labels=x", "involvedObject.kind=Pod", "name", "=x"])
    func unsupportedFieldsAreRefused(_ selector: String) {
        #expect(throws: SelectorError.self, "\(selector)") {
            try FieldSelector(
                parsing: selector, supportedFields: FieldSelector.supportedFields(for: "configmaps"),
                resource: "configmaps")
        }
    }
}

@Suite struct NameAndPathTests {
    @Test(arguments: [
        ("kafka-0", true), ("a.b.c", true), ("0", true), ("", false), ("Kafka", false), ("-a", false),
        ("a-", false), ("a..b", false), ("..", false), ("a/b", false), ("a_b", false),
        (String(repeating: "a", count: 253), false), (String(repeating: "a.", count: 126) + "a", true),
        ("ä", false),
    ])
    func subdomainNames(_ name: String, _ valid: Bool) {
        #expect((NameValidation.subdomainProblem(name) == nil) == valid, "\(name)")
    }

    @Test func paths() {
        #expect(APIPath("/api") == .coreVersions)
        #expect(APIPath("/apis/") == .groupList)
        #expect(
            APIPath("/api/v1/namespaces/kafka/pods/kafka-0/status")
                == .resource(
                    group: "", version: "v1", plural: "pods", namespace: "kafka", name: "kafka-0",
                    subresource: "status"))
        #expect(
            APIPath("/api/v1/namespaces/kafka")
                == .resource(
                    group: "", version: "v1", plural: "namespaces", namespace: nil, name: "kafka",
                    subresource: nil))
        #expect(
            APIPath("/api/v1/namespaces/kafka/status")
                == .resource(
                    group: "", version: "v1", plural: "namespaces", namespace: nil, name: "kafka",
                    subresource: "status"))
        #expect(
            APIPath("/apis/kafka.banzaicloud.io/v1beta1/kafkaclusters")
                == .resource(
                    group: "kafka.banzaicloud.io", version: "v1beta1", plural: "kafkaclusters",
                    namespace: nil, name: nil, subresource: nil))
        #expect(APIPath("/api/v2/pods") == nil)
        #expect(APIPath("/api/v1//pods") == nil)
        #expect(APIPath("/api/v1/namespaces/a/pods/b/status/extra") == nil)
        #expect(APIPath("/healthz") == nil)
    }

    @Test func continueTokensRoundTrip() {
        for key in ["default/kafka-0", "", "ns/ünïcode"] {
            let token = ContinueToken(resourceVersion: 42, lastKey: key)
            #expect(ContinueToken(decoding: token.encoded) == token)
        }
        #expect(ContinueToken(decoding: "zz") == nil)
        #expect(ContinueToken(decoding: "abc") == nil)
        // Hex of "kafka-0": no resourceVersion in it.
        #expect(ContinueToken(decoding: "6b61666b612d30") == nil)
    }
}
