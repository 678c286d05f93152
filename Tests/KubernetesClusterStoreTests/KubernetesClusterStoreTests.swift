import ActionEngine
import ClusterModel
import ClusterTestSupport
import Foundation
import JSON
import Kubernetes
import KubernetesClusterStore
import TestSupport
import Testing

/// The store whose clusters are KafkaCluster objects, against the local cluster over HTTP.
@Suite struct KubernetesClusterStoreTests {
    static func example(name: String = "kafka", namespace: String = "kafka") throws -> ClusterDocument {
        var text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  name: kafka\n  namespace: kafka\n", with: "  name: \(name)\n  namespace: \(namespace)\n")
        return try ClusterDocument(yaml: text)
    }

    static func raw(_ fixture: LocalClusterFixture, _ namespace: String, _ name: String) async throws
        -> JSONValue
    {
        try JSONReader.parse(
            try await fixture.client.send(
                APIRequest(
                    method: "GET", path: ResourceType.kafkaClusters.path(namespace: namespace, name: name))))
    }

    @Test func createGetAndAnUpdateThatNamesAStaleRevision() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)

        let created = try await store.create(try Self.example())
        #expect(created.cluster.metadata.uid?.isEmpty == false)
        #expect(created.revision == created.cluster.metadata.resourceVersion)
        await #expect(throws: ClusterStoreError.alreadyExists(namespace: "kafka", name: "kafka")) {
            _ = try await store.create(try Self.example())
        }

        var first = try await store.get(namespace: "kafka", name: "kafka")
        #expect(first.cluster.spec.brokers.map(\.id) == [0, 1, 2])
        first.document.cluster.spec.brokers.append(Broker(id: 3, brokerConfigGroup: "default"))
        let written = try await store.update(first.document, expectedRevision: first.revision)
        #expect(written.revision != first.revision)

        // The revision read before that write is stale now.
        var stale = first.document
        stale.cluster.spec.brokers.removeLast(2)
        await #expect(throws: ClusterStoreError.conflict(namespace: "kafka", name: "kafka")) {
            _ = try await store.update(stale, expectedRevision: first.revision)
        }
        #expect(try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.count == 4)
        await #expect(throws: ClusterStoreError.notFound(namespace: "kafka", name: "nope")) {
            _ = try await store.get(namespace: "kafka", name: "nope")
        }
    }

    /// An action's spec change and its records in the status are one write, and fields the
    /// typed model does not know are still there after it.
    @Test func specAndStatusChangeTogetherAndUnknownFieldsSurvive() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try Self.example())

        let (_, stored) = try await store.modify(namespace: "kafka", name: "kafka") { document in
            document.cluster.spec.brokers.append(Broker(id: 3))
            var status = document.cluster.status ?? KafkaClusterStatus()
            status.actionLog = [
                ActionRecord(
                    id: "upScale-1", command: "upScale", source: "alert:f", time: "2026-12-01T00:00:00Z",
                    change: "added broker 3", outcome: "accepted")
            ]
            status.processedAlerts = [ProcessedAlert(fingerprint: "f", startsAt: "s", processedAt: "p")]
            document.cluster.status = status
        }
        let raw = try await Self.raw(fixture, "kafka", "kafka")
        #expect(raw["metadata"]?["resourceVersion"] == .string(stored.revision))
        guard case .array(let brokers)? = raw["spec"]?["brokers"],
            case .array(let log)? = raw["status"]?["actionLog"]
        else {
            Issue.record(
                "the object lacks its brokers or action log: \(String(decoding: raw.encoded(), as: UTF8.self))"
            )
            return
        }
        #expect(brokers.count == 4)
        #expect(log.first?["id"] == .string("upScale-1"))
        #expect(raw["status"]?["processedAlerts"] != nil)
        // Koperator fields the model does not type: kept as written.
        #expect(raw["spec"]?["kRaft"] == .bool(false))
        #expect(raw["spec"]?["envoyConfig"]?["replicas"] == .number("2"))
        #expect(raw["metadata"]?["labels"]?["controller-tools.k8s.io"] == .string("1.0"))
    }

    /// Two writers race; `modify` retries the loser from a fresh read, and both changes land.
    @Test func concurrentModificationsBothLand() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try Self.example())
        fixture.cluster.faults.conflictNextUpdates(2, resource: "kafkaclusters")
        async let first = store.modify(namespace: "kafka", name: "kafka") {
            $0.cluster.spec.brokers.append(Broker(id: 10))
        }
        async let second = store.modify(namespace: "kafka", name: "kafka") {
            $0.cluster.spec.brokers.append(Broker(id: 11))
        }
        _ = try await (first, second)
        let ids = try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.map(\.id)
        #expect(Set(ids) == [0, 1, 2, 10, 11])
    }

    @Test func listsEveryNamespaceOrOne() async throws {
        let fixture = try await LocalClusterFixture.start(namespaces: ["kafka", "other"])
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try Self.example())
        _ = try await store.create(try Self.example(name: "second", namespace: "other"))
        let all = try await store.list().map { "\($0.document.namespace)/\($0.document.name)" }
        #expect(all == ["kafka/kafka", "other/second"])
        let one = try await KubernetesClusterStore(api: fixture.client, namespace: "other").list()
        #expect(one.map(\.document.name) == ["second"])
    }

    /// An object the model cannot read is reported, not replaced; an API that keeps failing
    /// is a storage error, which a caller may retry.
    @Test func anUnreadableObjectIsCorruptedAndAFailingAPIIsAStorageError() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        let broken =
            #"{"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"KafkaCluster","metadata":{"name":"broken"},"spec":{"brokers":"three"}}"#
        _ = try await fixture.client.send(
            APIRequest(
                method: "POST", path: ResourceType.kafkaClusters.path(namespace: "kafka"),
                body: Array(broken.utf8),
                contentType: "application/json"))
        do {
            _ = try await store.get(namespace: "kafka", name: "broken")
            Issue.record("an unreadable cluster was read")
        } catch {
            guard case .corrupted(_, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("brokers"), "\(reason)")
        }

        fixture.cluster.faults.failFraction(1, code: 500, resource: "kafkaclusters")
        do {
            _ = try await store.get(namespace: "kafka", name: "broken")
            Issue.record("a failing API answered")
        } catch {
            guard case .storage = error else {
                Issue.record("\(error)")
                return
            }
            #expect(error.isRetryable)
        }
    }
}

