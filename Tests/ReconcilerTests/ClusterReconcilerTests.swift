import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// The executor against a local Kubernetes API server over real HTTP: the objects, the Events
/// and the status it leaves are read back through the API.
@Suite struct ClusterReconcilerTests {
    /// The action engine's records live in the status: the reconciler must keep them.
    static let actionLog = [
        ActionRecord(
            id: "a1", command: "upScale", source: "manual:test", time: "t", change: "c", outcome: "applied")
    ]

    func seededServer(brokers: [Int32]? = nil) async throws -> ReconcilerCluster {
        try await ReconcilerCluster.start(brokers: brokers, actionLog: Self.actionLog)
    }

    @Test func aNewClusterIsCreatedThenAPassWithNothingChangedWritesNothing() async throws {
        let api = try await seededServer()
        defer { Task { await api.stop() } }
        let first = try await api.reconcile()
        let desired = try await api.rendered()
        #expect(first.created == desired.objects.count)
        #expect(first.eventsRecorded == first.created)
        #expect(first.statusWritten)
        #expect(try await api.names(.pods) == desired.brokers.map(\.pod.name).sorted())
        #expect(try await api.names(.persistentVolumeClaims).count == 4)
        let reasons = try await api.eventReasons()
        #expect(reasons.count == first.created)
        #expect(
            Set(reasons) == [
                "CreatedPod", "CreatedConfigMap", "CreatedPersistentVolumeClaim", "CreatedService",
                "CreatedPodDisruptionBudget",
            ])
        #expect(try await api.document().cluster.status?.state == "ClusterReconciling")

        // The kubelet runs the pods and binds the claims.
        try await api.waitUntilSettled()
        let second = try await api.reconcile()
        #expect(second.writes == 1 && second.statusWritten)
        let status = try #require(try await api.document().cluster.status)
        #expect(status.state == "ClusterRunning")
        #expect(status.brokersState?["2"]?.configurationState == "ConfigInSync")
        #expect(status.actionLog?.map(\.id) == ["a1"])

