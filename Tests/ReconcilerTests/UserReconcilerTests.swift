import ClusterModel
import Foundation
import JSON
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import LocalKafka
import PKI
import TestSupport
import Testing

@testable import Reconciler

/// The user controller against the local cluster and the simulated Kafka cluster, through the
/// production admin client: the Secret it writes checked by openssl, the ACLs it makes read
/// back with DescribeAcls.
@Suite struct UserReconcilerTests {
    static let authorizer = "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    static let caSecret = "kafka-ca"

    static func user(
        _ name: String, secret: String? = nil, grants: [KafkaUser.TopicGrant] = [], cluster: String = "kafka",
        createCert: Bool? = nil
    ) -> KafkaUser {
        KafkaUser(
            metadata: ObjectMeta(name: name, namespace: "kafka"),
            spec: .init(
                secretName: secret ?? "\(name)-tls", clusterRef: .init(name: cluster), createCert: createCert,
                topicGrants: grants))
    }

    static func reconciler(
        _ api: ReconcilerCluster, _ client: (any KafkaAclAdminClient)?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> UserReconciler {
        UserReconciler(
            api: api.client, kafka: { _ in client }, configuration: .init(waitInterval: .seconds(1), now: now)
        )
    }

    /// The cluster names `kafka-ca` as its CA Secret and the Secret holds `authority`, with
    /// `bundle` as its `ca.crt` when given.
    static func installCA(_ api: ReconcilerCluster, _ authority: CertificateAuthority, bundle: String? = nil)
        async throws
    {
        try await api.modify {
            $0.spec.listenersConfig?.sslSecrets = .object([
                ("tlsSecretName", .string(caSecret)), ("create", .bool(false)),
            ])
        }
        var data = [
            KoperatorSecretKey.caCertificate: Secret.base64(authority.certificatePEM),
            KoperatorSecretKey.caPrivateKey: Secret.base64(authority.privateKeyPEM),
        ]
        if let bundle { data[KoperatorSecretKey.caBundle] = Secret.base64(bundle) }
        _ = try await api.client.create(
            Secret(metadata: ObjectMeta(name: caSecret, namespace: "kafka"), data: data))
    }

    static func read(_ api: ReconcilerCluster, _ name: String) async throws -> KafkaUser {
        try await api.client.get(KafkaUser.self, namespace: "kafka", name: name)
    }

    static func secret(_ api: ReconcilerCluster, _ name: String) async throws -> Secret? {
        do { return try await api.client.get(Secret.self, namespace: "kafka", name: name) } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    static func reasons(_ api: ReconcilerCluster, about name: String) async throws -> [String] {
        try await api.list(.events, fields: "involvedObject.name=\(name)").items.compactMap {
            $0["reason"]?.text
        }
    }

    static func acls(_ client: KafkaProtocolAdminClient, _ user: String) async throws -> Set<AclBinding> {
        Set(try await client.describeAcls(AclBindingFilter(principal: "User:CN=\(user)")))
    }

    static func binding(
        _ type: AclResourceType, _ name: String, _ operation: AclOperation,
        _ pattern: AclPatternType = .literal,
        user: String = "alice"
    ) -> AclBinding {
        AclBinding(
            resourceType: type, resourceName: name, patternType: pattern, principal: "User:CN=\(user)",
            operation: operation)
    }

    // MARK: - Simulated cluster

    @Test(.enabled(if: Peer.available("openssl")))
    func aUserGetsACertificateFromTheClusterCAAndItsGrantsAsAclsUntilItIsDeleted() async throws {
        try await withAuthorizingBrokers { server in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let now = Date()
            let authority = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
            let previous = try CertificateAuthority.create(commonName: "kafka-ca-old", now: now)
            let bundle = previous.certificatePEM + authority.certificatePEM
            try await Self.installCA(api, authority, bundle: bundle)
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let reconciler = Self.reconciler(api, client)
            _ = try await api.client.create(
                Self.user(
                    "alice",
                    grants: [
                        .init(topicName: "orders", accessType: "read"),
                        .init(topicName: "events-", accessType: "write", patternType: "prefixed"),
                    ]))

            let first = try await reconciler.reconcile(namespace: "kafka", name: "alice")
            #expect(first.secretWritten && first.kafkaChanges == 1 && first.statusWritten)
            let stored = try await Self.read(api, "alice")
            #expect(stored.metadata.finalizers == [UserReconciler.finalizer])
            #expect(
                stored.status?.state == "created" && stored.status?.acls?.count == 8,
                "\(String(describing: stored.status))")
            #expect(stored.status?.certificateNotAfter != nil)

            // The Secret: Koperator's keys, owned by the user, a leaf openssl verifies against the
            // cluster CA with CN=alice, a PKCS#8 key, the CA Secret's trust bundle.
            let secret = try #require(try await Self.secret(api, "alice-tls"))
            #expect(secret.type == "kubernetes.io/tls")
            #expect(secret.metadata.ownerReferences?.map(\.uid) == [stored.metadata.uid ?? "-"])
            let content = try #require(UserSecret(secret))
            #expect(content.trustPEM == bundle)
            #expect(content.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let files = try TemporaryDirectory(prefix: "kafkauser")
            defer { files.remove() }
            try Data(authority.certificatePEM.utf8).write(to: files.file("ca.pem"))
            try Data(content.certificateChainPEM.utf8).write(to: files.file("tls.crt"))
            try Data(content.privateKeyPEM.utf8).write(to: files.file("tls.key"))
            let verified = try await runOffPool(
                "openssl", ["verify", "-CAfile", files.file("ca.pem").path, files.file("tls.crt").path])
            #expect(
                verified.status == 0 && verified.stdout.contains("OK"), "\(verified.stdout)\(verified.stderr)"
            )
            let subject = try await runOffPool(
                "openssl",
                ["x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", files.file("tls.crt").path])
            #expect(subject.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "subject=CN=alice")
            let key = try await runOffPool("openssl", ["pkey", "-noout", "-in", files.file("tls.key").path])
            #expect(key.status == 0, "\(key.stderr)")

            // The ACLs, as Koperator grants read and write.
            #expect(
                try await Self.acls(client, "alice") == [
                    Self.binding(.topic, "orders", .describe),
                    Self.binding(.topic, "orders", .describeConfigs),
                    Self.binding(.topic, "orders", .read), Self.binding(.group, "*", .read),
                    Self.binding(.topic, "events-", .describe, .prefixed),
                    Self.binding(.topic, "events-", .describeConfigs, .prefixed),
                    Self.binding(.topic, "events-", .write, .prefixed),
                    Self.binding(.topic, "events-", .create, .prefixed),
                ])

            // A second pass writes nothing: the certificate is kept, the ACLs are there.
            let second = try await reconciler.reconcile(namespace: "kafka", name: "alice")
            #expect(second.isQuiet, "\(second)")
            #expect(try await Self.secret(api, "alice-tls")?.data == secret.data)

            // The write grant taken away: its ACLs go, the read ones stay.
            var edited = try await Self.read(api, "alice")
            edited.spec.topicGrants = [.init(topicName: "orders", accessType: "read")]
            _ = try await api.client.update(edited)
            let revoked = try await reconciler.reconcile(namespace: "kafka", name: "alice")
            #expect(revoked.kafkaChanges == 1)
            #expect(
                try await Self.acls(client, "alice") == [
                    Self.binding(.topic, "orders", .describe),
                    Self.binding(.topic, "orders", .describeConfigs),
                    Self.binding(.topic, "orders", .read), Self.binding(.group, "*", .read),
                ])
            #expect(try await Self.read(api, "alice").status?.acls?.count == 4)
            let reasons = try await Self.reasons(api, about: "alice")
            for reason in ["CertificateIssued", "AclsCreated", "AclsDeleted"] {
                #expect(reasons.contains(reason), "\(reasons)")
            }

