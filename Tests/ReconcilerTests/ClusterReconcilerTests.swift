import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// The executor against an in-memory API server with the real write semantics.
@Suite struct ClusterReconcilerTests {
    let namespace = "kafka"

    func seededServer(brokers: [Int32]? = nil, podsTerminateAtOnce: Bool = true) throws
        -> InMemoryKubernetesAPI
    {
        let api = InMemoryKubernetesAPI(podsTerminateAtOnce: podsTerminateAtOnce)
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        var document = try ClusterDocument(yaml: yaml)
        if let brokers {
            document.cluster.spec.brokers = brokers.map { Broker(id: $0, brokerConfigGroup: "default") }
        }
        try api.seed(.kafkaClusters, namespace: namespace, document.value)
        // The action engine's records live in the status: the reconciler must keep them.
        var status = KafkaClusterStatus()
        status.actionLog = [
            ActionRecord(
                id: "a1", command: "upScale", source: "manual:test", time: "t", change: "c",
                outcome: "applied")
        ]
        try patchStatus(api, status: JSONReader.parse(Array(JSONEncoder().encode(status))))
        return api
    }

    func patchStatus(_ api: InMemoryKubernetesAPI, status: JSONValue) throws {
        let path = ResourceType.kafkaClusters.path(namespace: namespace, name: "kafka", subresource: "status")
        let body = JSONValue.object([("status", status)]).encoded()
        try api.state.withLock { state throws(KubernetesError) in
            _ = try InMemoryKubernetesAPI.handle(
                &state,
                APIRequest(method: "PATCH", path: path, body: body, contentType: PatchType.merge.rawValue),
                podsTerminateAtOnce: true)
        }
    }

    func cluster(_ api: InMemoryKubernetesAPI) throws -> ClusterDocument {
        let raw = try #require(api.objects(.kafkaClusters, namespace: namespace).first)
        return try ClusterDocument(value: raw)
    }

    /// Changes the stored spec as the action engine would (read, modify, PUT with resourceVersion).
    func modify(_ api: InMemoryKubernetesAPI, _ body: (inout KafkaCluster) -> Void) async throws {
        var document = try cluster(api)
        body(&document.cluster)
        _ = try await api.send(
            APIRequest(
                method: "PUT", path: ResourceType.kafkaClusters.path(namespace: namespace, name: "kafka"),
                body: document.json(), contentType: "application/json"))
    }

    func rendered(_ api: InMemoryKubernetesAPI) throws -> DesiredState {
        let cluster = try cluster(api).cluster
        return DesiredStateRenderer().render(cluster, uid: try #require(cluster.metadata.uid))
    }

    func reconcile(_ api: InMemoryKubernetesAPI) async throws -> ReconcileResult {
        try await ClusterReconciler(api: api).reconcile(namespace: namespace, name: "kafka")
    }

    @Test func aNewClusterIsCreatedThenAPassWithNothingChangedWritesNothing() async throws {
        let api = try seededServer()
        let first = try await reconcile(api)
        let desired = try rendered(api)
        #expect(first.created == desired.objects.count)
        #expect(first.eventsRecorded == first.created)
        #expect(first.statusWritten)
        #expect(api.names(.pods, namespace: namespace) == desired.brokers.map(\.pod.name).sorted())
        #expect(api.names(.persistentVolumeClaims, namespace: namespace).count == 4)
        let reasons = api.objects(.events, namespace: namespace).compactMap { $0["reason"]?.stringValue }
        #expect(
            Set(reasons) == [
                "CreatedPod", "CreatedConfigMap", "CreatedPersistentVolumeClaim", "CreatedService",
            ])
        #expect(try cluster(api).cluster.status?.state == "ClusterReconciling")

        api.markPodsReady(namespace: namespace)
        let second = try await reconcile(api)
        #expect(second.writes == 1 && second.statusWritten)
        let status = try #require(try cluster(api).cluster.status)
        #expect(status.state == "ClusterRunning")
        #expect(status.brokersState?["2"]?.configurationState == "ConfigInSync")
        #expect(status.actionLog?.map(\.id) == ["a1"])

        api.resetLog()
        let third = try await reconcile(api)
        #expect(third.writes == 0 && third.steps.isEmpty && third.requeueAfter == nil)
        #expect(api.writes.isEmpty)
        #expect(api.requests.count == 5)
    }

