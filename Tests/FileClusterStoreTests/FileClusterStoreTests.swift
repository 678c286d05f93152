import ClusterModel
import Foundation
import TestSupport
import Testing

@testable import FileClusterStore

@Suite struct FileClusterStoreTests {
    static func document(_ name: String = "kafka", extra: String = "") -> ClusterDocument {
        // A document with fields the model does not know, which must survive the store.
        let json =
            #"{"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"KafkaCluster","metadata":{"name":"\#(name)","namespace":"kafka"},"spec":{"zkPath":"/kafka","brokers":[{"id":0}]}\#(extra)}"#
        return try! ClusterDocument(json: Array(json.utf8))
    }

    @Test func storesReadsAndRefusesStaleUpdates() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FileClusterStore(directory: directory.url)
        let created = try await store.create(Self.document())
        #expect(created.revision == "1")
        await #expect(throws: ClusterStoreError.alreadyExists(namespace: "kafka", name: "kafka")) {
            try await store.create(Self.document())
        }
        var changed = created.document
        changed.cluster.spec.brokers.append(Broker(id: 1))
        let updated = try await store.update(changed, expectedRevision: "1")
        #expect(updated.revision == "2")
        await #expect(throws: ClusterStoreError.conflict(namespace: "kafka", name: "kafka")) {
            try await store.update(changed, expectedRevision: "1")
        }
        // A new store on the same directory (an operator restart) sees the same cluster.
        let reopened = try FileClusterStore(directory: directory.url)
        let read = try await reopened.get(namespace: "kafka", name: "kafka")
        #expect(read.cluster.spec.brokers.map(\.id) == [0, 1])
        #expect(read.document.value["spec"]?["zkPath"] == .string("/kafka"))
        #expect(try await reopened.list().map(\.cluster.metadata.name) == ["kafka"])
    }

    @Test func twoStoresOnOneDirectoryLoseNoUpdate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try FileClusterStore(directory: directory.url)
        let second = try FileClusterStore(directory: directory.url)
        _ = try await first.create(Self.document())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 1...50 {
                let store = id % 2 == 0 ? first : second
                group.addTask {
                    _ = try await store.modify(namespace: "kafka", name: "kafka", maxAttempts: 200) {
                        document in
                        document.cluster.spec.brokers.append(Broker(id: Int32(id)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await first.get(namespace: "kafka", name: "kafka")
        #expect(final.cluster.spec.brokers.count == 51)
        #expect(final.revision == "51")
    }

    @Test func aTruncatedFileIsReportedNeverReplaced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FileClusterStore(directory: directory.url)
        _ = try await store.create(Self.document())
        let file = directory.url.appendingPathComponent("kafka/kafka.json")
        let whole = try Data(contentsOf: file)
        try whole.prefix(whole.count / 2).write(to: file)
        await #expect(throws: ClusterStoreError.self) {
            try await store.get(namespace: "kafka", name: "kafka")
        }
        do {
            _ = try await store.get(namespace: "kafka", name: "kafka")
        } catch {
            guard case .corrupted(let location, _) = error else {
                Issue.record("expected corrupted, got \(error)")
                return
            }
            #expect(location == file.path)
        }
        await #expect(throws: ClusterStoreError.self) {
            try await store.update(Self.document(), expectedRevision: "1")
        }
        #expect(
            try Data(contentsOf: file) == whole.prefix(whole.count / 2),
            "the damaged file is left for a person to inspect")
    }

    @Test func leftoversOfACrashedWriteAreIgnoredAndCleaned() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FileClusterStore(directory: directory.url)
        _ = try await store.create(Self.document())
        // A crash between writing the temporary file and renaming it leaves this behind.
        let leftover = directory.url.appendingPathComponent("kafka/.kafka.json.tmp-1-2")
        try Data("{\"kind\":\"Kafka".utf8).write(to: leftover)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: leftover.path)
        #expect(try await store.list().count == 1)
        #expect(try await store.get(namespace: "kafka", name: "kafka").revision == "1")
        _ = try FileClusterStore(directory: directory.url)
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }

    @Test(arguments: ["../etc", "Kafka", "", "a/b", String(repeating: "a", count: 300)])
    func refusesNamesThatAreNotKubernetesNames(_ name: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FileClusterStore(directory: directory.url)
        await #expect(throws: ClusterStoreError.self) { try await store.get(namespace: "kafka", name: name) }
        await #expect(throws: ClusterStoreError.self) { try await store.get(namespace: name, name: "kafka") }
    }
}