/// A disk alert's claim read from the local cluster: Koperator's claims have a random suffix,
/// so their labels and `mountPath` annotation, not their name, say the disk.
@Suite struct ClaimLookupTests {
    @Test func aKoperatorClaimIsKnownByItsLabelsAndItsDiskGrows() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let store = KubernetesClusterStore(api: fixture.client)
        _ = try await store.create(try KubernetesClusterStoreTests.example())
        try await store.settle()
        _ = try await fixture.client.create(
            PersistentVolumeClaim(
                metadata: Kubernetes.ObjectMeta(
                    name: "kafka-0-storage-0-x7k2p", namespace: "kafka",
                    labels: ["app": "kafka", "kafka_cr": "kafka", "brokerId": "0"],
                    annotations: ["mountPath": "/kafka-logs"]),
                spec: .init(accessModes: ["ReadWriteOnce"], storageClassName: "standard", storage: "10Gi")))
        _ = try await fixture.client.create(
            PersistentVolumeClaim(
                metadata: Kubernetes.ObjectMeta(
                    name: "postgres-data", namespace: "kafka", labels: ["app": "postgres"]),
                spec: .init(accessModes: ["ReadWriteOnce"], storage: "1Gi")))

        let identity = try #require(
            try await store.claim(namespace: "kafka", name: "kafka-0-storage-0-x7k2p"))
        #expect(identity == ClaimIdentity(cluster: "kafka", broker: 0, mountPath: "/kafka-logs"))
        #expect(try await store.claim(namespace: "kafka", name: "absent") == nil)
        await #expect(
            throws: ClaimLookupError.notABrokerDisk(
                namespace: "kafka", name: "postgres-data",
                reason: "it has no kafka_cr label naming its KafkaCluster")
        ) {
            _ = try await store.claim(namespace: "kafka", name: "postgres-data")
        }

        let outcome = try await ActionRunner(store: store).run(
            ActionRequest(
                command: "resizePvc", namespace: "kafka", cluster: identity.cluster,
                parameters: ["persistentvolumeclaim": "kafka-0-storage-0-x7k2p", "incrementBy": "5Gi"],
                source: .alert(fingerprint: "disk", startsAt: "2026-11-24T17:00:17.451Z"), claim: identity))
        #expect(outcome.detail == "grew the disk at /kafka-logs of broker 0 from 10Gi to 15Gi", "\(outcome)")
        let spec = try await store.get(namespace: "kafka", name: "kafka").cluster.spec
        #expect(spec.effectiveStorage(of: spec.brokers[0]).first?.pvcSpec?.storage == "15Gi")
    }
}
