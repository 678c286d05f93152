import Foundation
import TestSupport
import Testing

/// Alerts becoming brokers end to end: the running operator, its Kubernetes API (the embedded
/// local cluster, or one started on its own), and kubectl reading what it made.
@Suite(.serialized) struct ReconcileFlowTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
    static let upScaleAlert = "@" + Fixtures.url("alertmanager/alertmanager-0.25-firing.json").path

    /// An Alertmanager notification of one firing alert that asks to remove broker `brokerID`.
    static func downScaleAlert(brokerID: Int) -> String {
        """
        {"version":"4","status":"firing","receiver":"op","groupKey":"{}","truncatedAlerts":0,
         "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
         "alerts":[{"status":"firing","fingerprint":"d0c5ca1e00000001",
           "labels":{"alertname":"KafkaBrokerIdle","kafka_cr":"kafka","namespace":"kafka","brokerId":"\(brokerID)"},
           "annotations":{"command":"downScale"},
           "startsAt":"2026-11-24T18:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p/graph"}]}
        """
    }

    /// The names of broker `id`'s objects of one kind (`pods`, `configmaps`, ...).
    static func names(_ server: OperatorProcess, _ plural: String, broker id: Int) throws -> [String] {
        try server.items("/api/v1/namespaces/kafka/\(plural)?labelSelector=kafka_cr%3Dkafka,brokerId%3D\(id)")
            .compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }.sorted()
    }

    static func kubectl(_ directory: TemporaryDirectory, _ arguments: [String]) throws -> ProcessOutput {
        try runProcess(
            Kubectl.path ?? "kubectl", ["--kubeconfig", directory.file("data/kubeconfig").path] + arguments)
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available, "needs curl and kubectl 1.37"))
    func anUpScaleAlertAddsABrokerAndADownScaleRemovesExactlyTheOneNamed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.example, "--cooldown", "0"], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")

        let added = try server.curl("/alerts", ["--data-binary", Self.upScaleAlert])
        #expect(added.body.contains("added broker 3"), "\(added.body)")
        let ready = await waitUntil(timeout: .seconds(30)) {
            let pods = try? Self.kubectl(
                directory,
                [
                    "get", "pods", "-n", "kafka", "-l", "brokerId=3", "-o",
                    #"jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}"#,
                ])
            return pods?.stdout.hasSuffix(" True\n") == true && pods?.stdout.split(separator: "\n").count == 1
        }
        #expect(ready, "broker 3's pod never became Ready\n\(server.process.log)")
        let configMap = try Self.kubectl(
            directory,
            ["get", "configmap", "kafka-config-3", "-n", "kafka", "-o", "jsonpath={.data.broker-config}"])
        #expect(configMap.stdout.contains("broker.id=3"), "\(configMap.stdout)\(configMap.stderr)")
        let claims = try Self.names(server, "persistentvolumeclaims", broker: 3)
        #expect(claims.count == 1 && claims[0].hasPrefix("kafka-3-storage-0-"), "\(claims)")
        #expect(try Self.names(server, "services", broker: 3) == ["kafka-3"])
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        // Broker 3 took replicas through the simulated Cruise Control, recorded as kubectl shows.
        let operations = try Self.kubectl(directory, ["get", "cco", "-n", "kafka", "--no-headers"])
        let columns = operations.stdout.split(whereSeparator: \.isWhitespace)
        #expect(
            columns.count >= 4 && columns[0].hasPrefix("kafka-add-broker-") && columns[1] == "add_broker"
                && columns[2] == "Completed" && columns[3] == "0",
            "\(operations.stdout)\(operations.stderr)")
        let brokerThree = try server.kafkaCluster()["status"] as? [String: Any]
        let states = brokerThree?["brokersState"] as? [String: [String: Any]]
        let graceful = states?["3"]?["gracefulActionState"] as? [String: Any]
        #expect(graceful?["cruiseControlState"] as? String == "GracefulUpscaleSucceeded")
        let metrics = try server.curl("/metrics").body
        #expect(
            metrics.contains(#"cruise_control_tasks_total{operation="add_broker",transition="completed"} 1"#),
            "\(metrics)")
        #expect(metrics.contains(#"cruise_control_task_duration_seconds_count{operation="add_broker"} 1"#))

        // Every other broker's objects, by name and uid, before the downscale.
        func identities(_ broker: Int) throws -> [String] {
            try ["pods", "configmaps", "services", "persistentvolumeclaims"].flatMap { plural in
                try server.items(
                    "/api/v1/namespaces/kafka/\(plural)?labelSelector=kafka_cr%3Dkafka,brokerId%3D\(broker)"
                ).map { item in
                    let metadata = item["metadata"] as? [String: Any]
                    return "\(plural)/\(metadata?["name"] ?? "")/\(metadata?["uid"] ?? "")"
                }
            }.sorted()
        }
        let staying = try [0, 2, 3].map(identities)

        let removed = try server.curl("/alerts", ["--data-binary", Self.downScaleAlert(brokerID: 1)])
        #expect(removed.body.contains(#""outcome":"accepted""#), "\(removed.body)")
        let gone = await waitUntil(timeout: .seconds(30)) { (try? identities(1).isEmpty) == true }
        let left = (try? identities(1)) ?? []
        #expect(gone, "broker 1's objects are still there: \(left)\n\(server.process.log)")
        #expect(try [0, 2, 3].map(identities) == staying, "another broker's objects changed")
        #expect(try server.brokerIDs() == [0, 2, 3])
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let brokersState =
            (try server.kafkaCluster()["status"] as? [String: Any])?["brokersState"] as? [String: Any]
        #expect(
            brokersState?["1"] == nil,
            "broker 1's removal is not finished in the status: \(brokersState ?? [:])")

        // kubectl describe tells the story: both actions and the objects they led to.
        let events = try Self.kubectl(
            directory,
            [
                "get", "events", "-n", "kafka", "--field-selector", "involvedObject.name=kafka", "-o",
                "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}",
            ])
        let lines = events.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ActionApplied upScale") }.count == 1, "\(events.stdout)")
        #expect(lines.filter { $0.hasPrefix("ActionApplied downScale") }.count == 1, "\(events.stdout)")
        #expect(lines.contains { $0.hasPrefix("CreatedPod") && $0.contains("for broker 3") })
        #expect(lines.contains { $0.hasPrefix("DeletedPod") && $0.contains("of broker 1") })
        #expect(lines.contains { $0.hasPrefix("DeletedPersistentVolumeClaim") && $0.contains("of broker 1") })
    }

    /// The operator is killed while it is creating a 30-broker cluster on an API server that
    /// outlives it; started again, it finishes the job without a duplicate, and then, across
    /// several resyncs, writes nothing more.
    @Test(.enabled(if: Peer.available("curl"), "needs curl"))
    func anOperatorKilledMidReconcileConvergesWhenStartedAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let api = try await StandaloneLocalCluster(
            directory: directory, extraArguments: ["--write-latency-ms", "10"])
        defer { api.stop() }
        let kubeconfig = api.kubeconfig
        let server = api.server

        let brokers = 30
        var manifest = try String(contentsOfFile: Self.example, encoding: .utf8)
        let start = try #require(manifest.range(of: "  brokers:\n"))
        let end = try #require(manifest.range(of: "  rollingUpgradeConfig:"))
        manifest.replaceSubrange(
            start.upperBound..<end.lowerBound,
            with: (0..<brokers).map { "    - id: \($0)\n      brokerConfigGroup: default\n" }.joined())
        manifest = manifest.replacingOccurrences(of: "upScaleLimit: 6", with: "upScaleLimit: 40")
        let manifestFile = directory.file("cluster.yaml")
        try manifest.write(to: manifestFile, atomically: true, encoding: .utf8)
        let arguments = [
            "--kubeconfig", kubeconfig, "--cluster", manifestFile.path, "--resync", "1", "--log-level",
            "debug",
        ]

        let first = try await OperatorProcess(
            arguments: arguments, logDirectory: directory, logName: "first.log", apiServer: server)
        let pods = "/api/v1/namespaces/kafka/pods?labelSelector=kafka_cr%3Dkafka"
        let begun = await waitUntil(timeout: .seconds(30)) { ((try? first.items(pods).count) ?? 0) >= 3 }
        #expect(begun, "\(first.process.log)")
        _ = first.process.stop(signal: SIGKILL)
        let podsAtKill = try first.items(pods).count
        #expect(podsAtKill < brokers, "the kill came after the reconcile finished; nothing was interrupted")

        let second = try await OperatorProcess(
            arguments: arguments, logDirectory: directory, logName: "second.log", apiServer: server)
        defer { second.process.stop() }
        let converged = await waitUntil(timeout: .seconds(60)) {
            (try? second.items(pods).count) == brokers && (try? second.clusterState()) == "ClusterRunning"
        }
        #expect(converged, "\(second.process.log)")
        for plural in ["pods", "configmaps", "services", "persistentvolumeclaims"] {
            let items = try second.items("/api/v1/namespaces/kafka/\(plural)?labelSelector=kafka_cr%3Dkafka")
            var byBroker = Dictionary(grouping: items) { item in
                ((item["metadata"] as? [String: Any])?["labels"] as? [String: String])?["brokerId"]
                    ?? "cluster-wide"
            }
            // The cluster-wide objects among these: the headless Service, and the example's
            // Cruise Control (its Service and two ConfigMaps).
            let clusterWide = byBroker.removeValue(forKey: "cluster-wide") ?? []
            #expect(
                clusterWide.count == (["services": 2, "configmaps": 2][plural] ?? 0),
                "\(plural): \(clusterWide.count) cluster-wide")
            #expect(byBroker.count == brokers, "\(plural): brokers \(byBroker.keys.sorted())")
            #expect(byBroker.values.allSatisfy { $0.count == 1 }, "\(plural): a duplicate")
        }

        // Resyncs run every second: across three passes that found nothing to change, none of
        // the cluster's objects changed. (The list's own resourceVersion moves with any write in
        // the local cluster, so each object's is compared.)
        func latestVersion() throws -> [String] {
            try ["pods", "configmaps", "services", "persistentvolumeclaims"].flatMap { plural in
                try second.items("/api/v1/namespaces/kafka/\(plural)?labelSelector=kafka_cr%3Dkafka").map {
                    ($0["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? ""
                }
            }.sorted()
        }
        func idlePasses() -> Int {
            second.process.log.split(separator: "\n").filter { $0.contains("reconciled, nothing to change") }
                .count
        }
        let settled = try latestVersion()
        let passesBefore = idlePasses()
        #expect(
            await waitUntil(timeout: .seconds(20)) { idlePasses() >= passesBefore + 3 },
            "\(second.process.log)")
        #expect(try latestVersion() == settled, "a converged cluster was written to")
    }
}
