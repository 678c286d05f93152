import Foundation
import JSON
import TestSupport
import Testing

@testable import LocalCluster

/// Real kubectl 1.37's `create` generators. They go through client-go's typed clients, which send
/// the built-in kinds as Kubernetes protobuf (`Content-Type: application/vnd.kubernetes.protobuf`:
/// the `k8s\0` magic, then a runtime.Unknown around the object) and accept JSON answers (API
/// concepts, "Protobuf encoding":
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding). Each object is
/// read back field by field, and compared with its twin: the same object as kubectl prints it in
/// JSON (`--dry-run=client -o json`), created with curl, must be stored exactly alike.
@Suite(.serialized, .enabled(if: Peer.available("curl") && Kubectl.available))
struct KubectlCreateTests {
    struct Generator: Sendable, CustomStringConvertible {
        let arguments: [String]
        /// The collection the object lands in, with `NS` for its namespace.
        let collection: String
        let name: String
        let printed: String
        /// Fields a server assigns differently each time (a Service's cluster IP).
        var assigned: [[String]] = []

        var description: String { arguments.prefix(2).joined(separator: " ") }
    }

    static let generators = [
        Generator(
            arguments: [
                "create", "configmap", "settings", "--from-literal=a=1", "--from-literal=b=two words",
            ],
            collection: "/api/v1/namespaces/NS/configmaps", name: "settings",
            printed: "configmap/settings created"
        ),
        Generator(
            arguments: [
                "create", "secret", "generic", "credentials", "--from-literal=user=admin",
                "--from-literal=password=s3cr3t!",
            ],
            collection: "/api/v1/namespaces/NS/secrets", name: "credentials",
            printed: "secret/credentials created"),
        Generator(
            arguments: ["create", "deployment", "web", "--image=nginx:1.27", "--port=8080", "--replicas=2"],
            collection: "/apis/apps/v1/namespaces/NS/deployments", name: "web",
            printed: "deployment.apps/web created"),
        Generator(
            arguments: ["create", "service", "clusterip", "web", "--tcp=80:8080", "--tcp=9090:metrics"],
            collection: "/api/v1/namespaces/NS/services", name: "web", printed: "service/web created",
            assigned: [["spec", "clusterIP"], ["spec", "clusterIPs"]]),
    ]

