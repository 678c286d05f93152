import Foundation
import JSON
import TestSupport
import Testing

/// The REST semantics over real HTTP, with curl as the client.
@Suite(.serialized) struct APITests {
    @Test func createGetListAndTheServerOwnedMetadata() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("one"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.string("metadata.uid")?.count == 36)
        #expect(created.string("metadata.generation") == "1")
        #expect(created.string("metadata.creationTimestamp")?.hasSuffix("Z") == true)
        #expect(created.string("metadata.namespace") == "default")
        let first = UInt64(created.string("metadata.resourceVersion") ?? "") ?? 0
        let second = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("two"))
        #expect(UInt64(second.string("metadata.resourceVersion") ?? "") ?? 0 > first)

        let got = try await cluster.get("/api/v1/namespaces/default/configmaps/one")
        #expect(got.status == 200)
        #expect(got.string("data.a") == "1")
        let list = try await cluster.get("/api/v1/namespaces/default/configmaps")
        #expect(list.string("kind") == "ConfigMapList")
        #expect(list.itemNames == ["one", "two"])
        let everywhere = try await cluster.get("/api/v1/configmaps")
        #expect(everywhere.itemNames == ["one", "two"])

        let again = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("one"))
        #expect(again.status == 409)
        #expect(again.string("reason") == "AlreadyExists")
        #expect(again.string("details.name") == "one")
        #expect(again.string("details.kind") == "configmaps")
        #expect(again.string("kind") == "Status")

        let missing = try await cluster.get("/api/v1/namespaces/default/configmaps/absent")
        #expect(missing.status == 404)
        #expect(missing.string("reason") == "NotFound")
        #expect(missing.string("message") == #"configmaps "absent" not found"#)
    }

    @Test func unknownFieldsSurviveAndGenerateNameMakesAName() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters",
            TestCluster.kafkaCluster("kafka"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["spec"]?["custom"]?["kept"] == .bool(true))
        let generated = try await cluster.post(
            "/api/v1/namespaces/default/configmaps",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"cfg-"}}"#)
        #expect(generated.status == 201)
        let name = generated.string("metadata.name") ?? ""
        #expect(name.hasPrefix("cfg-") && name.count == 9)
    }

    @Test func aMissingNamespaceIsNotFoundAndNamespacesCanBeCreated() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let refused = try await cluster.post(
            "/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("one"))
        #expect(refused.status == 404)
        #expect(refused.string("message") == #"namespaces "kafka" not found"#)
        // Reading inside it finds nothing, as on a real server: an empty list, and NotFound for
        // the object rather than for the namespace.
        let empty = try await cluster.get("/api/v1/namespaces/kafka/configmaps")
        #expect(empty.status == 200 && empty.items.isEmpty, "\(empty.text)")
        let missing = try await cluster.get("/api/v1/namespaces/kafka/configmaps/one")
        #expect(missing.status == 404)
        #expect(missing.string("message") == #"configmaps "one" not found"#, "\(missing.text)")
        #expect(try await cluster.createNamespace("kafka").status == 201)
        #expect(
            try await cluster.post("/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("one")).status
                == 201)
        let namespaces = try await cluster.get("/api/v1/namespaces")
        #expect(Set(namespaces.itemNames).isSuperset(of: ["default", "kube-system", "kafka"]))
        #expect(try await cluster.get("/api/v1/namespaces/kafka").string("status.phase") == "Active")
        #expect(try await cluster.delete("/api/v1/namespaces/kafka").status == 200)
        #expect(try await cluster.get("/api/v1/configmaps").itemNames.isEmpty)
    }

    /// A deleted namespace is Terminating while its objects go, each as its own delete would
    /// (a finalizer holds one); nothing new may be created in it; it goes with the last object.
    /// (Namespaces walkthrough and the namespace lifecycle admission plugin.)
    @Test(.enabled(if: Peer.available("curl"))) func aDeletedNamespaceTerminatesUntilItsObjectsAreGone()
        async throws
    {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("kafka")
        let configMaps = "/api/v1/namespaces/kafka/configmaps"
        #expect(try await cluster.post(configMaps, TestCluster.configMap("plain")).status == 201)
        let held =
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}"#
        #expect(try await cluster.post(configMaps, held).status == 201)

        let deleting = try await cluster.delete("/api/v1/namespaces/kafka")
        #expect(deleting.status == 200, "\(deleting.text)")
        #expect(deleting.string("status.phase") == "Terminating")
        #expect(deleting.string("metadata.deletionTimestamp") != nil)
        #expect(try await cluster.get(configMaps + "/plain").status == 404)
        #expect(try await cluster.get(configMaps + "/held").string("metadata.deletionTimestamp") != nil)
        #expect(try await cluster.get("/api/v1/namespaces/kafka").string("status.phase") == "Terminating")
        let refused = try await cluster.post(configMaps, TestCluster.configMap("late"))
        #expect(refused.status == 403, "\(refused.text)")
        #expect(
            refused.string("message")?.contains("because it is being terminated") == true, "\(refused.text)")

        // The finalizer's owner lets go: the object goes, and the namespace with it.
        #expect(
            try await cluster.mergePatch(configMaps + "/held", #"{"metadata":{"finalizers":null}}"#).status
                == 200)
        #expect(try await cluster.get(configMaps + "/held").status == 404)
        #expect(try await cluster.get("/api/v1/namespaces/kafka").status == 404)
    }

    /// CRDs are stored with the API server's name checks; the operator's own kinds are served
    /// and Established, any other kind is stored and says it is not served here.
    @Test(.enabled(if: Peer.available("curl"))) func customResourceDefinitionsAreCheckedAndSayWhatIsServed()
        async throws
    {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
        func crd(_ name: String, group: String, plural: String, kind: String, version: String) -> String {
            #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"\#(name)"},"spec":{"group":"\#(group)","scope":"Namespaced","names":{"plural":"\#(plural)","kind":"\#(kind)"},"versions":[{"name":"\#(version)","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}"#
        }
        let ours = try await cluster.post(
            path,
            crd(
                "kafkaclusters.kafka.banzaicloud.io", group: "kafka.banzaicloud.io", plural: "kafkaclusters",
                kind: "KafkaCluster", version: "v1beta1"))
        #expect(ours.status == 201, "\(ours.text)")
        #expect(ours.text.contains(#""type":"Established","status":"True""#), "\(ours.text)")
        let other = try await cluster.post(
            path,
            crd("widgets.example.com", group: "example.com", plural: "widgets", kind: "Widget", version: "v1")
        )
        #expect(other.status == 201, "\(other.text)")
        #expect(other.text.contains(#""type":"Established","status":"False","#), "\(other.text)")
        #expect(other.text.contains("is stored, not served"), "\(other.text)")
        let misnamed = try await cluster.post(
            path, crd("gadgets", group: "example.com", plural: "gadgets", kind: "Gadget", version: "v1"))
        #expect(misnamed.status == 422, "\(misnamed.text)")
        #expect(misnamed.text.contains("must be spec.names.plural"), "\(misnamed.text)")
        #expect(try await cluster.get(path + "/gadgets").status == 404)
    }

    @Test func anUpdateWithAStaleResourceVersionConflicts() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("one"))
        let version = created.string("metadata.resourceVersion") ?? ""
        let body =
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"\#(version)"},"data":{"a":"2"}}"#
        let updated = try await cluster.put("/api/v1/namespaces/default/configmaps/one", body)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.string("data.a") == "2")
        #expect(updated.string("metadata.generation") == "2")
        #expect(updated.string("metadata.uid") == created.string("metadata.uid"))
        let stale = try await cluster.put("/api/v1/namespaces/default/configmaps/one", body)
        #expect(stale.status == 409)
        #expect(stale.string("reason") == "Conflict")
        #expect(
            stale.string("message")
                == #"Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again"#
        )
        // An update that changes nothing is no write: same resourceVersion.
        let current = updated.string("metadata.resourceVersion") ?? ""
        let same = try await cluster.put(
            "/api/v1/namespaces/default/configmaps/one",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"\#(current)"},"data":{"a":"2"}}"#
        )
        #expect(same.string("metadata.resourceVersion") == current)
    }

    /// On a Service (no controller of the local cluster writes its status, so nothing races the
    /// test) the status subresource and the object itself change separate parts.
    @Test func theStatusSubresourceAndTheMainResourceChangeSeparateParts() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let collection = "/api/v1/namespaces/default/services"
        let path = collection + "/web"
        let created = try await cluster.post(
            collection,
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let balanced = #"{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"}]}}"#
        let status = try await cluster.mergePatch(
            path + "/status", #"{"status":\#(balanced),"spec":{"type":"NodePort"}}"#)
        #expect(status.status == 200, "\(status.text)")
        #expect(status.json["status"]?["loadBalancer"]?["ingress"] != nil)
        #expect(status.string("spec.type") != "NodePort", "a status write changed the spec")
        #expect(status.string("metadata.generation") == "1")
        // A write to the object itself ignores status and bumps generation for the spec.
        let spec = try await cluster.mergePatch(
            path, #"{"spec":{"selector":{"app":"api"}},"status":{"loadBalancer":{"ingress":null}}}"#)
        #expect(spec.status == 200)
        #expect(spec.string("spec.selector.app") == "api")
        #expect(spec.json["status"]?["loadBalancer"]?["ingress"] != nil, "an object write changed the status")
        #expect(spec.string("metadata.generation") == "2")
        // Labels are metadata: no generation bump.
        let labelled = try await cluster.mergePatch(path, #"{"metadata":{"labels":{"team":"data"}}}"#)
        #expect(labelled.string("metadata.generation") == "2")
        #expect(labelled.string("metadata.labels.team") == "data")
        // PUT /status with the whole object changes only status.
        guard case .object(var object) = labelled.json else { return }
        object.removeAll { $0.key == "status" }
        object.append(("status", .object([("loadBalancer", .object([]))])))
        let put = try await cluster.put(
            path + "/status", String(decoding: JSONValue.object(object).encoded(), as: UTF8.self))
        #expect(put.status == 200, "\(put.text)")
        #expect(put.json["status"]?["loadBalancer"]?["ingress"] == nil)
        #expect(put.string("spec.selector.app") == "api")
        #expect(put.string("metadata.generation") == "2")
    }

    /// The KafkaCluster resource is served as deploy/crd.yaml declares it: without a status
    /// subresource, so one write changes spec and status together.
    @Test func aKafkaClusterWritesSpecAndStatusInOneUpdate() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let path = "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters/kafka"
        let created = try await cluster.post(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters",
            TestCluster.kafkaCluster("kafka"))
        #expect(created.status == 201)
        #expect(try await cluster.mergePatch(path + "/status", #"{"status":{"state":"X"}}"#).status == 404)
        let both = try await cluster.mergePatch(
            path, #"{"spec":{"brokers":[{"id":0}]},"status":{"state":"ClusterRunning"}}"#)
        #expect(both.status == 200, "\(both.text)")
        #expect(both.string("status.state") == "ClusterRunning")
        if case .array(let brokers)? = both.json["spec"]?["brokers"] { #expect(brokers.count == 1) }
        #expect(both.json["spec"]?["custom"]?["kept"] == .bool(true), "unknown spec fields survive")
        // A custom resource refuses an update without resourceVersion.
        let unconditional = try await cluster.put(path, TestCluster.kafkaCluster("kafka"))
        #expect(unconditional.status == 422)
    }

    @Test func deletePreconditionsAndPropagation() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("one"))
        let uid = created.string("metadata.uid") ?? ""
        let wrongUID = try await cluster.delete(
            "/api/v1/namespaces/default/configmaps/one",
            #"{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}"#)
        #expect(wrongUID.status == 409)
        #expect(wrongUID.string("reason") == "Conflict")
        let wrongVersion = try await cluster.delete(
            "/api/v1/namespaces/default/configmaps/one", #"{"preconditions":{"resourceVersion":"1"}}"#)
        #expect(wrongVersion.status == 409)
        let deleted = try await cluster.delete(
            "/api/v1/namespaces/default/configmaps/one",
            #"{"preconditions":{"uid":"\#(uid)"},"propagationPolicy":"Background"}"#)
        #expect(deleted.status == 200, "\(deleted.text)")
        #expect(try await cluster.get("/api/v1/namespaces/default/configmaps/one").status == 404)
        #expect(try await cluster.delete("/api/v1/namespaces/default/configmaps/one").status == 404)
        let badPolicy = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("two"))
        #expect(badPolicy.status == 201)
        #expect(
            try await cluster.delete(
                "/api/v1/namespaces/default/configmaps/two", #"{"propagationPolicy":"Sideways"}"#
            ).status == 400)
    }

    /// The pages of a list are one snapshot, read at the first page's resourceVersion: writes
    /// made while a client pages do not show; a token older than the history is 410 Expired
    /// with a token that goes on from the current state.
    /// (API concepts, "Retrieving large results sets in chunks".)
    @Test(.enabled(if: Peer.available("curl"))) func pagesOfAListAreOneSnapshot() async throws {
        let cluster = try await TestCluster.start(watchHistory: 20)
        defer { Task { await cluster.stop() } }
        let path = "/api/v1/namespaces/default/configmaps"
        for name in ["b", "c", "d", "e"] {
            #expect(try await cluster.post(path, TestCluster.configMap(name)).status == 201)
        }
        let first = try await cluster.get(path + "?limit=2")
        #expect(first.itemNames == ["b", "c"])
        let token = try #require(first.string("metadata.continue"))
        let version = first.string("metadata.resourceVersion")

        #expect(try await cluster.delete(path + "/d").status == 200)
        #expect(try await cluster.mergePatch(path + "/e", #"{"data":{"a":"changed"}}"#).status == 200)
        #expect(try await cluster.post(path, TestCluster.configMap("f")).status == 201)
        let rest = try await cluster.get(path + "?limit=2&continue=\(token)")
        #expect(rest.status == 200, "\(rest.text)")
        #expect(rest.itemNames == ["d", "e"])
        #expect(rest.string("metadata.resourceVersion") == version)
        #expect(rest.items.last?["data"]?["a"] == .string("1"))
        // f came after the snapshot: the list ends with e.
        #expect(rest.string("metadata.continue") == nil)

        // Enough writes to push the first page's resourceVersion out of the history.
        for round in 0..<25 {
            #expect(try await cluster.mergePatch(path + "/b", #"{"data":{"a":"\#(round)"}}"#).status == 200)
        }
        let expired = try await cluster.get(path + "?limit=2&continue=\(token)")
        #expect(expired.status == 410, "\(expired.text)")
        #expect(expired.string("reason") == "Expired")
        let fresh = try #require(expired.string("metadata.continue"))
        let afterExpiry = try await cluster.get(path + "?limit=5&continue=\(fresh)")
        #expect(afterExpiry.itemNames == ["e", "f"], "\(afterExpiry.text)")
    }

    @Test func labelAndFieldSelectorsFilterLists() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        for (name, labels) in [
            ("a", ["app": "kafka", "brokerId": "0"]), ("b", ["app": "kafka", "brokerId": "1"]),
            ("c", ["app": "envoy"]),
        ] {
            #expect(
                try await cluster.post(
                    "/api/v1/namespaces/default/configmaps", TestCluster.configMap(name, labels: labels)
                ).status == 201)
        }
        func names(_ query: String) async throws -> [String] {
            try await cluster.get("/api/v1/namespaces/default/configmaps?\(query)").itemNames
        }
        #expect(try await names("labelSelector=app%3Dkafka") == ["a", "b"])
        #expect(try await names("labelSelector=app!%3Dkafka") == ["c"])
        #expect(try await names("labelSelector=brokerId%20in%20(1,2)") == ["b"])
        #expect(try await names("labelSelector=brokerId%20notin%20(1)") == ["a", "c"])
        #expect(try await names("labelSelector=brokerId") == ["a", "b"])
        #expect(try await names("labelSelector=!brokerId") == ["c"])
        #expect(try await names("fieldSelector=metadata.name%3Db") == ["b"])
        #expect(try await names("fieldSelector=metadata.name!%3Db&labelSelector=app%3Dkafka") == ["a"])
        let bad = try await cluster.get("/api/v1/namespaces/default/configmaps?labelSelector=app%20in%20(x")
        #expect(bad.status == 400)
        #expect(bad.string("reason") == "BadRequest")
        let badField = try await cluster.get(
            "/api/v1/namespaces/default/configmaps?fieldSelector=spec.color%3Dred")
        #expect(badField.status == 400)

        let page = try await cluster.get("/api/v1/namespaces/default/configmaps?limit=2")
        #expect(page.itemNames == ["a", "b"])
        let token = page.string("metadata.continue") ?? ""
        #expect(!token.isEmpty)
        #expect(try await names("limit=2&continue=\(token)") == ["c"])
    }

    @Test func eventsAreSelectedByTheirInvolvedObject() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        for (name, kind, object) in [
            ("e1", "Pod", "kafka-0"), ("e2", "Pod", "kafka-1"), ("e3", "KafkaCluster", "kafka"),
        ] {
            let body =
                #"{"apiVersion":"v1","kind":"Event","metadata":{"name":"\#(name)"},"involvedObject":{"kind":"\#(kind)","name":"\#(object)","namespace":"default","uid":"u-\#(object)"},"reason":"Created","message":"m","type":"Normal"}"#
            #expect(try await cluster.post("/api/v1/namespaces/default/events", body).status == 201)
        }
        let pods = try await cluster.get(
            "/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DPod")
        #expect(pods.itemNames == ["e1", "e2"])
        let one = try await cluster.get(
            "/api/v1/events?fieldSelector=involvedObject.name%3Dkafka-1,involvedObject.namespace%3Ddefault,involvedObject.uid%3Du-kafka-1"
        )
        #expect(one.itemNames == ["e2"])
    }

    @Test func servicesGetAClusterIPUnlessHeadless() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let service = try await cluster.post(
            "/api/v1/namespaces/default/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"kafka-0"},"spec":{"ports":[{"port":9092}]}}"#
        )
        #expect(service.status == 201)
        #expect(service.string("spec.clusterIP")?.hasPrefix("10.96.") == true)
        #expect(service.string("spec.type") == "ClusterIP")
        let headless = try await cluster.post(
            "/api/v1/namespaces/default/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"kafka-headless"},"spec":{"clusterIP":"None","ports":[{"port":9092}]}}"#
        )
        #expect(headless.string("spec.clusterIP") == "None")
    }

    @Test(arguments: [
        ("malformed JSON", "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","#, 400),
        ("a JSON array", "/api/v1/namespaces/default/configmaps", "[]", 400),
        (
            "the wrong kind", "/api/v1/namespaces/default/configmaps",
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#, 422
        ),
        (
            "the wrong apiVersion", "/api/v1/namespaces/default/configmaps",
            #"{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}"#, 422
        ),
        (
            "no name", "/api/v1/namespaces/default/configmaps",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#, 422
        ),
        ("an upper-case name", "/api/v1/namespaces/default/configmaps", TestCluster.configMap("Kafka"), 422),
        ("a name with a slash", "/api/v1/namespaces/default/configmaps", TestCluster.configMap("a/b"), 422),
        ("a name of dots", "/api/v1/namespaces/default/configmaps", TestCluster.configMap(".."), 422),
        (
            "a huge name", "/api/v1/namespaces/default/configmaps",
            TestCluster.configMap(String(repeating: "a", count: 300)), 422
        ),
        (
            "a service name with a dot", "/api/v1/namespaces/default/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"a.b"}}"#, 422
        ),
        (
            "a namespace that contradicts the path", "/api/v1/namespaces/default/configmaps",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"other"}}"#, 422
        ),
        (
            "an invalid label", "/api/v1/namespaces/default/configmaps",
            TestCluster.configMap("x", labels: ["app": "no spaces"]), 422
        ),
        ("an unknown resource", "/api/v1/namespaces/default/widgets", TestCluster.configMap("x"), 404),
        (
            "an unknown group", "/apis/example.com/v1/namespaces/default/widgets", TestCluster.configMap("x"),
            404
        ),
    ])
    func hostileCreatesAreRefusedWithAStatus(_ name: String, _ path: String, _ body: String, _ code: Int)
        async throws
    {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let answer = try await cluster.post(path, body)
        #expect(answer.status == code, "\(name): \(answer.text)")
        #expect(answer.string("kind") == "Status", "\(name)")
        #expect(answer.string("code") == String(code), "\(name)")
        if code == 422 { #expect(answer.json["details"]?["causes"] != nil, "\(name)") }
        #expect(try await cluster.get("/api/v1/configmaps").items.isEmpty, "\(name) changed nothing")
    }

    @Test func pathTraversalInNamesReachesNothing() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cluster = try await TestCluster.start(dataDirectory: directory.path)
        defer { Task { await cluster.stop() } }
        #expect(
            try await cluster.post("/api/v1/namespaces/default/configmaps", TestCluster.configMap("one"))
                .status == 201)
        for path in [
            "/api/v1/namespaces/default/configmaps/..",
            "/api/v1/namespaces/default/configmaps/../configmaps/one",
            "/api/v1/namespaces/default/configmaps/%2e%2e%2fone",
            "/api/v1/namespaces/..%2fdefault/configmaps/one",
            "/api/v1/namespaces/default/configmaps/one%00",
        ] {
            let answer = try await cluster.get(path)
            #expect(answer.status == 404 || answer.status == 400, "\(path): \(answer.status)")
        }
        let sneaky = try await cluster.put(
            "/api/v1/namespaces/default/configmaps/..%2F..%2Fescape", TestCluster.configMap("../../escape"))
        #expect(sneaky.status == 404 || sneaky.status == 400)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/escape.json"))
    }

    @Test func discoveryDescribesTheServedResources() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.get("/api").json["versions"] == .array([.string("v1")]))
        let groups = try await cluster.get("/apis")
        #expect(groups.string("kind") == "APIGroupList")
        let kafka = try await cluster.get("/apis/kafka.banzaicloud.io/v1beta1")
        #expect(kafka.string("kind") == "APIResourceList")
        let resources = kafka.json["resources"]
        #expect(
            String(decoding: (resources ?? .null).encoded(), as: UTF8.self).contains(#""shortNames":["kc"]"#))
        #expect(try await cluster.get("/version").string("major") == "1")
        #expect(try await cluster.get("/apis/nothing.example.com").status == 404)
    }
}
