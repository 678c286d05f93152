import AddressResolution
import ClusterTestSupport
import Foundation
import JSON
import KafkaAdmin
import PKI
import TestSupport
import Testing

/// A cluster whose brokers' client-facing listener is SSL, in local mode: the operator issues
/// its own CA and certificates, the simulated brokers serve that listener with TLS only, and
/// the operator still reaches Kafka, with its own client certificate for the cluster. A
/// KafkaUser gets its ACL through that client, and its Secret lets the user in to see what
/// the ACL grants.
@Suite(.serialized) struct OperatorTLSTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    /// The example with both internal listeners SSL and a CA the operator creates.
    static func sslManifest() throws -> String {
        var manifest = try String(contentsOfFile: example, encoding: .utf8)
        manifest = manifest.replacingOccurrences(
            of: "      - type: plaintext\n        name: internal",
            with: "      - type: ssl\n        name: internal")
        manifest = manifest.replacingOccurrences(
            of: "      - type: plaintext\n        name: controller",
            with: "      - type: ssl\n        name: controller")
        manifest = manifest.replacingOccurrences(
            of: "  listenersConfig:\n",
            with: "  listenersConfig:\n    sslSecrets:\n      tlsSecretName: kafka-ca\n      create: true\n")
        // With an authorizer Kafka keeps ACLs; the operator's certificate is a super user.
        manifest = manifest.replacingOccurrences(
            of: "\n  readOnlyConfig: |\n",
            with:
                "\n  readOnlyConfig: |\n    authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n"
        )
        return manifest
    }

    static let aliceUser = """
        {"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaUser",
         "metadata":{"name":"alice","namespace":"kafka"},
         "spec":{"clusterRef":{"name":"kafka"},"secretName":"alice-tls",
                 "topicGrants":[{"topicName":"orders","accessType":"read"}]}}
        """

    /// Creates the KafkaUser `alice` through the local cluster's API.
    static func createAlice(_ server: OperatorProcess) throws {
        let posted = try runProcess(
            "curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Content-Type: application/json", "--data-binary", aliceUser,
                server.localCluster + "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers",
            ])
        #expect(posted.stdout == "201", "\(posted.stdout) \(posted.stderr)")
    }

    /// Prints the topics Metadata shows a client through `bootstrap` over SSL (CA file, then an
    /// optional certificate and key), as JSON; an error ends it with status 1.
    static let listTopics = """
        import json, sys
        from confluent_kafka.admin import AdminClient
        config = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SSL',
                  'ssl.ca.location': sys.argv[2], 'socket.timeout.ms': 5000}
        if len(sys.argv) > 3:
            config.update({'ssl.certificate.location': sys.argv[3], 'ssl.key.location': sys.argv[4]})
        try:
            metadata = AdminClient(config).list_topics(timeout=8)
        except Exception as error:
            print(json.dumps({'error': str(error)}))
            sys.exit(1)
        print(json.dumps({
            'topics': sorted(metadata.topics),
            'brokers': sorted('%s:%d' % (b.host, b.port) for b in metadata.brokers.values()),
        }))
        """

    /// A client outside the cluster: the SSL cluster with an SSL external listener behind Envoy.
    /// The operator renders Envoy's configuration and the local cluster gives its LoadBalancer
    /// a loopback address; real Envoy runs that configuration in front of the simulated
    /// brokers' external sockets. confluent-kafka with a KafkaUser's Secret sees exactly the
    /// topic its grant names, at the addresses Envoy serves; without a certificate it is refused.
    @Test(
        .enabled(if: Peer.available("curl") && Peer.available("envoy") && Peer.available("python3")))
    func aKafkaUsersSecretLetsConfluentKafkaInThroughEnvoy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = Int(freeLoopbackPortBlock(count: 3))
        let anyCast = Int(freeLoopbackPort())
        var text = try Self.sslManifest()
        text = text.replacingOccurrences(
            of: "    # External listeners (externalListeners)",
            with: """
                    externalListeners:
                      - type: ssl
                        name: external
                        containerPort: 9094
                        externalStartingPort: \(base)
                        ingressControllerTargetPort: \(anyCast)
                    # External listeners (externalListeners)
                """)
        text = text.replacingOccurrences(
            of: "  envoyConfig:\n",
            with:
                "  envoyConfig:\n    adminPort: \(freeLoopbackPort())\n    healthCheckPort: \(freeLoopbackPort())\n"
        )
        let manifest = directory.file("ssl-external.yaml")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")

        // Each simulated broker's external listener socket, as the log names it.
        var sockets: [String: Int] = [:]
        let listening = await waitUntil(timeout: .seconds(30)) {
            sockets = Self.externalSockets(in: server.process.log)
            return sockets.count == 3
        }
        try #require(listening, "\(server.process.log)")
        sockets["all-brokers"] = sockets["broker-0"]

        try Self.createAlice(server)
        var files: [String: String] = [:]
        let issued = await waitUntil(timeout: .seconds(30)) {
            guard let secret = try? server.api("/api/v1/namespaces/kafka/secrets/alice-tls"),
                let data = secret["data"] as? [String: String]
            else { return false }
            for key in ["ca.crt", "tls.crt", "tls.key"] {
                guard let text = data[key].flatMap({ Data(base64Encoded: $0) }) else { return false }
                let path = directory.file(key).path
                guard (try? text.write(to: URL(fileURLWithPath: path))) != nil else { return false }
                files[key] = path
            }
            return true
        }
        try #require(issued, "\(server.process.log)")

        let configMap = try server.api("/api/v1/namespaces/kafka/configmaps/envoy-config-external-kafka")
        let data = try #require(configMap["data"] as? [String: String])
        let bootstrap = try JSONReader.parse(Array(try #require(data["envoy.yaml"]).utf8))
        let envoy = try await EnvoyBootstrapOnLoopback.run(
            bootstrap, upstreams: sockets, in: directory, ports: [anyCast, base, base + 1, base + 2]
        ).get()
        defer { _ = envoy.stop(signal: SIGKILL) }

        // The user's ACL reaches Kafka through the operator a moment after the Secret.
        let expectedBrokers = (0..<3).map { "127.0.0.1:\(base + $0)" }
        var answer = ""
        let seen = await waitUntil(timeout: .seconds(30)) {
            let output = try? await runOffPool(
                "python3",
                [
                    "-c", Self.listTopics, "127.0.0.1:\(anyCast)", files["ca.crt"]!, files["tls.crt"]!,
                    files["tls.key"]!,
                ])
            answer = output?.stdout ?? ""
            return answer.contains("\"topics\": [\"orders\"]")
        }
        #expect(seen, "\(answer) \(server.process.log)")
        let result = try JSONReader.parse(Array(answer.utf8))
        #expect(result["brokers"] == .array(expectedBrokers.map { .string($0) }), "\(answer)")
        for port in base..<(base + 3) {
            let direct = try await runOffPool(
                "python3",
                [
                    "-c", Self.listTopics, "127.0.0.1:\(port)", files["ca.crt"]!, files["tls.crt"]!,
                    files["tls.key"]!,
                ])
            #expect(direct.stdout.contains("\"topics\": [\"orders\"]"), "port \(port): \(direct.stdout)")
        }

        let anonymous = try await runOffPool(
            "python3", ["-c", Self.listTopics, "127.0.0.1:\(anyCast)", files["ca.crt"]!])
        #expect(anonymous.status == 1 && !anonymous.stdout.contains("topics"), "\(anonymous.stdout)")
    }

    /// Cruise Control on an SSL cluster serves its REST API over HTTPS with the certificate the
    /// operator issues it (a PKCS#12 keystore, the password through its environment), which
    /// curl verifies against the cluster CA under the Service's name; plain HTTP gets no
    /// answer; and the operator drives an upscale's add_broker through it with its own client.
    @Test(.enabled(if: Peer.available("curl")))
    func cruiseControlServesHTTPSAndTheOperatorScalesThroughIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = directory.file("ssl-cluster.yaml")
        try Self.sslManifest().write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path, "--cooldown", "0"], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")
        let port = try #require(Self.cruiseControlPort(in: server.process.log), "\(server.process.log)")
        let controller = try #require(
            try server.api("/api/v1/namespaces/kafka/secrets/kafka-controller")["data"] as? [String: String])
        let caFile = directory.file("ca.crt")
        try #require(controller["ca.crt"].flatMap { Data(base64Encoded: $0) }).write(to: caFile)

        let host = "kafka-cruisecontrol-svc.kafka.svc.cluster.local"
        let curl = ["-sS", "--max-time", "5", "--resolve", "\(host):\(port):127.0.0.1"]
        var answer: ProcessOutput?
        let secure = await waitUntil(timeout: .seconds(30)) {
            answer = try? runProcess(
                "curl",
                curl + [
                    "--cacert", caFile.path, "https://\(host):\(port)/kafkacruisecontrol/state?json=true",
                ])
            return answer?.status == 0 && answer?.stdout.contains("MonitorState") == true
        }
        #expect(secure, "\(String(describing: answer))\n\(server.process.log)")
        let plain = try runProcess(
            "curl", curl + ["http://\(host):\(port)/kafkacruisecontrol/state?json=true"])
        #expect(plain.status != 0 && !plain.stdout.contains("MonitorState"), "\(plain.stdout)")
        #expect(server.process.log.contains("scheme=https"), "the simulator says it serves HTTPS")

        let added = try server.curl("/alerts", ["--data-binary", ReconcileFlowTests.upScaleAlert])
        #expect(added.body.contains("added broker 3"), "\(added.body)")
        let succeeded = await waitUntil(timeout: .seconds(60)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            let broker = (status?["brokersState"] as? [String: Any])?["3"] as? [String: Any]
            return (broker?["gracefulActionState"] as? [String: Any])?["cruiseControlState"] as? String
                == "GracefulUpscaleSucceeded"
        }
        #expect(succeeded, "\(server.process.log)")
    }

    /// The simulated Cruise Control's port, from the line that announces it.
    static func cruiseControlPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("simulated Kafka and Cruise Control") {
            if let match = line.firstMatch(of: /cruise_control="?https?:\/\/127\.0\.0\.1:(\d+)/) {
                return Int(match.1)
            }
        }
        return nil
    }

    /// Broker name (`broker-<id>`, Envoy's upstream cluster names) → the loopback port of its
    /// EXTERNAL listener socket, from the operator's "simulated broker listener" log lines.
    static func externalSockets(in log: String) -> [String: Int] {
        var sockets: [String: Int] = [:]
        for line in log.split(separator: "\n") where line.contains("simulated broker listener") {
            guard line.contains("listener=EXTERNAL") || line.contains("listener=\"EXTERNAL\""),
                let broker = line.firstMatch(of: /broker="?(\d+)/)?.1,
                let port = line.firstMatch(of: /socket="?127\.0\.0\.1:(\d+)/).flatMap({ Int($0.1) })
            else { continue }
            sockets["broker-\(broker)"] = port
        }
        return sockets
    }

    @Test(.enabled(if: Peer.available("curl") && Peer.available("openssl")))
    func theOperatorReachesAnSSLClusterWithItsOwnCertificateAndAUserGetsIn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = directory.file("ssl-cluster.yaml")
        try Self.sslManifest().write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")

        // The metrics topic exists only if the operator's own client got through the TLS-only
        // socket: it is created through Kafka's admin API.
        let created = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            return status?["cruiseControlTopicStatus"] as? String == "CruiseControlTopicReady"
        }
        #expect(created, "\(server.process.log)")

        // The user's Secret holds a certificate from the cluster CA, and its ACL reached Kafka.
        try Self.createAlice(server)
        let userCreated = await waitUntil(timeout: .seconds(30)) {
            let user = try? server.api(
                "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers/alice")
            return (user?["status"] as? [String: Any])?["state"] as? String == "created"
        }
        let user = try? server.api("/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers/alice")
        #expect(userCreated, "\(String(describing: user?["status"])) \(server.process.log)")
        let secret = try server.api("/api/v1/namespaces/kafka/secrets/alice-tls")
        let data = try #require(secret["data"] as? [String: String])
        var files: [String: String] = [:]
        for key in ["ca.crt", "tls.crt", "tls.key"] {
            let text = try #require(data[key].flatMap { Data(base64Encoded: $0) })
            let path = directory.file(key).path
            try text.write(to: URL(fileURLWithPath: path))
            files[key] = path
        }

        // As Alice, through the brokers' names (mapped to local mode's sockets, as the operator
        // maps them), Kafka shows exactly the topic her grant names: its authorizer holds the
        // ACL the operator created.
        let pem = try files.mapValues { try String(contentsOfFile: $0, encoding: .utf8) }
        var names = AddressMap()
        let domain = "kafka-headless.kafka.svc.cluster.local"
        names.map(
            ServiceAddress(host: domain, port: 29092), to: ServiceAddress(host: "127.0.0.1", port: 19092))
        for id: UInt16 in 0...2 {
            names.map(
                ServiceAddress(host: "kafka-\(id).\(domain)", port: 29092),
                to: ServiceAddress(host: "127.0.0.1", port: 19092 + id))
        }
        let alice = try KafkaProtocolAdminClient(
            bootstrap: [BrokerAddress(host: domain, port: 29092)],
            options: KafkaAdminOptions(
                callTimeout: .seconds(10),
                tls: KafkaTLSOptions(
                    caPEM: pem["ca.crt"]!, certificatePEM: pem["tls.crt"]!, privateKeyPEM: pem["tls.key"]!),
                addressResolver: names))
        #expect(try await alice.metadata(topics: nil).topics.map(\.name) == ["orders"])

        // The brokers' client-facing socket (local mode's broker 0 port) refuses a client
        // without a certificate. (TLS 1.2: in 1.3 the server judges the client's certificate
        // after the client has finished its side.)
        let anonymous = try await runOffPool(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:19092", "-brief", "-CAfile", files["ca.crt"]!, "-tls1_2"],
            input: Data())
        #expect(
            anonymous.status != 0 && !anonymous.stderr.contains("CONNECTION ESTABLISHED"),
            "\(anonymous.stderr)")

        try await renewedCertificateIsServedWithoutARestart(server, alice: alice, files: files)
    }

    /// The brokers' certificate is replaced by one that no longer covers their names: the
    /// operator issues it again and asks every broker to reload it. The simulated brokers serve
    /// the reissued certificate from the Secret, no pod is replaced, and a client connected
    /// before the switch keeps working.
    func renewedCertificateIsServedWithoutARestart(
        _ server: OperatorProcess, alice: KafkaProtocolAdminClient, files: [String: String]
    ) async throws {
        let secretPath = "/api/v1/namespaces/kafka/secrets/kafka-server-certificate"
        func leaf() throws -> String? {
            let data = try server.api(secretPath)["data"] as? [String: String]
            return data?["tls.crt"].flatMap { Data(base64Encoded: $0) }.map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        func podNames() throws -> [String] {
            let pods = try server.api("/api/v1/namespaces/kafka/pods")["items"] as? [[String: Any]] ?? []
            return pods.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }.sorted()
        }
        let pods = try podNames()
        let served = try #require(try await Self.servedSerial(port: 19092, files: files))
        #expect(
            try Self.serial(of: try #require(try leaf())) == served,
            "the brokers serve the Secret's certificate")

        let caSecret = try #require(
            try server.api("/api/v1/namespaces/kafka/secrets/kafka-ca")["data"] as? [String: String])
        func text(_ key: String) throws -> String {
            String(decoding: try #require(caSecret[key].flatMap { Data(base64Encoded: $0) }), as: UTF8.self)
        }
        let ca = try CertificateAuthority(
            certificatePEM: try text("caCert"), privateKeyPEM: try text("caKey"))
        let stale = try ca.issue(CertificateRequest(commonName: "kafka.kafka", usage: .server), now: Date())
        let patch = """
            {"data":{"tls.crt":"\(Data(stale.chainPEM.utf8).base64EncodedString())",
             "tls.key":"\(Data(stale.privateKeyPEM.utf8).base64EncodedString())",
             "keystore.pem":"\(Data(stale.keystorePEM.utf8).base64EncodedString())"}}
            """
        let patched = try runProcess(
            "curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H",
                "Content-Type: application/merge-patch+json", "--data-binary", patch,
                server.localCluster + secretPath,
            ])
        #expect(patched.stdout == "200", "\(patched.stdout) \(patched.stderr)")

        // Reissued (the stale one does not name the brokers), then served.
        var renewed: String?
        let reissued = await waitUntil(timeout: .seconds(30)) {
            guard let current = try? leaf(), let serial = try? Self.serial(of: current),
                serial != served, serial != (try? Self.serial(of: stale.chainPEM))
            else { return false }
            renewed = serial
            return true
        }
        #expect(reissued, "\(server.process.log)")
        let switched = await waitUntil(timeout: .seconds(30)) {
            (try? await Self.servedSerial(port: 19092, files: files)) == renewed
        }
        #expect(switched, "the brokers serve the reissued certificate: \(server.process.log)")
        #expect(try podNames() == pods, "no broker restarted")
        #expect(try await alice.metadata(topics: nil).topics.map(\.name) == ["orders"])
    }

    /// The serial of the first certificate in `pem`, as openssl prints it.
    static func serial(of pem: String) throws -> String {
        try runProcess("openssl", ["x509", "-noout", "-serial"], input: Data(pem.utf8)).stdout
    }

    /// The serial of the certificate served on loopback `port`, shown with Alice's certificate.
    static func servedSerial(port: Int, files: [String: String]) async throws -> String? {
        let served = try await ServedCertificate(
            port: port,
            arguments: ["-CAfile", files["ca.crt"]!, "-cert", files["tls.crt"]!, "-key", files["tls.key"]!])
        return try served.certificatePEM.map(serial(of:))
    }
}
