import Foundation
import JSON
import TestSupport
import Testing

@testable import LocalCluster

/// Protobuf request bodies of the built-in kinds (API concepts, "Protobuf encoding":
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding): read into the
/// JSON object the server would hold, a malformed one refused with 400 and nothing changed.
@Suite struct ProtobufBodyTests {
    static func decode(_ body: [UInt8]) throws(ProtobufError) -> ProtobufObjectDecoder.Decoded {
        let decoder = ProtobufObjectDecoder()
        return try decoder.object(body, decoder.envelope(body))
    }

    /// Every line of the table reads, every message it names is in it, and every built-in kind
    /// served but CustomResourceDefinitions has its message.
    @Test func theTableDescribesEveryServedBuiltInKind() {
        let schema = ProtobufSchema.builtIn
        let tokens = ProtobufFieldTable.text.split(separator: "\n").filter { $0.first == " " }
            .flatMap { $0.split(separator: " ") }
        #expect(schema.messages.values.reduce(0) { $0 + $1.fields.count } == tokens.count)
        func named(_ type: ProtobufSchema.FieldType) -> String? {
            switch type {
            case .message(let name): return name
            case .list(let element), .wrappedList(let element), .map(let element): return named(element)
            default: return nil
            }
        }
        let special: Set = [
            "meta.v1.Time", "meta.v1.MicroTime", "resource.Quantity", "intstr.IntOrString",
            "meta.v1.FieldsV1",
        ]
        for message in schema.messages.values {
            for field in message.fields {
                guard let name = named(field.type) else { continue }
                #expect(
                    schema.messages[name] != nil || special.contains(name), "\(message.name).\(field.name)")
            }
        }
        for definition in ResourceRegistry.standard.definitions
        where !definition.group.hasSuffix("banzaicloud.io") && definition.group != "apiextensions.k8s.io" {
            #expect(
                schema.message(apiVersion: definition.apiVersion, kind: definition.kind) != nil,
                "\(definition.kind)")
        }
    }

    /// A Deployment as client-go writes one, with most of what a pod template may carry.
    static let deployment = ProtobufWriter.envelope(apiVersion: "apps/v1", kind: "Deployment") {
        $0.objectMeta(name: "web", labels: [("tier", "front"), ("app", "web")])
        $0.message(2) { spec in
            spec.int(1, 3)
            spec.message(2) { $0.map(1, [("app", "web")]) }
            spec.message(3) { template in
                template.objectMeta(name: "", labels: [("app", "web")])
                template.message(2) { pod in
                    pod.message(2) { container in
                        container.string(1, "web")
                        container.string(2, "nginx:1.27")
                        container.string(3, "nginx")
                        container.string(3, "-g")
                        container.message(6) { port in
                            port.string(1, "http")
                            port.int(3, 8080)
                            port.string(4, "TCP")
                        }
                        container.message(8) { resources in
                            resources.message(1) {
                                $0.string(1, "memory")
                                $0.message(2) { $0.string(1, "512Mi") }
                            }
                            resources.message(2) {
                                $0.string(1, "cpu")
                                $0.message(2) { $0.string(1, "250m") }
                            }
                        }
                        container.message(10) { probe in
                            probe.message(1) { handler in
                                handler.message(2) { get in
                                    get.string(1, "/healthz")
                                    get.message(2) {
                                        $0.int(1, 1)
                                        $0.int(2, 0)
                                        $0.string(3, "http")
                                    }
                                }
                            }
                            probe.int(2, 5)
                        }
                    }
                    pod.message(14) { security in
                        // supplementalGroups, packed.
                        var packed = ProtobufWriter()
                        packed.varint(1000)
                        packed.varint(2000)
                        security.bytes(4, packed.bytes)
                    }
                }
            }
            spec.message(4) { strategy in
                strategy.string(1, "RollingUpdate")
                strategy.message(2) { rolling in
                    rolling.message(1) {
                        $0.int(1, 0)
                        $0.int(2, 1)
                        $0.string(3, "")
                    }
                }
            }
            spec.int(6, 5)
        }
        $0.message(3) { _ in }
    }

    @Test func aDeploymentReadsAsTheJSONTheServerWouldWrite() throws {
        let decoded = try Self.decode(Self.deployment)
        let expected = try JSONReader.parse(
            Array(
                #"""
                {"kind":"Deployment","apiVersion":"apps/v1",
                 "metadata":{"name":"web","labels":{"app":"web","tier":"front"}},
                 "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"web","image":"nginx:1.27","command":["nginx","-g"],
                     "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
                     "resources":{"limits":{"memory":"512Mi"},"requests":{"cpu":"250m"}},
                     "livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":5}}],
                    "securityContext":{"supplementalGroups":[1000,2000]}}},
                  "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}},
                  "revisionHistoryLimit":5},
                 "status":{}}
                """#.utf8))
        #expect(decoded.object == expected, "\(String(decoding: decoded.object.encoded(), as: UTF8.self))")
        #expect(decoded.unknownFields.isEmpty)
        // Members in the Go type's order, map keys sorted, as Go's JSON writer puts them.
        #expect(decoded.object.members?.map(\.key) == ["kind", "apiVersion", "metadata", "spec", "status"])
        #expect(decoded.object.value(at: ["metadata", "labels"])?.members?.map(\.key) == ["app", "tier"])
    }

    /// Bodies exactly as kubectl 1.37 sent them read as the JSON kubectl prints for the same
    /// object (`--dry-run=client -o json`, Go's JSON of the same struct), members in the same order.
    @Test(arguments: ["namespace", "configmap", "secret", "deployment", "service"])
    func kubectlsBodiesReadAsItsJSON(_ name: String) throws {
        let body = try Fixtures.bytes("kubectl-protobuf/\(name).pb")
        let expected = try JSONReader.parse(try Fixtures.bytes("kubectl-protobuf/\(name).json"))
        let decoded = try Self.decode(body)
        #expect(decoded.object == expected, "\(String(decoding: decoded.object.encoded(), as: UTF8.self))")
        #expect(decoded.object.encoded() == expected.encoded(), "member order")
        #expect(decoded.unknownFields.isEmpty)
    }

    @Test func kubectlsAccessReviewReadsWithItsSpec() throws {
        let decoded = try Self.decode(try Fixtures.bytes("kubectl-protobuf/selfsubjectaccessreview.pb"))
        #expect(decoded.object["kind"] == .string("SelfSubjectAccessReview"))
        #expect(
            decoded.object.value(at: ["spec", "resourceAttributes"])
                == .object([
                    ("namespace", .string("demo")), ("verb", .string("get")), ("resource", .string("pods")),
                ]), "\(String(decoding: decoded.object.encoded(), as: UTF8.self))")
    }

    /// Scalars, times, bytes and IntOrStrings, one row each: the message's bytes and the JSON
    /// value of the field they set.
    static let values: [(String, @Sendable (inout ProtobufWriter) -> Void, String, [String])] = [
        ("negative int32", { $0.message(2) { $0.int(1, -1) } }, "-1", ["spec", "replicas"]),
        (
            "a time", { $0.message(1) { $0.message(9) { $0.int(1, 1_767_225_600) } } },
            #""2026-01-01T00:00:00Z""#,
            ["metadata", "deletionTimestamp"]
        ),
        (
            "a time before 1970", { $0.message(1) { $0.message(9) { $0.int(1, -1) } } },
            #""1969-12-31T23:59:59Z""#, ["metadata", "deletionTimestamp"]
        ),
        (
            "a time keeps whole seconds",
            {
                $0.message(1) {
                    $0.message(9) {
                        $0.int(1, 86_399)
                        $0.int(2, 999_999_999)
                    }
                }
            },
            #""1970-01-01T23:59:59Z""#, ["metadata", "deletionTimestamp"]
        ),
        (
            "an empty time is Go's zero, null", { $0.message(1) { $0.bytes(9, []) } }, "null",
            ["metadata", "deletionTimestamp"]
        ),
        (
            "a string IntOrString",
            {
                $0.message(2) {
                    $0.message(4) {
                        $0.message(2) {
                            $0.message(2) {
                                $0.int(1, 1)
                                $0.string(3, "25%")
                            }
                        }
                    }
                }
            },
            #""25%""#, ["spec", "strategy", "rollingUpdate", "maxSurge"]
        ),
        (
            "a repeated scalar keeps its last value",
            {
                $0.message(2) {
                    $0.int(1, 1)
                    $0.int(1, 4)
                }
            }, "4", ["spec", "replicas"]
        ),
        (
            "a message sent twice is merged",
            {
                $0.message(2) { $0.int(1, 2) }
                $0.message(2) { $0.int(6, 7) }
            }, "2", ["spec", "replicas"]
        ),
        (
            "a pointer zero is kept", { $0.message(2) { $0.int(6, 0) } }, "0",
            ["spec", "revisionHistoryLimit"]
        ),
    ]

    @Test(arguments: values.indices)
    func valuesReadAsGoWritesThemToJSON(_ row: Int) throws {
        let (name, build, json, path) = Self.values[row]
        let decoded = try Self.decode(
            ProtobufWriter.envelope(apiVersion: "apps/v1", kind: "Deployment", build))
        #expect(decoded.object.value(at: path) == (try JSONReader.parse(Array(json.utf8))), "\(name)")
    }

    @Test func zeroValuesFollowTheJSONTags() throws {
        let decoded = try Self.decode(
            ProtobufWriter.envelope(apiVersion: "v1", kind: "Service") {
                $0.objectMeta(name: "web")
                $0.message(2) { spec in
                    // A port with every field at its zero: `port` (no omitempty) stays, `name`,
                    // `protocol` and `nodePort` (omitempty) go; targetPort is a struct: its zero, 0.
                    spec.message(1) { port in
                        port.string(1, "")
                        port.string(2, "")
                        port.int(3, 0)
                        port.int(5, 0)
                    }
                    spec.bool(13, false)
                }
            })
        #expect(
            decoded.object.value(at: ["spec"])
                == .object([
                    ("ports", .array([.object([("port", .number("0")), ("targetPort", .number("0"))])]))
                ]))
        #expect(decoded.object.value(at: ["status"]) == .object([("loadBalancer", .object([]))]))
        #expect(decoded.object.value(at: ["metadata"]) == .object([("name", .string("web"))]))
    }

    @Test func secretBytesAreBase64AndCustomResourcesHaveNoTable() throws {
        let decoded = try Self.decode(
            ProtobufWriter.envelope(apiVersion: "v1", kind: "Secret") {
                $0.objectMeta(name: "s")
                $0.message(2) {
                    $0.string(1, "key")
                    $0.bytes(2, [0, 0xff, 0x10, 0x80])
                }
                $0.string(3, "Opaque")
            })
        #expect(decoded.object["data"] == .object([("key", .string("AP8QgA=="))]))
        #expect(
            throws: ProtobufError.unknownKind(
                kind: "KafkaCluster", apiVersion: "kafka.banzaicloud.io/v1beta1")
        ) {
            try Self.decode(
                ProtobufWriter.envelope(apiVersion: "kafka.banzaicloud.io/v1beta1", kind: "KafkaCluster") {
                    _ in
                })
        }
    }

    /// Field numbers the table does not know are stepped over, whatever their wire type, as the
    /// server's generated readers step over them: nothing after them is misread.
    @Test func unknownFieldsAreSteppedOverAndListed() throws {
        let decoded = try Self.decode(
            ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap") {
                $0.int(99, 12345)
                $0.message(1) { meta in
                    meta.string(1, "settings")
                    meta.string(200, "not a field")
                    meta.tag(201, 1)
                    meta.bytes += [1, 2, 3, 4, 5, 6, 7, 8]
                    meta.tag(202, 5)
                    meta.bytes += [1, 2, 3, 4]
                    meta.tag(203, 3)
                    meta.int(1, 7)
                    meta.string(2, "inside a group")
                    meta.tag(203, 4)
                }
                $0.map(2, [("a", "1")])
            })
        #expect(
            decoded.object
                == .object([
                    ("kind", .string("ConfigMap")), ("apiVersion", .string("v1")),
                    ("metadata", .object([("name", .string("settings"))])),
                    ("data", .object([("a", .string("1"))])),
                ]))
        #expect(
            decoded.unknownFields == ["#99", "metadata#200", "metadata#201", "metadata#202", "metadata#203"])
    }

    /// Bodies that do not read, one row each, with the decoder's words.
    static let malformed: [(String, [UInt8], String)] = {
        let valid = ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap") { $0.objectMeta(name: "c") }
        func object(_ build: (inout ProtobufWriter) -> Void) -> [UInt8] {
            ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap", build)
        }
        return [
            ("empty", [], "empty data"),
            ("JSON", Array(#"{"kind":"ConfigMap"}"#.utf8), "does not appear to be a protobuf message"),
            ("only the magic's start", [0x6b, 0x38], "does not appear to be a protobuf message"),
            ("truncated", Array(valid.dropLast(3)), "unexpected EOF"),
            (
                "a name as a varint", object { $0.message(1) { $0.int(1, 5) } },
                "wrong wireType = 0 for field Name"
            ),
            ("data as a varint", object { $0.int(2, 5) }, "wrong wireType = 0 for field Data"),
            (
                "field number 0",
                object {
                    $0.tag(0, 0)
                    $0.varint(1)
                }, "illegal tag 0 (wire type 0)"
            ),
            ("wire type 7", object { $0.tag(9, 7) }, "illegal wireType 7"),
            ("an end group alone", object { $0.tag(9, 4) }, "wiretype end group for non-group"),
            (
                "an eleven-byte varint",
                object {
                    $0.tag(9, 0)
                    $0.bytes += Array(repeating: 0xff, count: 11)
                }, "integer overflow"
            ),
            (
                "a length past the end",
                object {
                    $0.tag(1, 2)
                    $0.varint(1000)
                    $0.bytes += [0x0a]
                },
                "unexpected EOF"
            ),
            (
                "a negative length",
                object {
                    $0.tag(1, 2)
                    $0.varint(UInt64.max)
                },
                "negative length found during unmarshaling"
            ),
            (
                "an impossible IntOrString",
                ProtobufWriter.envelope(apiVersion: "v1", kind: "Service") {
                    $0.message(2) { $0.message(1) { $0.message(4) { $0.int(1, 2) } } }
                }, "impossible IntOrString.Type 2"
            ),
            (
                "managed fields that are not JSON",
                object { $0.message(1) { $0.message(17) { $0.message(7) { $0.string(1, "{nope") } } } },
                "FieldsV1 is not valid JSON"
            ),
            (
                "a year past 9999", object { $0.message(1) { $0.message(9) { $0.int(1, 253_402_300_800) } } },
                "year outside of range"
            ),
        ]
    }()

    @Test(arguments: malformed.indices)
    func malformedBodiesAreRefusedWithTheDecodersWords(_ row: Int) {
        let (name, body, words) = Self.malformed[row]
        do {
            let decoded = try Self.decode(body)
            Issue.record("\(name) read as \(decoded.object)")
        } catch {
            #expect(error.description.contains(words), "\(name): \(error)")
        }
    }

    /// Every truncation and thousands of seeded mutations of a rich body: each either reads or
    /// is refused with a ProtobufError; none crashes, hangs or reads past the body.
    @Test func truncatedAndGarbledBodiesNeverCrashTheDecoder() {
        let body = Self.deployment
        var refused = 0
        for length in 0..<body.count {
            do { _ = try Self.decode(Array(body.prefix(length))) } catch { refused += 1 }
        }
        // The end of the envelope holds two empty strings: only the cuts after the object's bytes read.
        #expect(refused >= body.count - 4)
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<5000 {
            var mutated = body
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 4..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: mutated.remove(at: index)
                default: mutated.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            _ = try? Self.decode(mutated)
        }
    }

    // MARK: - Through the API

    /// The same bodies sent to the server: 400 with a Status naming what the decoder refused,
    /// and nothing stored, no resourceVersion spent.
    @Test(.enabled(if: Peer.available("curl")))
    func malformedBodiesGet400AndChangeNothing() async throws {
        try await TestCluster.with { cluster in
            let before = try await cluster.get("/api/v1/namespaces/default/configmaps")
            var sent = 0
            var bodies = Self.malformed.map { (name: $0.0, body: $0.1) }
            // Cuts and seeded garbles of a Deployment that the decoder refuses (a cut between
            // fields reads, as an emptier object that validation answers).
            var candidates = stride(from: 0, to: Self.deployment.count, by: 5).map {
                (name: "deployment cut at \($0)", body: Array(Self.deployment.prefix($0)))
            }
            var generator = SeededGenerator(seed: 6)
            for round in 0..<200 {
                var mutated = Self.deployment
                let index = Int.random(in: 4..<mutated.count, using: &generator)
                mutated[index] = UInt8.random(in: 0...255, using: &generator)
                candidates.append((name: "deployment garbled \(round)", body: mutated))
            }
            bodies += candidates.filter { (try? Self.decode($0.body)) == nil }.prefix(60)
            for (name, body) in bodies {
                let path =
                    name.hasPrefix("deployment")
                    ? "/apis/apps/v1/namespaces/default/deployments" : "/api/v1/namespaces/default/configmaps"
                let answer = try await cluster.request(
                    "POST", path + "?fieldValidation=Strict", bytes: body,
                    contentType: "application/vnd.kubernetes.protobuf")
                sent += 1
                #expect(answer.status == 400, "\(name): \(answer.text)")
                #expect(
                    answer.string("kind") == "Status" && answer.string("reason") == "BadRequest", "\(name)")
                #expect(
                    answer.string("message")?.hasPrefix(
                        "the object provided is unrecognized (must be of type ") == true
                        || answer.string("message")?.contains("cannot be handled as a ") == true,
                    "\(name): \(answer.text)")
            }
            #expect(bodies.count > Self.malformed.count + 40)
            #expect(sent == bodies.count)
            let after = try await cluster.get("/api/v1/namespaces/default/configmaps")
            #expect(after.items.isEmpty)
            #expect(after.string("metadata.resourceVersion") == before.string("metadata.resourceVersion"))
            #expect(try await cluster.get("/apis/apps/v1/namespaces/default/deployments").items.isEmpty)
            let wrongWire = try await cluster.request(
                "POST", "/api/v1/namespaces/default/configmaps", bytes: Self.malformed[4].1,
                contentType: "application/vnd.kubernetes.protobuf")
            #expect(
                wrongWire.string("message")
                    == "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Name"
            )
        }
    }

    /// A body the decoder reads is an object like any other: created, updated with PUT, refused
    /// by the same validation; unknown protobuf fields are dropped even under Strict, since the
    /// server's protobuf decoder has no strict mode (apimachinery's codec factory falls back to
    /// the plain protobuf serializer), while custom resources, which have no protobuf form, get 415.
    @Test(.enabled(if: Peer.available("curl")))
    func protobufBodiesCreateAndUpdateBuiltInKindsOnly() async throws {
        try await TestCluster.with { cluster in
            let protobuf = "application/vnd.kubernetes.protobuf"
            let configMap = ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap") {
                $0.objectMeta(name: "settings")
                $0.map(2, [("a", "1")])
                $0.int(77, 1)
            }
            let created = try await cluster.request(
                "POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", bytes: configMap,
                contentType: protobuf, includeHeaders: true)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.warnings.isEmpty)
            #expect(created.json["data"] == .object([("a", .string("1"))]))
            let version = created.string("metadata.resourceVersion") ?? ""
            let update = ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap") {
                $0.message(1) {
                    $0.string(1, "settings")
                    $0.string(6, version)
                }
                $0.map(2, [("a", "2"), ("b", "3")])
            }
            let updated = try await cluster.request(
                "PUT", "/api/v1/namespaces/default/configmaps/settings", bytes: update, contentType: protobuf)
            #expect(updated.status == 200, "\(updated.text)")
            #expect(updated.json["data"] == .object([("a", .string("2")), ("b", .string("3"))]))
            // A stale resourceVersion: the same 409 as in JSON.
            let stale = try await cluster.request(
                "PUT", "/api/v1/namespaces/default/configmaps/settings", bytes: update, contentType: protobuf)
            #expect(stale.status == 409, "\(stale.text)")
            // Validation is the object's, whatever its encoding.
            let badKey = ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap") {
                $0.objectMeta(name: "bad")
                $0.map(2, [("bad key!", "1")])
            }
            let refused = try await cluster.request(
                "POST", "/api/v1/namespaces/default/configmaps", bytes: badKey, contentType: protobuf)
            #expect(refused.status == 422, "\(refused.text)")
            // The envelope's kind must be the path's, as a JSON body's must.
            let secretAsConfigMap = ProtobufWriter.envelope(apiVersion: "v1", kind: "Secret") {
                $0.objectMeta(name: "odd")
            }
            let mismatched = try await cluster.request(
                "POST", "/api/v1/namespaces/default/configmaps", bytes: secretAsConfigMap,
                contentType: protobuf)
            #expect(mismatched.status == 422, "\(mismatched.text)")

            let custom = try await cluster.request(
                "POST", "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters",
                bytes: ProtobufWriter.envelope(
                    apiVersion: "kafka.banzaicloud.io/v1beta1", kind: "KafkaCluster"
                ) {
                    $0.objectMeta(name: "kafka")
                }, contentType: protobuf)
            #expect(custom.status == 415, "\(custom.text)")
            #expect(custom.string("reason") == "UnsupportedMediaType")
            #expect(custom.string("message")?.contains("application/vnd.kubernetes.protobuf") == false)
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing mutation can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }
}
