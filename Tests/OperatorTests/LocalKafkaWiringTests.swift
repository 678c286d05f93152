import AddressResolution
import ClusterModel
import ClusterTestSupport
import Foundation
import JSON
import Kubernetes
import LocalKafka
import Logging
import PKI
import TestSupport
import Testing

@testable import kafka_operator

/// Local mode's simulated Kafka and Cruise Control beside the local cluster: brokers follow
/// their pods in a real local cluster, and `serve` says where Cruise Control answers, for cccli.
@Suite(.serialized) struct LocalKafkaWiringTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    /// A broker pod; `secrets` are the Secret volumes its kafka container mounts, by path.
    static func brokerPod(_ name: String, broker: Int32, secrets: [String: String] = [:]) -> Pod {
        var container = Container(name: "kafka", image: "ghcr.io/banzaicloud/kafka:2.13-3.4.1")
        let mounted = secrets.sorted { $0.key < $1.key }.enumerated()
        container.volumeMounts = mounted.map {
            VolumeMount(name: "secret-\($0.offset)", mountPath: $0.element.key)
        }
        var spec = PodSpec(containers: [container])
        spec.volumes = mounted.map {
            Volume(name: "secret-\($0.offset)", secret: Volume.SecretSource(secretName: $0.element.value))
        }
        spec.restartPolicy = "Never"
        return Pod(
            metadata: ObjectMeta(
                name: name, namespace: "kafka",
                labels: ["app": "kafka", "kafka_cr": "kafka", "brokerId": "\(broker)"]),
            spec: spec)
    }

    static func brokerConfig(_ id: Int32, logDirs: String) -> ConfigMap {
        ConfigMap(
            metadata: ObjectMeta(name: "kafka-config-\(id)", namespace: "kafka"),
            data: [
                "broker-config": """
                broker.id=\(id)
                advertised.listeners=INTERNAL://kafka-\(id).kafka.svc.cluster.local:29092
                log.dirs=\(logDirs)
                """
            ])
    }

    @Test func brokersFollowTheirPodsInTheLocalCluster() async throws {
        let fixture = try await LocalClusterFixture.start()
        let clock = ManualClock()
        var logger = Logger(label: "local-kafka-test")
        logger.logLevel = .critical
        let document = try ClusterDocument(yaml: String(contentsOfFile: Self.example, encoding: .utf8))
        let peers = try SimulatedPeers(
            localCluster: fixture.cluster, document: document,
            configuration: LocalKafkaConfiguration(cruiseControlPort: 0), clock: clock, logger: logger)
        let following = Task { try await peers.run() }
        let api = fixture.client
        let simulation = peers.simulation
        func cluster() async -> SimulatedCluster { await simulation.snapshot() }

        // Nothing runs before the pods do.
        #expect(await cluster().aliveBrokerIDs == [])
        for id: Int32 in 0...2 {
            let dirs = id == 2 ? "/kafka-logs/kafka,/kafka-logs-2/kafka" : "/kafka-logs/kafka"
            _ = try await api.create(Self.brokerConfig(id, logDirs: dirs))
            _ = try await api.create(Self.brokerPod("kafka-\(id)-a", broker: id))
        }
        #expect(await waitUntil { await cluster().aliveBrokerIDs == [0, 1, 2] })
        // The seeded partitions start led by the first broker up; the others catch up.
        #expect(await cluster().offlinePartitions.isEmpty)
        clock.advance(milliseconds: await cluster().timing.catchUpDelayMilliseconds)
        #expect(await cluster().underReplicatedPartitions.isEmpty)
        let single = try #require(
            await cluster().partitions.first { $0.key.topic == "audit-log" && $0.value.replicas == [1] })

        // A deleted pod takes its broker offline: its leaderships move, its unreplicated
        // partition goes offline.
        try await api.delete(.pods, namespace: "kafka", name: "kafka-1-a")
        #expect(await waitUntil { await cluster().aliveBrokerIDs == [0, 2] })
        let withoutOne = await cluster()
        #expect(withoutOne.leaderCount(of: 1) == 0)
        #expect(withoutOne.offlinePartitions == [single.key])
        #expect(withoutOne.partitions.values.allSatisfy { !$0.isr.contains(1) || $0.isr == [1] })

        // A crashed container (restartPolicy Never: the pod ends Failed) takes broker 2 offline.
        #expect(await fixture.cluster.faults.crashContainers(podNamePrefix: "kafka-2-") == 1)
        #expect(await waitUntil { await cluster().aliveBrokerIDs == [0] })

        // A replacement pod brings broker 1 back: leader of its lone partition at once, in the
        // ISR of the others only after the catch-up delay.
        _ = try await api.create(Self.brokerPod("kafka-1-b", broker: 1))
        #expect(await waitUntil { await cluster().aliveBrokerIDs == [0, 1] })
        let returned = await cluster()
        #expect(returned.partitions[single.key]?.leader == 1)
        let shared = try #require(
            returned.partitions.first { $0.value.replicas.contains(0) && $0.value.replicas.contains(1) })
        #expect(!shared.value.isr.contains(1))
        clock.advance(milliseconds: returned.timing.catchUpDelayMilliseconds)
        #expect(await cluster().partitions[shared.key]?.isr.contains(1) == true)

        following.cancel()
        _ = try? await following.value
        await fixture.stop()
    }

    /// A broker whose external listener is SSL serves it with the certificate of the Secret its
    /// pod mounts, as the kubelet would have written it, and a client certificate from the same
    /// CA completes the handshake.
    @Test(.enabled(if: Peer.available("openssl")))
    func anSSLListenerServesTheMountedBrokerCertificate() async throws {
        let fixture = try await LocalClusterFixture.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var logger = Logger(label: "local-kafka-test")
        logger.logLevel = .critical
        let document = try ClusterDocument(yaml: String(contentsOfFile: Self.example, encoding: .utf8))
        let peers = try SimulatedPeers(
            localCluster: fixture.cluster, document: document,
            configuration: LocalKafkaConfiguration(cruiseControlPort: 0), logger: logger)
        let following = Task { try await peers.run() }
        let api = fixture.client

        let authority = try CertificateAuthority.create(commonName: "local-ca", now: Date())
        let broker = try authority.issue(
            CertificateRequest(commonName: "kafka", usage: .server, ipAddresses: ["127.0.0.1"]), now: Date())
        let client = try authority.issue(CertificateRequest(commonName: "alice", usage: .client), now: Date())
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        _ = try await api.create(
            Secret(
                metadata: ObjectMeta(name: "kafka-server-certificate", namespace: "kafka"),
                type: "kubernetes.io/tls",
                data: [
                    "keystore.pem": base64(broker.keystorePEM), "ca.crt": base64(authority.certificatePEM),
                ]))
        _ = try await api.create(
            ConfigMap(
                metadata: ObjectMeta(name: "kafka-config-0", namespace: "kafka"),
                data: [
                    "broker-config": """
                    broker.id=0
                    listeners=INTERNAL://:29092,EXTERNAL://:9094
                    advertised.listeners=INTERNAL://kafka-0.kafka.svc.cluster.local:29092,EXTERNAL://127.0.0.1:19090
                    listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SSL
                    listener.name.external.ssl.keystore.type=PEM
                    listener.name.external.ssl.keystore.location=/var/run/secrets/kafka/ssl/keystore.pem
                    listener.name.external.ssl.truststore.type=PEM
                    listener.name.external.ssl.truststore.location=/var/run/secrets/kafka/ssl/ca.crt
                    listener.name.external.ssl.client.auth=required
                    log.dirs=/kafka-logs/kafka
                    """
                ]))
        _ = try await api.create(
            Self.brokerPod(
                "kafka-0-a", broker: 0, secrets: ["/var/run/secrets/kafka/ssl": "kafka-server-certificate"]))
        let listening = await waitUntil { peers.brokers.port(of: 0, listener: "EXTERNAL") != nil }
        #expect(listening, "broker 0 opened no EXTERNAL listener")
        let port = try #require(peers.brokers.port(of: 0, listener: "EXTERNAL"))
        for (name, text) in [
            ("ca.pem", authority.certificatePEM), ("client.pem", client.chainPEM),
            ("client.key", client.privateKeyPEM),
        ] {
            try Data(text.utf8).write(to: directory.file(name))
        }
        let handshake = try runProcess(
            "openssl",
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", directory.file("ca.pem").path,
                "-verify_return_error", "-cert", directory.file("client.pem").path, "-key",
                directory.file("client.key").path,
            ], input: Data("Q\n".utf8))
        #expect(
            handshake.stdout.contains("Verify return code: 0 (ok)"), "\(handshake.stdout) \(handshake.stderr)"
        )
        #expect(
            handshake.stdout.contains("subject=CN=kafka") || handshake.stdout.contains("subject=CN = kafka"),
            "the broker presents the mounted certificate: \(handshake.stdout)")

        following.cancel()
        _ = try? await following.value
        await fixture.stop()
    }

    /// The operator's Kubernetes names reach the simulated peers on loopback: every broker of
    /// the cluster by rule (one the spec adds later too), the cluster Service, Cruise Control;
    /// names that only look alike are left as they are.
    @Test func kubernetesNamesMapToLoopbackForBrokersAddedLater() async throws {
        let fixture = try await LocalClusterFixture.start()
        let document = try ClusterDocument(yaml: String(contentsOfFile: Self.example, encoding: .utf8))
        let peers = try SimulatedPeers(
            localCluster: fixture.cluster, document: document,
            configuration: LocalKafkaConfiguration(brokerBasePort: 30000, cruiseControlPort: 0),
            logger: Logger(label: "local-kafka-test"))
        let addresses = peers.addresses(cruiseControlPort: 31000)
        await fixture.stop()
        func resolved(_ host: String, _ port: UInt16) -> String {
            addresses.resolve(ServiceAddress(host: host, port: port)).description
        }
        let domain = "kafka-headless.kafka.svc.cluster.local"
        #expect(resolved("kafka-1.\(domain)", 29092) == "127.0.0.1:30001")
        #expect(resolved("KAFKA-7.\(domain).", 29092) == "127.0.0.1:30007")
        #expect(resolved(domain, 29092) == "127.0.0.1:30000")
        #expect(resolved("kafka-cruisecontrol-svc.kafka.svc.cluster.local", 8090) == "127.0.0.1:31000")
        for (host, port) in [
            ("kafka-1.\(domain)", 9092), ("kafka-01x.\(domain)", 29092), ("kafka--1.\(domain)", 29092),
            ("kafka-1.kafka.svc.cluster.local", 29092), ("kafkax-1.\(domain)", 29092),
            ("kafka-1.kafka-headless.other.svc.cluster.local", 29092),
        ] as [(String, UInt16)] {
            #expect(resolved(host, port) == ServiceAddress(host: host, port: port).description, "\(host)")
        }
    }

    /// `serve` in local mode logs where the simulated Cruise Control answers, and LinkedIn's
    /// cccli reads its state there.
    @Test(.enabled(if: Peer.available("cccli") && Peer.available("curl")))
    func serveStartsCruiseControlThatCccliReads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.example], logDirectory: directory)
        defer { server.process.stop() }
        var line: Substring?
        _ = await waitUntil {
            line = server.process.log.split(separator: "\n").first {
                $0.contains("simulated Kafka and Cruise Control")
            }
            return line != nil
        }
        let announced = try #require(line, "\(server.process.log)")
        #expect(
            announced.contains("kafka_bootstrap=kafka-headless.kafka.svc.cluster.local:29092"), "\(announced)"
        )
        let address = try #require(
            Self.value(of: "cruise_control", in: announced)?.replacingOccurrences(of: "http://", with: ""))
        let state = try await runOffPool("cccli", ["-a", address, "state", "--json", "true"])
        #expect(state.status == 0, "\(state.stderr)")
        let json = try JSONReader.parse(Array(state.stdout.utf8))
        #expect(json["ExecutorState"]?["state"] == .string("NO_TASK_IN_PROGRESS"), "\(state.stdout)")
    }

    /// In local mode the simulated brokers answer on the addresses the operator resolves, so a
    /// downScale without brokerId removes the broker Kafka's metadata says holds the fewest
    /// replicas: the one just added, which holds none.
    @Test(.enabled(if: Peer.available("curl")))
    func aDownScaleInLocalModeAsksTheSimulatedBrokers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.example, "--api-token", "ops", "--cooldown", "0"],
            logDirectory: directory)
        defer { server.process.stop() }
        let path = "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions"
        let auth = ["-H", "Authorization: Bearer ops", "-H", "Content-Type: application/json"]
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        _ = try server.curl(path, auth + ["--data-binary", #"{"command":"upScale"}"#])
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        #expect(try server.brokerIDs() == [0, 1, 2, 3])
        let answer = try server.curl(path, auth + ["--data-binary", #"{"command":"downScale"}"#])
        #expect(answer.status == 202, "\(answer.body)")
        #expect(
            await waitUntil(timeout: .seconds(20)) { (try? server.brokerIDs()) == [0, 1, 2] },
            "\(server.process.log)")
        #expect(
            server.process.log.contains("msg=\"downScale: broker chosen\" broker=3"), "\(server.process.log)")
    }

    /// `serve` in local mode runs the example's Cruise Control (its Deployment, rolled out by
    /// the kubelet) and creates its metrics topic on the simulated brokers once they run: the
    /// topic is seen over the Kafka protocol, beside the four seeded ones.
    @Test(.enabled(if: Peer.available("curl")))
    func serveCreatesCruiseControlAndItsMetricsTopic() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.example], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let ready = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            return status?["cruiseControlTopicStatus"] as? String == "CruiseControlTopicReady"
        }
        #expect(ready, "\(server.process.log)")
        let deployment = try server.api("/apis/apps/v1/namespaces/kafka/deployments/kafka-cruisecontrol")
        #expect((deployment["status"] as? [String: Any])?["readyReplicas"] as? Int == 1, "\(deployment)")
        let health = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", "127.0.0.1:19092", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any]
        #expect(report?["topicCount"] as? Int == ExampleCluster.topics.count + 1, "\(health.stdout)")
        #expect(
            report?["partitionCount"] as? Int == ExampleCluster.topics.map(\.partitions).reduce(12, +),
            "\(health.stdout)")
    }

    /// A KafkaTopic applied with kubectl in local mode becomes a topic on the simulated brokers,
    /// and deleting it with kubectl deletes the topic.
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func kubectlAppliedKafkaTopicBecomesATopicOnTheSimulatedBrokers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.example], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        // Cruise Control's metrics topic first, so topic counts below move only with ours.
        let metricsTopic = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            return status?["cruiseControlTopicStatus"] as? String == "CruiseControlTopicReady"
        }
        #expect(metricsTopic, "\(server.process.log)")
        let manifest = directory.file("topic.yaml")
        try """
        apiVersion: kafka.banzaicloud.io/v1alpha1
        kind: KafkaTopic
        metadata:
          name: clicks
          namespace: kafka
        spec:
          clusterRef:
            name: kafka
          name: clicks
          partitions: 4
          replicationFactor: 2
          config:
            retention.ms: "60000"
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let kubectl = try #require(Kubectl.path)
        let base = ["--server", server.localCluster, "--insecure-skip-tls-verify"]
        let applied = try runProcess(kubectl, base + ["apply", "-f", manifest.path])
        #expect(applied.status == 0, "\(applied.stderr)")
        func health() -> [String: Any]? {
            let output = try? runProcess(
                OperatorProcess.binary, ["kafka", "health", "--bootstrap", "127.0.0.1:19092", "--json"])
            return output.flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any]
            }
        }
        let created = await waitUntil(timeout: .seconds(30)) {
            let topic = try? server.api(
                "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkatopics/clicks")
            let status = topic?["status"] as? [String: Any]
            return status?["state"] as? String == "created" && status?["partitionCount"] as? Int == 4
        }
        #expect(created, "\(server.process.log)")
        let seeded = ExampleCluster.topics.count + 1
        #expect(health()?["topicCount"] as? Int == seeded + 1)

        let deleted = try runProcess(
            kubectl, base + ["delete", "-f", manifest.path, "--wait=true", "--timeout=30s"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(await waitUntil(timeout: .seconds(30)) { health()?["topicCount"] as? Int == seeded })
    }

    /// A logfmt field's value, quoted or not.
    static func value(of key: String, in line: Substring) -> String? {
        guard let start = line.range(of: key + "=") else { return nil }
        let rest = line[start.upperBound...]
        if rest.first == "\"" { return String(rest.dropFirst().prefix { $0 != "\"" }) }
        return String(rest.prefix { $0 != " " })
    }
}
