import ClusterModel
import Foundation
import JSON
import KafkaProtocol
import Kubernetes
import LocalKafka
import PKI
import TestSupport
import Testing

@testable import Reconciler

/// The cluster's TLS material against the local cluster, every certificate checked by the
/// openssl CLI: the operator's own CA and the certificates it signs, a CA the user brings, and
/// renewal ahead of expiry without a broker restart.
@Suite(.enabled(if: Peer.available("openssl"), "needs the openssl CLI"))
struct ClusterCertificatesTests {
    /// The example with its inter-broker listener on TLS and the cluster CA in `ca`.
    static func withSSL(_ api: ReconcilerCluster, ca: String = "kafka-ca", create: Bool = true) async throws {
        try await api.modify {
            $0.spec.listenersConfig?.internalListeners?[0].type = "ssl"
            $0.spec.listenersConfig?.sslSecrets = .object([
                ("tlsSecretName", .string(ca)), ("create", .bool(create)),
            ])
        }
    }

    static func secret(_ api: ReconcilerCluster, _ name: String) async throws -> Secret? {
        try await api.client.list(Secret.self, namespace: api.namespace).items.first { $0.name == name }
    }

    /// `openssl` on `inputs` written to files in `directory` (named by their keys).
    static func openssl(_ arguments: [String], files: [String: String], in directory: TemporaryDirectory)
        throws -> ProcessOutput
    {
        for (name, text) in files { try Data(text.utf8).write(to: directory.file(name)) }
        return try runProcess(
            "openssl", arguments.map { files[$0] != nil ? directory.file($0).path : $0 })
    }

