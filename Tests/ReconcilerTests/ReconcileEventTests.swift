import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// The Events the reconciler records on the KafkaCluster, listed through the API with the
/// field selector `kubectl describe` uses.
@Suite struct ReconcileEventTests {
    static func record(_ id: String, _ outcome: String) -> ActionRecord {
        ActionRecord(
            id: id, command: "upScale", source: "alert:KafkaHighLoad", time: "2026-12-01T10:00:00Z",
            change: "brokers 3 -> 4 (\(id))", outcome: outcome)
    }

    @Test func objectsMadeFromScratchAreAnnouncedAndANoOpPassAnnouncesNothing() async throws {
        let cluster = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await cluster.stop() } }
        let first = try await cluster.reconcile()
        let events = try await cluster.events()
        #expect(events.count == first.created && first.eventsRecorded == first.created)
        let uid = try await cluster.document().cluster.metadata.uid
        for event in events {
            #expect(event["involvedObject"]?["kind"]?.text == "KafkaCluster")
            #expect(event["involvedObject"]?["uid"]?.text == uid)
            #expect(event["type"]?.text == "Normal")
            #expect(event["reason"]?.text?.hasPrefix("Created") == true)
        }
        let desired = try await cluster.rendered()
        let byReason = Dictionary(grouping: try await cluster.eventReasons(), by: { $0 }).mapValues(\.count)
        #expect(byReason["CreatedPod"] == desired.brokers.count)
        #expect(byReason["CreatedConfigMap"] == desired.brokers.count)
        #expect(byReason["CreatedService"] == desired.objects.filter { $0.resourceType == .services }.count)
        #expect(byReason["CreatedPersistentVolumeClaim"] == desired.brokers.flatMap(\.volumes).count)
        // The selector is the server's: another object's Events are not listed.
        #expect(try await cluster.list(.events, fields: "involvedObject.name=other").items.isEmpty)

        try await cluster.waitUntilSettled()
        _ = try await cluster.reconcile()
        let quiet = try await cluster.reconcile()
        #expect(quiet.eventsRecorded == 0 && quiet.writes == 0)
        #expect(try await cluster.events().count == events.count)
    }

    @Test func everyAcceptedActionIsAnnouncedOnceAndOnlyOnce() async throws {
        let cluster = try await ReconcilerCluster.start(
            brokers: [0],
            actionLog: [
                Self.record("a1", "accepted"), Self.record("a2", "refused"), Self.record("a3", "accepted"),
            ])
        defer { Task { await cluster.stop() } }
        func applied() async throws -> [JSONValue] {
            try await cluster.events().filter { $0["reason"]?.text == "ActionApplied" }
        }
        _ = try await cluster.reconcile()
        let announced = try await applied()
        #expect(announced.count == 2)
        #expect(
            Set(announced.compactMap { $0["metadata"]?["name"]?.text })
                == ["kafka.action.a1", "kafka.action.a3"])
        #expect(
            announced.contains {
                $0["message"]?.text == "upScale from alert:KafkaHighLoad: brokers 3 -> 4 (a1)"
            })
        #expect(
            try await cluster.document().cluster.status?.announcedActionsThrough == "a3"
        )

        try await cluster.waitUntilSettled()
        for _ in 0..<3 { _ = try await cluster.reconcile() }
        #expect(try await applied().count == 2)

        // A new record is announced by the next pass, and only it.
        try await cluster.modify { $0.status?.actionLog?.append(Self.record("a4", "accepted")) }
        let next = try await cluster.reconcile()
        #expect(next.eventsRecorded == 1)
        #expect(try await applied().count == 3)
        #expect(try await cluster.reconcile().writes == 0)
        #expect(try await applied().count == 3)

        // Without the marker (a crash between the Event and the status), the repeats are
        // refused by the API as duplicates: still one Event per record.
        _ = try await cluster.client.send(
            APIRequest(
                method: "PATCH",
                path: ResourceType.kafkaClusters.path(namespace: cluster.namespace, name: cluster.name),
                body: Array(#"{"status":{"announcedActionsThrough":null}}"#.utf8),
                contentType: PatchType.merge.rawValue))
        _ = try await cluster.reconcile()
        #expect(try await applied().count == 3)
        #expect(
            try await cluster.document().cluster.status?.announcedActionsThrough == "a4"
        )
    }
}
