import Foundation
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import PKI
import TestSupport
import Testing

@testable import Reconciler

/// The KafkaUser loop: a user created while it runs is seen through the watch and made real,
/// and its deletion goes through the finalizer, with nothing but the loop driving the passes.
@Suite struct UserLoopTests {
    @Test func aWatchedUserGetsItsSecretAndAclsAndItsDeletionRemovesThem() async throws {
        try await withAuthorizingBrokers { server in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            try await UserReconcilerTests.installCA(
                api, try CertificateAuthority.create(commonName: "kafka-ca", now: Date()))
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let loop = UserLoop(
                reconciler: UserReconcilerTests.reconciler(api, client),
                configuration: .init(
                    namespace: "kafka", resyncInterval: .seconds(3600), initialBackoff: .milliseconds(10),
                    maximumBackoff: .milliseconds(100)),
                logger: ReconcilerCluster.quiet)
            let running = Task { try await loop.run() }
            defer { running.cancel() }

            _ = try await api.client.create(
                UserReconcilerTests.user("alice", grants: [.init(topicName: "orders", accessType: "write")]))
            let created = await waitUntil(timeout: .seconds(20)) {
                let state = try? await UserReconcilerTests.read(api, "alice").status?.state
                let acls = (try? await UserReconcilerTests.acls(client, "alice")) ?? []
                return state == "created" && acls.count == 4
            }
            #expect(created)
            #expect(try await UserReconcilerTests.secret(api, "alice-tls")?.type == "kubernetes.io/tls")

            try await api.client.delete(.kafkaUsers, namespace: "kafka", name: "alice")
            let gone = await waitUntil(timeout: .seconds(20)) {
                guard let acls = try? await UserReconcilerTests.acls(client, "alice") else { return false }
                let user = try? await UserReconcilerTests.read(api, "alice")
                return user == nil && acls.isEmpty
            }
            #expect(gone)
            running.cancel()
            _ = await running.result
        }
    }
}