    @Test func removingABrokerDeletesExactlyItsObjectsAndItsDisksOnlyAfterItsPodIsGone() async throws {
        let api = try seededServer(brokers: [0, 1, 2, 3], podsTerminateAtOnce: false)
        _ = try await reconcile(api)
        api.markPodsReady(namespace: namespace)
        _ = try await reconcile(api)
        let before = Set(api.state.withLock { $0.collections }.flatMap { $0.value.keys })
        let one = try #require(try rendered(api).broker(1))

        // What downScale does: out of the spec, marked in the status.
        try await modify(api) { cluster in
            cluster.spec.brokers.removeAll { $0.id == 1 }
            var state = cluster.status?.brokersState?["1"] ?? BrokerState()
            state.gracefulActionState = GracefulActionState(cruiseControlState: "GracefulDownscaleRequired")
            cluster.status?.brokersState?["1"] = state
        }
        try patchStatus(
            api,
            status: .object([
                (
                    "brokersState",
                    .object([
                        (
                            "1",
                            .object([
                                (
                                    "gracefulActionState",
                                    .object([("cruiseControlState", .string("GracefulDownscaleRequired"))])
                                )
                            ])
                        )
                    ])
                )
            ]))

        let first = try await reconcile(api)
        #expect(first.deleted == 3 && first.created == 0 && first.updated == 0)
        #expect(api.names(.configMaps, namespace: namespace).contains(one.configMap.name) == false)
        #expect(api.names(.services, namespace: namespace).contains(one.service.name) == false)
        #expect(api.names(.persistentVolumeClaims, namespace: namespace).contains(one.volumes[0].name))
        let reasons = api.objects(.events, namespace: namespace).compactMap { $0["reason"]?.stringValue }
        #expect(reasons.filter { $0 == "DeletedPod" }.count == 1)

        // The pod is still terminating: its disk stays.
        let waiting = try await reconcile(api)
        #expect(waiting.steps == [.waitForBroker(1, .awaitingPodTermination)])
        #expect(waiting.deleted == 0 && waiting.requeueAfter != nil)

        api.finishTerminations()
        let disks = try await reconcile(api)
        #expect(disks.deleted == 1)
        #expect(!api.names(.persistentVolumeClaims, namespace: namespace).contains(one.volumes[0].name))

        let forget = try await reconcile(api)
        #expect(forget.steps == [.forgetBroker(1)] && forget.statusWritten)
        let status = try #require(try cluster(api).cluster.status)
        #expect(status.brokersState?["1"] == nil)
        #expect(status.brokersState?.keys.sorted() == ["0", "2", "3"])
        #expect(status.actionLog?.map(\.id) == ["a1"])

        let after = Set(api.state.withLock { $0.collections }.flatMap { $0.value.keys })
        let gone = before.subtracting(after)
        #expect(gone == [one.pod.name, one.configMap.name, one.service.name, one.volumes[0].name])

        api.resetLog()
        let quiet = try await reconcile(api)
        #expect(quiet.writes == 0 && api.writes.isEmpty, "\(quiet) \(api.writes)")
    }

    @Test func aLostAnswerToACreateIsRetriedWithoutDuplicates() async throws {
        let api = try seededServer(brokers: [0])
        api.inject(
            .transport("connection reset"), on: "POST /api/v1/namespaces/kafka/configmaps",
            afterApplying: true)
        await #expect(throws: ReconcileError.self) { try await reconcile(api) }
        let second = try await reconcile(api)
        #expect(second.created > 0)
        #expect(api.names(.configMaps, namespace: namespace) == ["kafka-config-0"])
        api.markPodsReady(namespace: namespace)
        _ = try await reconcile(api)
        #expect(try await reconcile(api).writes == 0)
    }

