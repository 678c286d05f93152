import ClusterModel
import Foundation
import KafkaAdmin
import Kubernetes
import PKI
import TestSupport
import Testing

@testable import Reconciler

/// The operator's own CA replaced before it expires: driven pass by pass, with the clock moved
/// to 20 days before the CA's end, the cluster's and a KafkaUser's certificates move to a new
/// CA while at every step each peer still trusts every certificate it may be shown.
@Suite(.enabled(if: Peer.available("openssl"), "needs the openssl CLI"))
struct CARolloverPassTests {
    static let peers = ["kafka-server-certificate", "kafka-controller", "alice-tls"]

    /// Each peer's `ca.crt` verifies every peer's certificate (the brokers are shown the
    /// operator's and Alice's, the clients the brokers').
    static func everyPeerTrustsEveryCertificate(_ api: ReconcilerCluster) async throws -> Bool {
        var bundles: [String: TrustBundle] = [:]
        var leaves: [String: ParsedCertificate] = [:]
        for name in peers {
            let secret = try #require(try await ClusterCertificatesTests.secret(api, name))
            bundles[name] = try TrustBundle(pem: try #require(secret.text("ca.crt")))
            leaves[name] = try ParsedCertificate(pem: try #require(secret.text("tls.crt")))
        }
        return bundles.values.allSatisfy { bundle in leaves.values.allSatisfy { bundle.signer(of: $0) != nil }
        }
    }

    @Test func theCAIsReplacedBeforeItExpiresWithoutAnyPeerLosingTrust() async throws {
        try await withAuthorizingBrokers { server in
            let api = try await ReconcilerCluster.start(brokers: [0, 1])
            defer { Task { await api.stop() } }
            let directory = try TemporaryDirectory(prefix: "rollover")
            defer { directory.remove() }
            try await ClusterCertificatesTests.withSSL(api)
            _ = try await api.reconcile()
            let caSecret = try #require(try await ClusterCertificatesTests.secret(api, "kafka-ca"))
            let old = try ParsedCertificate(pem: try #require(caSecret.text("caCert")))

            // Twenty days before the CA's end: inside the 30-day window.
            let later = old.notValidAfter.addingTimeInterval(-20 * 86_400)
            let milliseconds = Int64(later.timeIntervalSince1970 * 1_000)
            let cluster = api.reconciler(.init(now: { milliseconds }))
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let users = UserReconcilerTests.reconciler(api, client, now: { later })
            _ = try await api.client.create(UserReconcilerTests.user("alice"))
            _ = try await users.reconcile(namespace: "kafka", name: "alice")
            #expect(try await Self.everyPeerTrustsEveryCertificate(api))

            var phases: [String] = []
            for _ in 0..<16 {
                _ = try await cluster.reconcile(namespace: api.namespace, name: api.name)
                #expect(
                    try await Self.everyPeerTrustsEveryCertificate(api), "after the cluster's pass \(phases)")
                _ = try await users.reconcile(namespace: "kafka", name: "alice")
                #expect(try await Self.everyPeerTrustsEveryCertificate(api), "after Alice's pass \(phases)")
                let ca = try #require(try await ClusterCertificatesTests.secret(api, "kafka-ca"))
                guard let state = ca.metadata.annotations?[ClusterCARollover.stateAnnotation] else {
                    if !phases.isEmpty { break }
                    continue
                }
                let phase = try JSONDecoder().decode(CARollover.self, from: Data(state.utf8)).phase.rawValue
                if phases.last != phase { phases.append(phase) }
            }
            #expect(
                phases == [
                    "issuingNewCA", "publishingBundle", "reissuingLeaves", "droppingOldCA", "completed",
                ], "\(phases)")

            // The new CA signs everything and is all anyone trusts; the old key is gone.
            let ca = try #require(try await ClusterCertificatesTests.secret(api, "kafka-ca"))
            let new = try ParsedCertificate(pem: try #require(ca.text("caCert")))
            #expect(new.keyFingerprint != old.keyFingerprint)
            #expect(new.notValidAfter > old.notValidAfter.addingTimeInterval(4 * 365 * 86_400))
            #expect(Set(ca.data?.keys ?? [:].keys) == ["caCert", "caKey", "ca.crt"])
            #expect(ca.text("ca.crt") == new.pem)
            var files = ["ca.pem": new.pem]
            for name in Self.peers {
                let secret = try #require(try await ClusterCertificatesTests.secret(api, name))
                #expect(secret.text("ca.crt") == new.pem, "\(name) still trusts the old CA")
                files["\(name).pem"] = try #require(secret.text("tls.crt"))
            }
            for name in Self.peers {
                let verified = try ClusterCertificatesTests.openssl(
                    [
                        "verify", "-CAfile", "ca.pem", "-attime", String(Int(later.timeIntervalSince1970)),
                        "\(name).pem",
                    ],
                    files: files, in: directory)
                #expect(verified.status == 0, "\(name): \(verified.stdout) \(verified.stderr)")
            }
            // Every step that changed the brokers' files asked them to read them again.
            #expect(try await api.document().cluster.status?.keystoreReloadUntil != nil)
        }
    }
}
