import Testing

@testable import ClusterModel

@Suite struct InMemoryClusterStoreTests {
    static func document(_ name: String = "kafka") -> ClusterDocument {
        ClusterDocument(
            cluster: KafkaCluster(
                metadata: ObjectMeta(name: name, namespace: "kafka"),
                spec: KafkaClusterSpec(brokers: [Broker(id: 0)])))
    }

    @Test func followsTheStoreContract() async throws {
        let store = InMemoryClusterStore()
        await #expect(throws: ClusterStoreError.notFound(namespace: "kafka", name: "kafka")) {
            try await store.get(namespace: "kafka", name: "kafka")
        }
        let created = try await store.create(Self.document())
        await #expect(throws: ClusterStoreError.alreadyExists(namespace: "kafka", name: "kafka")) {
            try await store.create(Self.document())
        }
        var changed = created.document
        changed.cluster.spec.brokers.append(Broker(id: 1))
        let updated = try await store.update(changed, expectedRevision: created.revision)
        #expect(updated.revision != created.revision)
        await #expect(throws: ClusterStoreError.conflict(namespace: "kafka", name: "kafka")) {
            try await store.update(changed, expectedRevision: created.revision)
        }
        #expect(try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.count == 2)
    }

    @Test func modifyRetriesUntilEveryConcurrentChangeLands() async throws {
        let store = InMemoryClusterStore()
        _ = try await store.create(Self.document())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 1...20 {
                group.addTask {
                    _ = try await store.modify(namespace: "kafka", name: "kafka", maxAttempts: 50) {
                        document in
                        document.cluster.spec.brokers.append(Broker(id: Int32(id)))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.get(namespace: "kafka", name: "kafka").cluster.spec.brokers.count == 21)
    }
}