    @Test func theOperatorsCASignsTheBrokersAndItsOwnCertificateOnce() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        let directory = try TemporaryDirectory(prefix: "certificates")
        defer { directory.remove() }
        try await Self.withSSL(api)
        let first = try await api.reconcile()
        #expect(try await api.eventReasons().contains("CertificateIssued"))
        let ca = try #require(try await Self.secret(api, "kafka-ca"))
        let server = try #require(try await Self.secret(api, "kafka-server-certificate"))
        let controller = try #require(try await Self.secret(api, "kafka-controller"))
        #expect(server.type == "kubernetes.io/tls")
        #expect(Set(server.data?.keys ?? [:].keys) == ["tls.crt", "tls.key", "ca.crt", "keystore.pem"])
        #expect(
            ca.metadata.ownerReferences?.first?.kind == "KafkaCluster",
            "the CA it created goes with the cluster")
        let files = [
            "ca.pem": try #require(ca.text("caCert")), "server.pem": try #require(server.text("tls.crt")),
            "controller.pem": try #require(controller.text("tls.crt")),
            "keystore.pem": try #require(server.text("keystore.pem")),
        ]
        for leaf in ["server.pem", "controller.pem"] {
            let verified = try Self.openssl(
                ["verify", "-CAfile", "ca.pem", leaf], files: files, in: directory)
            #expect(verified.status == 0, "\(leaf): \(verified.stdout) \(verified.stderr)")
        }
        let text = try Self.openssl(
            ["x509", "-in", "server.pem", "-noout", "-text"], files: files, in: directory
        )
        .stdout
        for name in [
            "DNS:kafka-0.kafka-headless.kafka.svc.cluster.local",
            "DNS:*.kafka-headless.kafka.svc.cluster.local",
            "TLS Web Server Authentication", "TLS Web Client Authentication",
        ] {
            #expect(text.contains(name), "\(name) missing: \(text)")
        }
        let subject = try Self.openssl(
            ["x509", "-in", "controller.pem", "-noout", "-subject"], files: files, in: directory
        ).stdout
        #expect(
            subject.contains("CN=kafka-controller") || subject.contains("CN = kafka-controller"), "\(subject)"
        )
        // The keystore Kafka reads holds the key and the chain, and openssl reads both.
        let key = try Self.openssl(["pkey", "-in", "keystore.pem", "-noout"], files: files, in: directory)
        #expect(key.status == 0, "\(key.stderr)")

        // The brokers read it from the mounted Secret; the operator is a super user.
        for configMap in try await api.objects(.configMaps) {
            guard configMap["metadata"]?["labels"]?["brokerId"] != nil,
                let text = configMap["data"]?[ResourceConventions.brokerConfigKey]?.text
            else { continue }
            let properties = BrokerProperties.parse(text)
            #expect(properties["listener.security.protocol.map"]?.contains("INTERNAL:SSL") == true)
            #expect(properties["listener.name.internal.ssl.keystore.type"] == "PEM")
            #expect(
                properties["listener.name.internal.ssl.keystore.location"]
                    == "/var/run/secrets/kafka/ssl/keystore.pem")
            #expect(
                properties["listener.name.internal.ssl.truststore.location"]
                    == "/var/run/secrets/kafka/ssl/ca.crt")
            #expect(properties["listener.name.internal.ssl.client.auth"] == "required")
            #expect(properties["super.users"] == "User:CN=kafka-controller;User:CN=kafka.kafka")
            #expect(!text.contains("PRIVATE KEY"), "no key is inlined into the ConfigMap")
        }
        let pods = try await api.client.list(Pod.self, namespace: api.namespace).items
        #expect(pods.count == 2)
        #expect(
            pods.allSatisfy { pod in
                pod.spec?.volumes?.contains { $0.secret?.secretName == "kafka-server-certificate" } == true
            })
        let status = try #require(try await api.document().cluster.status)
        #expect(
            Set(status.certificateExpiry?.keys ?? [:].keys) == [
                "kafka-ca", "kafka-server-certificate", "kafka-controller",
            ])
        #expect(status.certificateProblems == nil)
        #expect(first.created >= 3)

        // Nothing is due: no certificate is issued again.
        let versions = try await [ca, server, controller].asyncMap {
            try await Self.secret(api, $0.name)?.metadata.resourceVersion
        }
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let again = try await api.reconcile()
        #expect(again.created + again.updated + again.deleted == 0, "\(again.steps)")
        #expect(
            try await [ca, server, controller].asyncMap {
                try await Self.secret(api, $0.name)?.metadata.resourceVersion
            }
                == versions)
    }

    /// With Cruise Control beside SSL brokers: its own client certificate, mounted into its pod
    /// and named by its properties; the brokers' metrics reporter shows the broker certificate;
    /// the operator's, the brokers' and Cruise Control's principals are super users beside the
    /// user's own.
    @Test func cruiseControlGetsItsOwnCertificateAndTheReporterSpeaksSSL() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1], cruiseControl: true)
        defer { Task { await api.stop() } }
        let directory = try TemporaryDirectory(prefix: "certificates")
        defer { directory.remove() }
        try await Self.withSSL(api)
        try await api.modify { $0.spec.readOnlyConfig = "super.users=User:CN=admin\n" }
        _ = try await api.reconcile()
        let ca = try #require(try await Self.secret(api, "kafka-ca"))
        let cruiseControl = try #require(try await Self.secret(api, "kafka-cruisecontrol-certificate"))
        #expect(
            Set(cruiseControl.data?.keys ?? [:].keys) == [
                "tls.crt", "tls.key", "ca.crt", "keystore.pem", "keystore.p12", "keystore.password",
            ])
        let files = [
            "ca.pem": try #require(ca.text("caCert")), "cc.pem": try #require(cruiseControl.text("tls.crt")),
        ]
        let verified = try Self.openssl(
            ["verify", "-CAfile", "ca.pem", "cc.pem"], files: files, in: directory)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let text = try Self.openssl(
            ["x509", "-in", "cc.pem", "-noout", "-text"], files: files, in: directory
        )
        .stdout
        #expect(
            text.contains("CN=kafka-cruisecontrol") || text.contains("CN = kafka-cruisecontrol"), "\(text)")
        // A client of the brokers, and the server of the REST API under its Service's names.
        #expect(text.contains("TLS Web Client Authentication") && text.contains("TLS Web Server"), "\(text)")
        #expect(text.contains("DNS:kafka-cruisecontrol-svc.kafka.svc.cluster.local"), "\(text)")
        // Jetty's keystore: the same key and certificate, under the Secret's password.
        let password = try #require(cruiseControl.text("keystore.password"))
        try Data(base64Encoded: try #require(cruiseControl.data?["keystore.p12"]))?.write(
            to: directory.file("cc.p12"))
        let opened = try runProcess(
            "openssl",
            ["pkcs12", "-in", directory.file("cc.p12").path, "-passin", "pass:\(password)", "-nokeys"])
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(
            opened.stdout.filter { !$0.isWhitespace }.contains(
                try #require(cruiseControl.text("tls.crt")).components(separatedBy: "-----END")[0]
                    .filter { !$0.isWhitespace }))

        let configMaps = try await api.objects(.configMaps)
        let ccText = try #require(
            configMaps.first { $0["metadata"]?["name"]?.text == "kafka-cruisecontrol-config" }?["data"]?[
                "cruisecontrol.properties"]?.text)
        let ccProperties = BrokerProperties.parse(ccText)
        #expect(ccProperties["security.protocol"] == "SSL")
        #expect(ccProperties["ssl.keystore.type"] == "PEM")
        #expect(ccProperties["ssl.keystore.location"] == "/var/run/secrets/cruisecontrol/ssl/keystore.pem")
        #expect(ccProperties["ssl.truststore.location"] == "/var/run/secrets/cruisecontrol/ssl/ca.crt")
        #expect(ccProperties["webserver.ssl.enable"] == "true")
        #expect(ccProperties["webserver.ssl.keystore.type"] == "PKCS12")
        #expect(
            ccProperties["webserver.ssl.keystore.location"]
                == "/var/run/secrets/cruisecontrol/ssl/keystore.p12")
        #expect(ccProperties["webserver.ssl.keystore.password"] == "${env:CRUISE_CONTROL_KEYSTORE_PASSWORD}")
        let deployment = try #require(
            try await api.client.list(Deployment.self, namespace: api.namespace).items.first {
                $0.name == "kafka-cruisecontrol"
            })
        let pod = try #require(deployment.spec?.template.spec)
        let volume = try #require(
            pod.volumes?.first { $0.secret?.secretName == "kafka-cruisecontrol-certificate" })
        #expect(
            pod.containers.first?.volumeMounts?.contains {
                $0.name == volume.name && $0.mountPath == "/var/run/secrets/cruisecontrol/ssl"
                    && $0.readOnly == true
            } == true)
        let variable = pod.containers.first?.env?.first { $0.name == "CRUISE_CONTROL_KEYSTORE_PASSWORD" }
        #expect(variable?.valueFrom?["secretKeyRef"]?["name"]?.text == "kafka-cruisecontrol-certificate")
        #expect(variable?.valueFrom?["secretKeyRef"]?["key"]?.text == "keystore.password")
        #expect(variable?.value == nil, "the password is never written into the Deployment")

        for configMap in configMaps where configMap["metadata"]?["labels"]?["brokerId"] != nil {
            let properties = BrokerProperties.parse(
                try #require(configMap["data"]?[ResourceConventions.brokerConfigKey]?.text))
            #expect(
                properties["super.users"]
                    == "User:CN=admin;User:CN=kafka-controller;User:CN=kafka.kafka;User:CN=kafka-cruisecontrol"
            )
            #expect(properties["cruise.control.metrics.reporter.security.protocol"] == "SSL")
            #expect(
                properties["cruise.control.metrics.reporter.ssl.keystore.location"]
                    == "/var/run/secrets/kafka/ssl/keystore.pem")
            #expect(
                properties["cruise.control.metrics.reporter.ssl.truststore.location"]
                    == "/var/run/secrets/kafka/ssl/ca.crt")
        }
    }

    /// Cruise Control's keystore is written once: a pass with nothing changed leaves its Secret
    /// alone (a new keystore's bytes would differ, its salts being random). A spec that turns
    /// HTTPS off gets plain HTTP, and the operator reaches it so.
    @Test func cruiseControlsKeystoreIsStableAndHTTPSCanBeTurnedOff() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1], cruiseControl: true)
        defer { Task { await api.stop() } }
        try await Self.withSSL(api)
        _ = try await api.reconcile()
        let first = try #require(try await Self.secret(api, "kafka-cruisecontrol-certificate"))
        let cluster = try await api.document().cluster
        #expect(
            try await OperatorCruiseControlConnection.read(cluster, api: api.client).url
                == "https://kafka-cruisecontrol-svc.kafka.svc.cluster.local:8090")
        // The pod template names the certificate Jetty starts with from the pass that issued it,
        // so the next pass restarts nothing.
        func deployment() async throws -> Deployment? {
            try await api.client.list(Deployment.self, namespace: api.namespace).items.first {
                $0.name == "kafka-cruisecontrol"
            }
        }
        let created = try #require(try await deployment())
        #expect(
            created.spec?.template.metadata?.annotations?["kafka-operator.io/keystore-expiry"]
                == cluster.status?.certificateExpiry?["kafka-cruisecontrol-certificate"])
        _ = try await api.reconcile()
        let second = try #require(try await Self.secret(api, "kafka-cruisecontrol-certificate"))
        #expect(second.metadata.resourceVersion == first.metadata.resourceVersion)
        #expect(try await deployment()?.metadata.generation == created.metadata.generation)

        try await api.modify { cluster in
            let config = cluster.spec.cruiseControlConfig?.config ?? ""
            cluster.spec.cruiseControlConfig?.config = config + "\nwebserver.ssl.enable=false\n"
        }
        // Again at once on a conflict (the kubelet writes the Deployment's status), as the loop does.
        var result = try await api.reconcile()
        for _ in 0..<5 where result.requeueAfter == .zero { result = try await api.reconcile() }
        let properties = CruiseControlProperties(
            cluster: try await api.document().cluster.spec, clusterName: "kafka", namespace: api.namespace)
        #expect(properties.properties["webserver.ssl.enable"] == "false")
        #expect(properties.properties["webserver.ssl.keystore.location"] == nil)
        let plain = try await api.document().cluster
        #expect(
            try await OperatorCruiseControlConnection.read(plain, api: api.client).url.hasPrefix("http://"))
        let plainDeployment = try #require(try await deployment())
        #expect(
            plainDeployment.spec?.template.spec?.containers.first?.env?.contains {
                $0.name == "CRUISE_CONTROL_KEYSTORE_PASSWORD"
            } == false)
    }

    @Test func aCATheUserBringsIsCheckedThenUsed() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        let directory = try TemporaryDirectory(prefix: "byo-ca")
        defer { directory.remove() }
        try await Self.withSSL(api, ca: "our-ca", create: false)
        _ = try await api.reconcile()
        let missing = try #require(try await api.document().cluster.status)
        #expect(missing.certificateProblems?.first?.hasPrefix("Secret our-ca does not exist") == true)
        #expect(try await api.objects(.pods).isEmpty, "no broker starts without its certificate")
        #expect(try await api.eventReasons().contains("CertificatesInvalid"))
        #expect(try await Self.secret(api, "kafka-server-certificate") == nil)

        // A CA made with openssl, but the key of another: refused, by name.
        let made = try runProcess(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=our-ca",
                "-keyout", directory.file("ca.key").path, "-out", directory.file("ca.crt").path,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        let other = try runProcess(
            "openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let certificate = try String(contentsOf: directory.file("ca.crt"), encoding: .utf8)
        let key = try String(contentsOf: directory.file("ca.key"), encoding: .utf8)
        func write(key: String) async throws {
            var secret = Secret(
                metadata: ObjectMeta(name: "our-ca", namespace: api.namespace), type: "Opaque",
                data: [
                    "caCert": Data(certificate.utf8).base64EncodedString(),
                    "caKey": Data(key.utf8).base64EncodedString(),
                ])
            if let current = try await Self.secret(api, "our-ca") {
                secret.metadata.resourceVersion = current.metadata.resourceVersion
                _ = try await api.client.update(secret)
            } else {
                _ = try await api.client.create(secret)
            }
        }
        try await write(key: other.stdout)
        _ = try await api.reconcile()
        let mismatched = try #require(try await api.document().cluster.status?.certificateProblems)
        #expect(mismatched.contains { $0.contains("our-ca") && $0.contains("key") }, "\(mismatched)")
        #expect(try await api.objects(.pods).isEmpty)

        try await write(key: key)
        _ = try await api.reconcile()
        #expect(try await api.document().cluster.status?.certificateProblems == nil)
        let server = try #require(try await Self.secret(api, "kafka-server-certificate"))
        let files = ["ca.pem": certificate, "server.pem": try #require(server.text("tls.crt"))]
        let verified = try Self.openssl(
            ["verify", "-CAfile", "ca.pem", "server.pem"], files: files, in: directory)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(try await api.objects(.pods).count == 2)
        #expect(
            try await Self.secret(api, "our-ca")?.metadata.ownerReferences == nil,
            "the user's Secret stays theirs")
    }

    /// A CA the user brings that expires within 30 days is still used, and a Warning says when
    /// it must be replaced (the operator renews only what it issued), once.
    @Test func aUsersCAThatExpiresSoonIsUsedAndWarnedAbout() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        let authority = try CertificateAuthority.create(
            commonName: "short-lived", validity: .seconds(365 * 86_400),
            now: Date().addingTimeInterval(-340 * 86_400))
        _ = try await api.client.create(
            Secret(
                metadata: ObjectMeta(name: "our-ca", namespace: api.namespace), type: "Opaque",
                data: [
                    "caCert": Data(authority.certificatePEM.utf8).base64EncodedString(),
                    "caKey": Data(authority.privateKeyPEM.utf8).base64EncodedString(),
                ]))
        try await Self.withSSL(api, ca: "our-ca", create: false)
        _ = try await api.reconcile()
        _ = try await api.reconcile()
        #expect(try await api.document().cluster.status?.certificateProblems == nil)
        #expect(try await Self.secret(api, "kafka-server-certificate") != nil)
        #expect(try await api.eventReasons().filter { $0 == "CertificateExpiring" }.count == 1)
    }

    /// A certificate inside its renewal window (30 days) is issued again from the same CA; the
    /// brokers' pods stay, since the Secret's name, all their spec names, is unchanged.
    @Test func aCertificateDueForRenewalIsReissuedWithoutARestart() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await api.stop() } }
        try await Self.withSSL(api)
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let pods = Set(try await api.names(.pods))
        let aging = try await Self.ageServerCertificate(api)

        _ = try await api.reconcile()
        let renewed = try #require(try await Self.secret(api, "kafka-server-certificate"))
        let leaf = try ParsedCertificate(pem: try #require(renewed.text("tls.crt")))
        #expect(leaf.notValidAfter > Date().addingTimeInterval(300 * 86_400), "\(leaf.notValidAfter)")
        #expect(leaf.notValidAfter != aging.notValidAfter)
        #expect(Set(try await api.names(.pods)) == pods, "no broker restarted for a renewed certificate")
        let expiry = try #require(
            try await api.document().cluster.status?.certificateExpiry?["kafka-server-certificate"])
        #expect(
            UTCTimestamp.milliseconds(of: expiry).map { $0 / 1_000 }
                == Int64(leaf.notValidAfter.timeIntervalSince1970))
    }
}