    @Test(arguments: generators)
    func generatorCreatesWhatItsJSONTwinCreates(_ generator: Generator) async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            for namespace in ["proto", "twin"] {
                #expect(try await cluster.createNamespace(namespace).status == 201)
            }
            let created = try await kubectl.run(generator.arguments + ["-n", "proto"])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout == generator.printed + "\n", "\(created.stdout)")
            let stored = try await cluster.get(
                generator.collection.replacing("NS", with: "proto") + "/" + generator.name)
            #expect(stored.status == 200, "\(stored.text)")

            let printed = try await kubectl.run(
                generator.arguments + ["-n", "twin", "--dry-run=client", "-o", "json"])
            #expect(printed.status == 0, "\(printed.stderr)")
            let twin = try await cluster.post(
                generator.collection.replacing("NS", with: "twin"), printed.stdout)
            #expect(twin.status == 201, "\(twin.text)")
            let twinStored = try await cluster.get(
                generator.collection.replacing("NS", with: "twin") + "/" + generator.name)
            #expect(
                Self.comparable(stored.json, dropping: generator.assigned)
                    == Self.comparable(twinStored.json, dropping: generator.assigned),
                "protobuf: \(stored.text)\nJSON: \(twinStored.text)")
            try Self.check(generator, stored.json)
        }
    }

    /// What a generator's object must hold, field by field.
    static func check(_ generator: Generator, _ object: JSONValue) throws {
        func at(_ path: String) -> JSONValue? {
            object.value(at: path.split(separator: ".").map(String.init))
        }
        #expect(at("metadata.name") == .string(generator.name))
        #expect(at("metadata.namespace") == .string("proto"))
        #expect(at("metadata.uid")?.stringValue?.isEmpty == false)
        #expect(at("metadata.resourceVersion") != nil)
        switch generator.arguments[1] {
        case "configmap":
            #expect(at("kind") == .string("ConfigMap"))
            #expect(at("data") == .object([("a", .string("1")), ("b", .string("two words"))]))
            #expect(at("binaryData") == nil)
            #expect(at("immutable") == nil)
        case "secret":
            #expect(at("kind") == .string("Secret"))
            #expect(at("type") == .string("Opaque"))
            #expect(
                at("data")
                    == .object([
                        ("password", .string(Data("s3cr3t!".utf8).base64EncodedString())),
                        ("user", .string(Data("admin".utf8).base64EncodedString())),
                    ]))
            #expect(at("stringData") == nil)
        case "deployment":
            #expect(at("kind") == .string("Deployment"))
            #expect(at("apiVersion") == .string("apps/v1"))
            #expect(at("metadata.labels") == .object([("app", .string("web"))]))
            #expect(at("spec.replicas") == .number("2"))
            #expect(at("spec.selector") == .object([("matchLabels", .object([("app", .string("web"))]))]))
            #expect(at("spec.template.metadata.labels") == .object([("app", .string("web"))]))
            #expect(at("spec.strategy.type") == .string("RollingUpdate"))
            #expect(at("spec.strategy.rollingUpdate.maxSurge") == .string("25%"))
            guard case .array(let containers)? = at("spec.template.spec.containers") else {
                Issue.record("no containers in \(object)")
                return
            }
            #expect(containers.count == 1)
            #expect(containers.first?["name"] == .string("nginx"))
            #expect(containers.first?["image"] == .string("nginx:1.27"))
            #expect(containers.first?["resources"] == .object([]))
            #expect(
                containers.first?["ports"]
                    == .array([.object([("containerPort", .number("8080")), ("protocol", .string("TCP"))])]))
            #expect(at("spec.template.spec.restartPolicy") == .string("Always"))
        case "service":
            #expect(at("kind") == .string("Service"))
            #expect(at("spec.type") == .string("ClusterIP"))
            #expect(at("spec.selector") == .object([("app", .string("web"))]))
            #expect(at("spec.clusterIP")?.stringValue?.isEmpty == false)
            #expect(
                at("spec.ports")
                    == .array([
                        .object([
                            ("name", .string("80-8080")), ("port", .number("80")),
                            ("protocol", .string("TCP")),
                            ("targetPort", .number("8080")),
                        ]),
                        .object([
                            ("name", .string("9090-metrics")), ("port", .number("9090")),
                            ("protocol", .string("TCP")), ("targetPort", .string("metrics")),
                        ]),
                    ]))
        default:
            Issue.record("no checks for \(generator)")
        }
    }

    /// The object without what differs between any two creations: identity, times, namespace.
    static func comparable(_ object: JSONValue, dropping assigned: [[String]]) -> JSONValue {
        var result = object
        for path in [
            ["metadata", "uid"], ["metadata", "resourceVersion"], ["metadata", "creationTimestamp"],
            ["metadata", "namespace"],
        ] + assigned {
            result.set(path, nil)
        }
        return result
    }

    @Test func createNamespaceStoresTheNamespaceAsItsJSONTwin() async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            let created = try await kubectl.run(["create", "namespace", "demo"])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout == "namespace/demo created\n")
            let stored = try await cluster.get("/api/v1/namespaces/demo")
            #expect(stored.string("metadata.name") == "demo")
            #expect(
                stored.json.value(at: ["metadata", "labels"])
                    == .object([("kubernetes.io/metadata.name", .string("demo"))]))
            #expect(stored.json.value(at: ["spec", "finalizers"]) == .array([.string("kubernetes")]))
            #expect(stored.string("status.phase") == "Active")

            let printed = try await kubectl.run([
                "create", "namespace", "demo", "--dry-run=client", "-o", "json",
            ])
            var twin = try JSONReader.parse(Array(printed.stdout.utf8))
            twin.set(["metadata", "name"], .string("twin"))
            #expect(
                try await cluster.post("/api/v1/namespaces", String(decoding: twin.encoded(), as: UTF8.self))
                    .status == 201)
            var twinStored = try await cluster.get("/api/v1/namespaces/twin").json
            twinStored.set(["metadata", "name"], .string("demo"))
            twinStored.set(["metadata", "labels", "kubernetes.io/metadata.name"], .string("demo"))
            #expect(Self.comparable(stored.json, dropping: []) == Self.comparable(twinStored, dropping: []))

            // Created again: the real server's 409, through the same protobuf path.
            let again = try await kubectl.run(["create", "namespace", "demo"])
            #expect(again.status != 0)
            #expect(again.stderr.contains(#"namespaces "demo" already exists"#), "\(again.stderr)")
        }
    }

    /// More of kubectl's generators for the kinds the local cluster serves, each a protobuf body.
    @Test(.enabled(if: Peer.available("openssl")))
    func otherGeneratorsOfServedKindsWork() async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            let cert = kubectl.directory.file("tls.crt").path
            let key = kubectl.directory.file("tls.key").path
            let made = try await runOffPool(
                "openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "1",
                    "-subj", "/CN=broker",
                ])
            #expect(made.status == 0, "\(made.stderr)")
            let commands: [([String], String)] = [
                (["create", "serviceaccount", "runner"], "serviceaccount/runner created"),
                (
                    ["create", "role", "reader", "--verb=get,list", "--resource=pods"],
                    "role.rbac.authorization.k8s.io/reader created"
                ),
                (
                    ["create", "rolebinding", "reader", "--role=reader", "--serviceaccount=default:runner"],
                    "rolebinding.rbac.authorization.k8s.io/reader created"
                ),
                (
                    ["create", "pdb", "web", "--selector=app=web", "--min-available=1"],
                    "poddisruptionbudget.policy/web created"
                ),
                (["create", "service", "nodeport", "edge", "--tcp=80:8080"], "service/edge created"),
                (
                    ["create", "secret", "tls", "broker", "--cert=\(cert)", "--key=\(key)"],
                    "secret/broker created"
                ),
            ]
            for (arguments, printed) in commands {
                let output = try await kubectl.run(arguments)
                #expect(output.status == 0, "\(arguments): \(output.stderr)")
                #expect(output.stdout == printed + "\n", "\(output.stdout)")
            }
            let role = try await cluster.get(
                "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/reader")
            #expect(
                role.json["rules"]
                    == .array([
                        .object([
                            ("verbs", .array([.string("get"), .string("list")])),
                            ("apiGroups", .array([.string("")])), ("resources", .array([.string("pods")])),
                        ])
                    ]), "\(role.text)")
            let pdb = try await cluster.get("/apis/policy/v1/namespaces/default/poddisruptionbudgets/web")
            #expect(pdb.json.value(at: ["spec", "minAvailable"]) == .number("1"), "\(pdb.text)")
            let edge = try await cluster.get("/api/v1/namespaces/default/services/edge")
            #expect(edge.string("spec.type") == "NodePort")
            guard case .array(let ports)? = edge.json.value(at: ["spec", "ports"]),
                case .number(let text)? = ports.first?["nodePort"], let nodePort = Int(text)
            else {
                Issue.record("no node port: \(edge.text)")
                return
            }
            #expect((30000...32767).contains(nodePort))
            let tls = try await cluster.get("/api/v1/namespaces/default/secrets/broker")
            #expect(tls.string("type") == "kubernetes.io/tls")
            #expect(
                tls.json["data"]?["tls.crt"]?.stringValue
                    == (try Data(contentsOf: URL(fileURLWithPath: cert)).base64EncodedString()))
        }
    }
}