        api.api.reset()
        let version = try await api.resourceVersion()
        let third = try await api.reconcile()
        #expect(third.writes == 0 && third.steps.isEmpty && third.requeueAfter == nil)
        #expect(api.api.counts.writes == 0)
        // The cluster, then one list per managed kind.
        #expect(api.api.counts.requests == 1 + ManagedKinds.all.count)
        // Nothing anyone wrote: the server's resourceVersion stands, and no Event came.
        #expect(try await api.resourceVersion() == version)
        #expect(try await api.eventReasons().count == first.created)
    }

    @Test func removingABrokerDeletesExactlyItsObjectsAndItsDisksOnlyAfterItsPodIsGone() async throws {
        let api = try await seededServer(brokers: [0, 1, 2, 3])
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let before = try await api.everything()
        let one = try #require(try await api.rendered().broker(1))
        // Its broker ignores the signal to stop: the pod stays, terminating, until let go.
        api.faults.ignoreTermination(podNamePrefix: one.pod.name)

        // What downScale does: out of the spec, marked in the status, in one update.
        try await api.modify { cluster in
            cluster.spec.brokers.removeAll { $0.id == 1 }
            var state = cluster.status?.brokersState?["1"] ?? BrokerState()
            state.gracefulActionState = GracefulActionState(cruiseControlState: "GracefulDownscaleRequired")
            cluster.status?.brokersState?["1"] = state
        }

        let first = try await api.reconcile()
        #expect(first.deleted == 3 && first.created == 0 && first.updated == 0)
        #expect(try await api.names(.configMaps).contains(one.configMap.name) == false)
        #expect(try await api.names(.services).contains(one.service.name) == false)
        #expect(try await api.names(.persistentVolumeClaims).contains(one.volumes[0].name))
        let reasons = try await api.eventReasons()
        #expect(reasons.filter { $0 == "DeletedPod" }.count == 1)

        // The pod is still terminating: its disk stays.
        let terminating = try await api.objects(.pods).first { $0["metadata"]?["name"]?.text == one.pod.name }
        #expect(terminating?["metadata"]?["deletionTimestamp"] != nil)
        let waiting = try await api.reconcile()
        #expect(waiting.steps == [.waitForBroker(1, .awaitingPodTermination)])
        #expect(waiting.deleted == 0 && waiting.requeueAfter != nil)
        #expect(try await api.names(.persistentVolumeClaims).contains(one.volumes[0].name))

        api.faults.reset()
        #expect(
            try await waitUntil(timeout: .seconds(10)) { try await !api.names(.pods).contains(one.pod.name) })
        let disks = try await api.reconcile()
        #expect(disks.deleted == 1)
        #expect(try await !api.names(.persistentVolumeClaims).contains(one.volumes[0].name))

        let forget = try await api.reconcile()
        #expect(forget.steps == [.forgetBroker(1)] && forget.statusWritten)
        let status = try #require(try await api.document().cluster.status)
        #expect(status.brokersState?["1"] == nil)
        #expect(status.brokersState?.keys.sorted() == ["0", "2", "3"])
        #expect(status.actionLog?.map(\.id) == ["a1"])

        let after = try await api.everything()
        let gone = before.subtracting(after)
        #expect(
            gone == [
                "pods/\(one.pod.name)", "configmaps/\(one.configMap.name)", "services/\(one.service.name)",
                "persistentvolumeclaims/\(one.volumes[0].name)",
            ])
        #expect(after.subtracting(before).allSatisfy { $0.hasPrefix("events/") })

        api.api.reset()
        let quiet = try await api.reconcile()
        #expect(quiet.writes == 0 && api.api.counts.writes == 0, "\(quiet) \(api.api.counts)")
    }

    @Test func aLostAnswerToACreateIsRetriedWithoutDuplicates() async throws {
        let api = try await seededServer(brokers: [0])
        defer { Task { await api.stop() } }
        // The server makes the ConfigMap, but the reconciler hears a failure.
        api.faults.failNextAnswers(1, verb: "create", resource: "configmaps")
        await #expect(throws: ReconcileError.self) { try await api.reconcile() }
        #expect(try await api.names(.configMaps) == ["kafka-config-0"])
        let second = try await api.reconcile()
        #expect(second.created > 0)
        #expect(try await api.names(.configMaps) == ["kafka-config-0"])
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        #expect(try await api.reconcile().writes == 0)
        #expect(api.faults.injectedCount == 1)
    }

    @Test func aConflictEndsThePassAndTheNextOneConverges() async throws {
        let api = try await seededServer(brokers: [0])
        defer { Task { await api.stop() } }
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        try await api.modify { $0.spec.brokers[0].brokerConfig = BrokerConfig(image: "kafka:next") }
        try await api.modify { $0.spec.brokers[0].readOnlyConfig = "num.io.threads=3" }
        api.faults.conflictNextUpdates(1, resource: "configmaps")
        let conflicted = try await api.reconcile()
        #expect(conflicted.requeueAfter == .zero)
        #expect(api.faults.injectedCount == 1)
        #expect(
            try await waitUntil(timeout: .seconds(10)) {
                _ = try await api.reconcile()
                guard try await api.settled() else { return false }
                return try await api.reconcile().writes == 0
            })
        let map = try #require(try await api.objects(.configMaps).first)
        #expect(map["data"]?["broker-config"]?.text?.contains("num.io.threads=3") == true)
        #expect(try await api.names(.pods).count == 1)
        #expect(try await api.reconcile().writes == 0)
    }

    @Test func objectsWithOurLabelsButAnotherOwnerAreNeverTouched() async throws {
        let api = try await seededServer(brokers: [0])
        defer { Task { await api.stop() } }
        let squatter: JSONValue = .object([
            ("apiVersion", .string("v1")), ("kind", .string("ConfigMap")),
            (
                "metadata",
                .object([("name", .string("kafka-config-0")), ("namespace", .string(api.namespace))])
            ),
            ("data", .object([("broker-config", .string("mine"))])),
        ])
        let stray: JSONValue = .object([
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            (
                "metadata",
                .object([
                    ("name", .string("kafka-9")), ("namespace", .string(api.namespace)),
                    (
                        "labels",
                        .object([
                            ("app", .string("kafka")), ("kafka_cr", .string("kafka")),
                            ("brokerId", .string("9")),
                        ])
                    ),
                ])
            ),
            ("spec", .object([("ports", .array([.object([("port", .number("9092"))])]))])),
        ])
        for (type, object) in [(ResourceType.configMaps, squatter), (.services, stray)] {
            _ = try await api.client.send(
                APIRequest(
                    method: "POST", path: type.path(namespace: api.namespace), body: object.encoded(),
                    contentType: "application/json"))
        }
        let result = try await api.reconcile()
        #expect(result.blocked == [ObjectKey(type: .configMaps, name: "kafka-config-0")])
        #expect(try await api.objects(.configMaps).first?["data"]?["broker-config"] == .string("mine"))
        #expect(try await api.names(.services).contains("kafka-9"))
        #expect(api.api.counts.byMethod["DELETE"] == nil)
    }

    /// A spec the validator refuses changes no object: the only write is one Warning Event
    /// saying why, and a second pass over the same spec does not repeat it.
    @Test func anInvalidSpecIsRefusedWithOneWarningAndNoOtherWrite() async throws {
        let api = try await seededServer(brokers: [0, 0])
        defer { Task { await api.stop() } }
        await #expect(throws: ReconcileError.self) { try await api.reconcile() }
        #expect(api.api.counts.writes == 1)
        #expect(api.api.counts.byMethod.keys.sorted() == ["GET", "POST"])
        let warnings = try await api.events().filter { $0["type"]?.text == "Warning" }
        #expect(warnings.count == 1)
        #expect(warnings.first?["reason"]?.text == "InvalidSpec")
        #expect(warnings.first?["message"]?.text?.contains("spec.brokers") == true, "\(warnings)")
        let version = try await api.resourceVersion()
        await #expect(throws: ReconcileError.self) { try await api.reconcile() }
        #expect(try await api.resourceVersion() == version, "the same invalid spec was announced again")
        #expect(try await api.objects(.pods).isEmpty)
    }

    /// The reconciler writes its own status fields, typed, and only those: a field it does not
    /// know (Koperator's, a newer operator's) and the actions' fields stay as they were.
    @Test func theStatusPatchWritesOnlyTheReconcilersFields() async throws {
        let api = try await seededServer(brokers: [0, 1])
        defer { Task { await api.stop() } }
        _ = try await api.client.send(
            APIRequest(
                method: "PATCH",
                path: ResourceType.kafkaClusters.path(namespace: api.namespace, name: api.name),
                body: Array(
                    #"{"status":{"listenerStatuses":{"internalListeners":{"internal":[{"name":"any-broker"}]}},"alertCount":2}}"#
                        .utf8),
                contentType: PatchType.merge.rawValue))
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let document = try await api.document()
        #expect(
            document.original["status"]?["listenerStatuses"]?["internalListeners"]?["internal"]
                == .array([.object([("name", .string("any-broker"))])]))
        let status = try #require(document.cluster.status)
        #expect(status.alertCount == 2)
        #expect(status.actionLog?.map(\.id) == ["a1"])
        #expect(status.state == .running)
        #expect(status.brokerCount == 2)
        #expect(status.brokersState?["1"]?.readiness == .ready)
        #expect(status.brokersState?["1"]?.configurationState == .inSync)
    }

    @Test func aMissingClusterIsNotAnError() async throws {
        let api = try await seededServer()
        defer { Task { await api.stop() } }
        let result = try await api.reconciler().reconcile(namespace: api.namespace, name: "nothing")
        #expect(result.clusterMissing && result.writes == 0)
    }
}

@Suite struct ClusterReconcilerScaleTests {
    @Test func twoHundredBrokersFromScratchThenANoOpPassWithNoWrites() async throws {
        let api = try await ReconcilerCluster.start(brokers: (0..<200).map { Int32($0) })
        defer { Task { await api.stop() } }
        let reconciler = api.reconciler()
        let clock = ContinuousClock()
        let start = clock.now
        let first = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        let built = clock.now - start
        #expect(first.created == 1 + 200 * 4)
        #expect(api.api.reset().writes == first.writes)
        try await api.waitUntilSettled()
        _ = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        api.api.reset()
        let quietStart = clock.now
        let quiet = try await reconciler.reconcile(namespace: "kafka", name: "kafka")
        let quietTime = clock.now - quietStart
        #expect(quiet.writes == 0 && quiet.steps.isEmpty)
        #expect(api.api.counts.requests == 1 + ManagedKinds.all.count && api.api.counts.writes == 0)
        print("200 brokers: from scratch \(built), no-op pass \(quietTime)")
    }
}