extension ClusterCertificatesTests {
    /// Replaces the brokers' certificate with one from the same CA that expires in 25 days.
    static func ageServerCertificate(_ api: ReconcilerCluster) async throws -> IssuedCertificate {
        let ca = try #require(try await secret(api, "kafka-ca"))
        let authority = try CertificateAuthority(
            certificatePEM: try #require(ca.text("caCert")), privateKeyPEM: try #require(ca.text("caKey")))
        var server = try #require(try await secret(api, "kafka-server-certificate"))
        let planner = ClusterCertificates(
            cluster: "kafka", namespace: api.namespace, spec: try await api.document().cluster.spec,
            owner: ResourceConventions.ownerReference(cluster: "kafka", uid: "unused"), externalHosts: [])
        let aging = try authority.issue(planner.serverRequest, now: Date().addingTimeInterval(-340 * 86_400))
        server.data?["tls.crt"] = Data(aging.chainPEM.utf8).base64EncodedString()
        server.data?["tls.key"] = Data(aging.privateKeyPEM.utf8).base64EncodedString()
        _ = try await api.client.update(server)
        return aging
    }
}

/// A renewed brokers' certificate is loaded without a restart: each broker is asked to reload
/// its keystore (IncrementalAlterConfigs on the listener's `ssl.keystore.location`, the same
/// path), here the simulated brokers through the operator's own Kafka client.
@Suite(.enabled(if: Peer.available("openssl"), "needs the openssl CLI"))
struct KeystoreReloadTests {
    @Test func everyBrokerIsAskedToReloadAfterARenewal() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await ClusterCertificatesTests.withSSL(harness.api)
            try await harness.configuringPasses(harness.kafka)
            try await harness.api.waitUntilSettled()
            try await harness.configuringPasses(harness.kafka)
            let key = "listener.name.internal.ssl.keystore.location"
            func dynamic(_ broker: Int32) async throws -> String? {
                try await harness.kafka.describeConfigs(broker: broker).first {
                    $0.name == key && $0.sourceCode == ConfigEntry.Source.dynamicBroker.rawValue
                }?.value
            }
            #expect(try await dynamic(0) == nil, "nothing is reloaded before a renewal")
            #expect(try await harness.api.document().cluster.status?.keystoreReloadUntil == nil)

