import ClusterModel
import ClusterTestSupport
import Foundation
import KafkaAdmin
import Kubernetes
import Logging
import PKI
import Reconciler
import TestSupport
import Testing

@testable import kafka_operator

/// Which clusters `serve` has a Kafka client for, and when a client is made again: one per
/// cluster from its spec, kept while its connection is unchanged, replaced when the operator's
/// certificate for the cluster changes; none for a cluster out of reach or with
/// `--kafka-connection off`.
@Suite struct KafkaClientsTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    static func cluster(_ name: String, ssl: Bool) throws -> KafkaCluster {
        var cluster = try ClusterDocument(yaml: String(contentsOfFile: example, encoding: .utf8)).cluster
        cluster.metadata.name = name
        cluster.metadata.namespace = "kafka"
        if ssl { cluster.spec.listenersConfig?.internalListeners?[0].type = "ssl" }
        return cluster
    }

    static func clients(_ api: any KubernetesAPI, reach: KafkaClients.Reach) -> KafkaClients {
        KafkaClients(
            configured: nil, reach: reach, api: api, options: KafkaAdminOptions(), refreshInterval: .zero,
            logger: Logger(label: "kafka-clients-test"))
    }

    @Test func aClientIsKeptUntilTheOperatorsCertificateForTheClusterChanges() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let clients = Self.clients(fixture.client, reach: .everyCluster)
        let plain = try Self.cluster("plain", ssl: false)
        let first = try await clients.client(for: plain)
        #expect(try await clients.client(for: plain) === first, "an unchanged connection keeps its client")

        let secured = try Self.cluster("secured", ssl: true)
        await #expect(
            throws: OperatorKafkaConnectionError.certificateNotIssued(secret: "kafka/secured-controller")
        ) {
            try await clients.client(for: secured)
        }
        let now = Date()
        let authority = try CertificateAuthority.create(commonName: "secured-ca", now: now)
        func secret(_ issued: IssuedCertificate) -> Secret {
            Secret(
                metadata: ObjectMeta(name: "secured-controller", namespace: "kafka"),
                type: "kubernetes.io/tls",
                data: [
                    "tls.crt": Data(issued.chainPEM.utf8).base64EncodedString(),
                    "tls.key": Data(issued.privateKeyPEM.utf8).base64EncodedString(),
                    "ca.crt": Data(authority.certificatePEM.utf8).base64EncodedString(),
                ])
        }
        let request = CertificateRequest(commonName: "secured-controller", usage: .client)
        var stored = try await fixture.client.create(secret(try authority.issue(request, now: now)))
        let issued = try await clients.client(for: secured)
        #expect(try await clients.client(for: secured) === issued)

        // Renewed: the next client shows the new certificate.
        var renewed = secret(try authority.issue(request, now: now))
        renewed.metadata.resourceVersion = stored.metadata.resourceVersion
        stored = try await fixture.client.update(renewed)
        #expect(try await clients.client(for: secured) !== issued)
    }

    @Test func clustersOutOfReachHaveNoClient() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let simulated = ClusterKey(namespace: "kafka", name: "simulated")
        let local = Self.clients(fixture.client, reach: .only(simulated))
        #expect(local.reachesAnyCluster)
        await #expect(
            throws: OperatorKafkaConnectionError.notReachable(ClusterKey(namespace: "kafka", name: "other"))
        ) {
            try await local.client(for: try Self.cluster("other", ssl: false))
        }
        _ = try await local.client(for: try Self.cluster("simulated", ssl: false))

        let off = Self.clients(fixture.client, reach: .none)
        #expect(!off.reachesAnyCluster)
        #expect(await off.client(for: simulated) == nil)
    }
}