    @Test func aConflictEndsThePassAndTheNextOneConverges() async throws {
        let api = try seededServer(brokers: [0])
        _ = try await reconcile(api)
        try await modify(api) { $0.spec.brokers[0].brokerConfig = BrokerConfig(image: "kafka:next") }
        try await modify(api) { $0.spec.brokers[0].readOnlyConfig = "num.io.threads=3" }
        api.inject(
            .conflict(Status(code: 409, reason: "Conflict", message: "the object has been modified")),
            on: "PUT /api/v1/namespaces/kafka/configmaps")
        let conflicted = try await reconcile(api)
        #expect(conflicted.requeueAfter == .zero)
        _ = try await reconcile(api)
        api.markPodsReady(namespace: namespace)
        _ = try await reconcile(api)
        let map = try #require(api.objects(.configMaps, namespace: namespace).first)
        #expect(map["data"]?["broker-config"]?.stringValue?.contains("num.io.threads=3") == true)
        #expect(api.names(.pods, namespace: namespace).count == 1)
        #expect(try await reconcile(api).writes == 0)
    }

    @Test func objectsWithOurLabelsButAnotherOwnerAreNeverTouched() async throws {
        let api = try seededServer(brokers: [0])
        let squatter: JSONValue = .object([
            ("apiVersion", .string("v1")), ("kind", .string("ConfigMap")),
            ("metadata", .object([("name", .string("kafka-config-0")), ("namespace", .string(namespace))])),
            ("data", .object([("broker-config", .string("mine"))])),
        ])
        let stray: JSONValue = .object([
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            (
                "metadata",
                .object([
                    ("name", .string("kafka-9")), ("namespace", .string(namespace)),
                    (
                        "labels",
                        .object([
                            ("app", .string("kafka")), ("kafka_cr", .string("kafka")),
                            ("brokerId", .string("9")),
                        ])
                    ),
                ])
            ),
        ])
        try api.seed(.configMaps, namespace: namespace, squatter)
        try api.seed(.services, namespace: namespace, stray)
        let result = try await reconcile(api)
        #expect(result.blocked == [ObjectKey(type: .configMaps, name: "kafka-config-0")])
        #expect(
            api.objects(.configMaps, namespace: namespace).first?["data"]?["broker-config"] == .string("mine")
        )
        #expect(api.names(.services, namespace: namespace).contains("kafka-9"))
        #expect(!api.writes.contains { $0.hasPrefix("DELETE") })
    }

    @Test func anInvalidSpecIsRefusedWithoutWrites() async throws {
        let api = try seededServer(brokers: [0, 0])
        api.resetLog()
        await #expect(throws: ReconcileError.self) { try await reconcile(api) }
        #expect(api.writes.isEmpty)
    }

    @Test func aMissingClusterIsNotAnError() async throws {
        let api = InMemoryKubernetesAPI()
        let result = try await ClusterReconciler(api: api).reconcile(namespace: namespace, name: "nothing")
        #expect(result.clusterMissing && result.writes == 0)
    }
}

@Suite struct ClusterReconcilerScaleTests {
    @Test func twoHundredBrokersFromScratchThenANoOpPassWithNoWrites() async throws {
        let api = InMemoryKubernetesAPI()
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        var document = try ClusterDocument(yaml: yaml)
        document.cluster.spec.brokers = (0..<200).map { Broker(id: $0, brokerConfigGroup: "default") }
        try api.seed(.kafkaClusters, namespace: "kafka", document.value)
        let counting = CountingKubernetesAPI(api)
        let reconciler = ClusterReconciler(api: counting)
        let clock = ContinuousClock()
        let start = clock.now
        let first = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        let built = clock.now - start
        #expect(first.created == 1 + 200 * 4)
        #expect(counting.reset().writes == first.writes)
        api.markPodsReady(namespace: "kafka")
        _ = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        counting.reset()
        let quietStart = clock.now
        let quiet = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        let quietTime = clock.now - quietStart
        #expect(quiet.writes == 0 && quiet.steps.isEmpty)
        #expect(counting.counts.requests == 5 && counting.counts.writes == 0)
        print("200 brokers: from scratch \(built), no-op pass \(quietTime)")
    }
}