            _ = try await ClusterCertificatesTests.ageServerCertificate(harness.api)
            try await harness.configuringPass(harness.kafka)
            let until = try #require(try await harness.api.document().cluster.status?.keystoreReloadUntil)
            #expect(UTCTimestamp.milliseconds(of: until).map { $0 > UTCTimestamp.nowMilliseconds() } == true)
            for broker in await harness.simulation.snapshot().brokerIDs {
                #expect(
                    try await dynamic(broker) == "/var/run/secrets/kafka/ssl/keystore.pem", "broker \(broker)"
                )
            }
        }
    }
}

/// Where Kafka cannot take a renewed keystore live (a certificate naming another subject, or
/// other SANs on a Kafka before 3.7), the broker that refuses the reload is restarted instead,
/// through the health-gated rolling upgrade, and no other broker is.
@Suite(.enabled(if: Peer.available("openssl"), "needs the openssl CLI"))
struct KeystoreRestartTests {
    @Test func aBrokerThatRefusesTheReloadRestartsAndNoOtherDoes() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await ClusterCertificatesTests.withSSL(harness.api)
            try await harness.configuringPasses(harness.kafka)
            try await harness.api.waitUntilSettled()
            try await harness.configuringPasses(harness.kafka)

            // Broker 1 serves its internal listener from files whose next certificate names
            // another subject: Kafka refuses to reload such a keystore.
            let keystore = "/var/run/secrets/kafka/ssl/keystore.pem"
            let ca = try CertificateAuthority.create(commonName: "cluster-ca", now: Date())
            let served = try ca.issue(
                CertificateRequest(commonName: "kafka.kafka", usage: .server), now: Date())
            let files = MountedFiles([keystore: served.keystorePEM])
            harness.brokers.kafka.listenerTLS.register(
                broker: 1,
                try ReloadableListenerTLS(
                    listener: "internal",
                    tls: ListenerTLS(keystore: .file(keystore), truststore: nil, clientAuthentication: .none),
                    readFile: files.read))
            let renamed = try ca.issue(
                CertificateRequest(commonName: "someone-else", usage: .server), now: Date())
            files.write(keystore, renamed.keystorePEM)
            let before = try await Self.podNames(harness.api)

