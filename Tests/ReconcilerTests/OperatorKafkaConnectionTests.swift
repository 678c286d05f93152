import ClusterModel
import Foundation
import KafkaAdmin
import Kubernetes
import PKI
import Testing

@testable import Reconciler

/// Where and how the operator's own admin client reaches a cluster, read from its spec and,
/// on an SSL listener, from the operator's certificate Secret for that cluster.
@Suite struct OperatorKafkaConnectionTests {
    @Test func aPlaintextClusterIsReachedAtItsServiceWithoutTLSAndAMissingOneIsSaidSo() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        let connection = try await OperatorKafkaConnection.read(
            ClusterKey(namespace: "kafka", name: "kafka"), api: api.client)
        #expect(
            connection.bootstrap == BrokerAddress(host: "kafka-headless.kafka.svc.cluster.local", port: 29092)
        )
        #expect(connection.tls == nil)
        await #expect(
            throws: OperatorKafkaConnectionError.clusterNotFound(ClusterKey(namespace: "kafka", name: "x"))
        ) {
            try await OperatorKafkaConnection.read(ClusterKey(namespace: "kafka", name: "x"), api: api.client)
        }
    }

    @Test func anSSLClusterIsReachedWithTheOperatorsCertificateOnceItIsIssued() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        var cluster = try await api.document().cluster
        cluster.spec.listenersConfig?.internalListeners?[0].type = "ssl"
        let notIssued = OperatorKafkaConnectionError.certificateNotIssued(secret: "kafka/kafka-controller")
        await #expect(throws: notIssued) { try await OperatorKafkaConnection.read(cluster, api: api.client) }

        let now = Date()
        let authority = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
        let issued = try authority.issue(
            CertificateRequest(commonName: "kafka-controller", usage: .client), now: now)
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        var secret = Secret(
            metadata: ObjectMeta(name: "kafka-controller", namespace: "kafka"), type: "kubernetes.io/tls",
            data: [KoperatorSecretKey.tlsCertificate: base64(issued.chainPEM)])
        secret = try await api.client.create(secret)
        // A Secret without its key is not issued yet either.
        await #expect(throws: notIssued) { try await OperatorKafkaConnection.read(cluster, api: api.client) }

        secret.data?[KoperatorSecretKey.tlsPrivateKey] = base64(issued.privateKeyPEM)
        secret.data?[KoperatorSecretKey.caBundle] = base64(authority.certificatePEM)
        _ = try await api.client.update(secret)
        let connection = try await OperatorKafkaConnection.read(cluster, api: api.client)
        #expect(
            connection.tls
                == KafkaTLSOptions(
                    caPEM: authority.certificatePEM, certificatePEM: issued.chainPEM,
                    privateKeyPEM: issued.privateKeyPEM))

        cluster.spec.listenersConfig?.internalListeners?[0].type = "sasl_ssl"
        await #expect(
            throws: OperatorKafkaConnectionError.unsupportedListener(name: "internal", type: "sasl_ssl")
        ) {
            try await OperatorKafkaConnection.read(cluster, api: api.client)
        }
    }
}