            // Deleted: the ACLs go, then the finalizer and the object.
            try await api.client.delete(.kafkaUsers, namespace: "kafka", name: "alice")
            let deleted = try await reconciler.reconcile(namespace: "kafka", name: "alice")
            #expect(deleted.gone && deleted.kafkaChanges == 1)
            #expect(try await Self.acls(client, "alice").isEmpty)
            await #expect(throws: KubernetesError.self) { try await Self.read(api, "alice") }
        }
    }

    @Test func aCertificateIsRenewedInsideTheRenewalWindowAndNotBefore() async throws {
        try await withAuthorizingBrokers { server in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let start = Date()
            let authority = try CertificateAuthority.create(commonName: "kafka-ca", now: start)
            try await Self.installCA(api, authority)
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            _ = try await api.client.create(Self.user("bob"))
            _ = try await Self.reconciler(api, client).reconcile(namespace: "kafka", name: "bob")
            let issued = try #require(try await Self.secret(api, "bob-tls")?.data)
            #expect(Secret.text(base64: issued["ca.crt"] ?? "") == authority.certificatePEM)

            // 59 days into the 90: kept. 61 days in, 29 before expiry: renewed.
            let kept = try await Self.reconciler(api, client, now: { start.addingTimeInterval(59 * 86_400) })
                .reconcile(namespace: "kafka", name: "bob")
            #expect(!kept.secretWritten)
            let renewed = try await Self.reconciler(
                api, client, now: { start.addingTimeInterval(61 * 86_400) }
            )
            .reconcile(namespace: "kafka", name: "bob")
            #expect(renewed.secretWritten)
            let data = try #require(try await Self.secret(api, "bob-tls")?.data)
            #expect(data["tls.crt"] != issued["tls.crt"] && data["tls.key"] != issued["tls.key"])
            #expect(try await Self.reasons(api, about: "bob").contains("CertificateRenewed"))
        }
    }

    @Test func aMissingClusterOrCAOrAForeignSecretIsSaidAndChangesNothing() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        let reconciler = UserReconciler(
            api: api.client,
            kafka: { _ in
                Issue.record("Kafka was asked")
                return nil
            })

        _ = try await api.client.create(Self.user("orphan", cluster: "nowhere"))
        let orphan = try await reconciler.reconcile(namespace: "kafka", name: "orphan")
        #expect(orphan.requeueAfter != nil && !orphan.secretWritten)
        var stored = try await Self.read(api, "orphan")
        #expect(
            stored.status?.state == "pending"
                && stored.status?.message == "KafkaCluster kafka/nowhere does not exist")
        #expect(stored.metadata.finalizers == nil)
        #expect(try await Self.reasons(api, about: "orphan") == ["ClusterNotFound"])
        // Said once per generation.
        _ = try await reconciler.reconcile(namespace: "kafka", name: "orphan")
        #expect(try await Self.reasons(api, about: "orphan") == ["ClusterNotFound"])

        // The cluster names a CA Secret that is not there.
        try await api.modify {
            $0.spec.listenersConfig?.sslSecrets = .object([("tlsSecretName", .string(Self.caSecret))])
        }
        _ = try await api.client.create(Self.user("carol"))
        _ = try await reconciler.reconcile(namespace: "kafka", name: "carol")
        stored = try await Self.read(api, "carol")
        #expect(
            stored.status?.state == "pending"
                && stored.status?.message == "the cluster CA Secret kafka/kafka-ca does not exist")
        #expect(stored.metadata.finalizers == nil)
        #expect(try await Self.secret(api, "carol-tls") == nil)
        #expect(try await Self.reasons(api, about: "carol") == ["CASecretNotFound"])

        // A Secret of that name that is someone else's is left alone.
        _ = try await api.client.create(
            Secret(
                metadata: ObjectMeta(name: Self.caSecret, namespace: "kafka"),
                data: ["caCert": "bm90IGEgY2VydA=="]))
        let foreign = Secret(
            metadata: ObjectMeta(name: "dave-tls", namespace: "kafka"), type: "Opaque", data: ["x": "eQ=="])
        _ = try await api.client.create(foreign)
        _ = try await api.client.create(Self.user("dave"))
        _ = try await reconciler.reconcile(namespace: "kafka", name: "dave")
        stored = try await Self.read(api, "dave")
        #expect(stored.status?.state == "refused")
        #expect(
            stored.status?.message?.hasPrefix("the cluster's CA Secret kafka/kafka-ca cannot sign") == true,
            "\(String(describing: stored.status))")
        #expect(try await Self.reasons(api, about: "dave") == ["InvalidCA"])
        try await api.client.delete(.secrets, namespace: "kafka", name: Self.caSecret)
        try await Self.installCA(api, try CertificateAuthority.create(commonName: "kafka-ca", now: Date()))
        _ = try await reconciler.reconcile(namespace: "kafka", name: "dave")
        stored = try await Self.read(api, "dave")
        #expect(
            stored.status?.state == "refused"
                && stored.status?.message?.contains("does not belong to this KafkaUser") == true)
        #expect(try await Self.secret(api, "dave-tls")?.data == foreign.data)
        #expect(stored.metadata.finalizers == nil)
    }

    @Test func aGrantKafkaCannotCreateIsRefusedBeforeAnythingIsMade() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        let reconciler = UserReconciler(
            api: api.client,
            kafka: { _ in
                Issue.record("Kafka was asked")
                return nil
            })
        _ = try await api.client.create(
            Self.user("erin", grants: [.init(topicName: "orders", accessType: "read", patternType: "match")]))
        _ = try await reconciler.reconcile(namespace: "kafka", name: "erin")
        let stored = try await Self.read(api, "erin")
        #expect(
            stored.status?.state == "refused"
                && stored.status?.message
                    == "spec.topicGrants[0].patternType match only selects ACLs, Kafka creates none with it; use literal or prefixed"
        )
        #expect(stored.metadata.finalizers == nil)
        #expect(try await Self.secret(api, "erin-tls") == nil)
        #expect(try await Self.reasons(api, about: "erin") == ["InvalidSpec"])
    }

    @Test func brokersWithoutAnAuthorizerAreRefusalsThatSayHowToConfigureOne() async throws {
        try await withSimulatedBrokers { server, _ in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            try await Self.installCA(
                api, try CertificateAuthority.create(commonName: "kafka-ca", now: Date()))
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            _ = try await api.client.create(
                Self.user("frank", grants: [.init(topicName: "orders", accessType: "write")]))
            let result = try await Self.reconciler(api, client).reconcile(namespace: "kafka", name: "frank")
            #expect(result.kafkaChanges == 0 && result.requeueAfter != nil)
            let status = try await Self.read(api, "frank").status
            #expect(status?.state == "refused")
            #expect(status?.message?.contains("SECURITY_DISABLED") == true)
            #expect(
                status?.message?.contains("set authorizer.class.name") == true, "\(status?.message ?? "")")
            #expect(try await Self.reasons(api, about: "frank").contains("KafkaRefused"))

            // Deleting it lets it go: without an authorizer Kafka holds no ACLs to delete.
            try await api.client.delete(.kafkaUsers, namespace: "kafka", name: "frank")
            let deleted = try await Self.reconciler(api, client).reconcile(namespace: "kafka", name: "frank")
            #expect(deleted.gone)
        }
    }

    @Test func anUnreachableKafkaWaitsAndKeepsTheFinalizersJob() async throws {
        try await withAuthorizingBrokers { server in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            try await Self.installCA(
                api, try CertificateAuthority.create(commonName: "kafka-ca", now: Date()))
            let client = try KafkaProtocolAdminClient(
                bootstrap: server.bootstrap, options: KafkaAdminOptions(callTimeout: .seconds(2)))
            let reconciler = Self.reconciler(api, client)
            _ = try await api.client.create(
                Self.user("grace", grants: [.init(topicName: "orders", accessType: "read")]))
            _ = try await reconciler.reconcile(namespace: "kafka", name: "grace")
            #expect(try await Self.acls(client, "grace").count == 4)

            await server.stopAll()
            try await api.client.delete(.kafkaUsers, namespace: "kafka", name: "grace")
            let waiting = try await reconciler.reconcile(namespace: "kafka", name: "grace")
            #expect(!waiting.gone && waiting.requeueAfter != nil)
            let stored = try await Self.read(api, "grace")
            #expect(stored.metadata.finalizers == [UserReconciler.finalizer])
            #expect(stored.status?.message?.hasPrefix("deleting the ACLs of User:CN=grace failed") == true)
        }
    }
}

/// The simulated brokers with the standard authorizer in their `server.properties`, so they
/// answer the ACL APIs; the operator's plaintext client (`User:ANONYMOUS`) is a super user, as
/// Kafka needs it to be to manage ACLs over a plaintext listener.
func withAuthorizingBrokers<T>(_ body: (SimulatedBrokerServer) async throws -> T) async throws -> T {
    let cluster = try ExampleCluster.cluster(now: WallClock().nowMilliseconds())
    let simulation = ClusterSimulation(cluster: cluster, clock: WallClock())
    let kafka = SimulatedKafka(simulation: simulation)
    for id in cluster.brokerIDs {
        await kafka.setServerProperties(
            broker: id,
            """
            node.id=\(id)
            log.dirs=\(cluster.brokers[id]?.logDirs.joined(separator: ",") ?? "/kafka-logs")
            \(UserReconcilerTests.authorizer)
            super.users=User:ANONYMOUS
            """)
    }
    let server = SimulatedBrokerServer(kafka: kafka)
    do {
        for id in cluster.brokerIDs { _ = try await server.start(broker: id) }
        let result = try await body(server)
        await server.stopAll()
        return result
    } catch {
        await server.stopAll()
        throw error
    }
}