            _ = try await ClusterCertificatesTests.ageServerCertificate(harness.api)
            try await harness.configuringPass(harness.kafka)
            let status = try #require(try await harness.api.document().cluster.status)
            let renewal = try #require(status.keystoreReloadUntil)
            #expect(status.brokersState?["1"]?.keystoreRestart == renewal)
            #expect(status.brokersState?["0"]?.keystoreRestart == nil)
            #expect(status.brokersState?["2"]?.keystoreRestart == nil)
            let warning = try await harness.api.events().first {
                $0["reason"]?.text == "KeystoreReloadRefused"
            }
            #expect(warning?["type"]?.text == "Warning")
            #expect(
                warning?["message"]?.text?.contains("Broker 1 ") == true, "\(String(describing: warning))")

            // The rolling upgrade replaces broker 1's pod, carrying the renewal it restarts for.
            var after = before
            for _ in 0..<10 where after[1] == before[1] {
                try await harness.configuringPass(harness.kafka)
                try await harness.api.waitUntilSettled()
                after = try await Self.podNames(harness.api)
            }
            #expect(after[1] != before[1])
            #expect(after[0] == before[0] && after[2] == before[2], "\(before) → \(after)")
            let pod = try #require(
                try await harness.api.client.list(Pod.self, namespace: harness.api.namespace).items.first {
                    $0.name == after[1]
                })
            #expect(pod.metadata.annotations?[ResourceConventions.keystoreRestartAnnotation] == renewal)
            #expect(
                try await harness.api.eventReasons().filter { $0 == "KeystoreReloadRefused" }.count == 1,
                "one Warning per renewal, however many passes ask again")
        }
    }

    /// Each broker's pod name (they change when a pod is replaced).
    static func podNames(_ api: ReconcilerCluster) async throws -> [Int32: String] {
        var names: [Int32: String] = [:]
        for pod in try await api.client.list(Pod.self, namespace: api.namespace).items
        where pod.metadata.deletionTimestamp == nil {
            if let id = pod.metadata.labels?[ResourceConventions.brokerLabel].flatMap(Int32.init) {
                names[id] = pod.name
            }
        }
        return names
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
