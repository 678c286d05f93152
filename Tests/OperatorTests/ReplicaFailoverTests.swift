import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `serve` processes against one API server: one leader reconciles, the others serve
/// alerts; a killed leader is replaced and the work it left is finished without a duplicate; a
/// leader stopped with SIGTERM hands the Lease over at once.
@Suite(.serialized, .enabled(if: Peer.available("curl")))
struct ReplicaFailoverTests {
    static let lease = "/apis/coordination.k8s.io/v1/namespaces/kafka/leases/kafka-operator-leader"

    /// One audit line: `verb group resource user-agent`.
    struct AuditEntry {
        let verb: String
        let resource: String
        let replica: String?

        init?(_ line: Substring) {
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count == 4 else { return nil }
            verb = String(fields[0])
            resource = String(fields[2])
            let agent = fields[3]
            replica = agent.firstIndex(of: "(").map { String(agent[agent.index(after: $0)...].dropLast()) }
        }

        /// A write to one of the objects the reconciler owns.
        var isReconcilerWrite: Bool {
            ["create", "update", "patch", "delete"].contains(verb)
                && ["pods", "configmaps", "services", "persistentvolumeclaims"].contains(resource)
        }
    }

    @Test func aKilledLeaderIsReplacedAndAStoppedOneHandsOverAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let audit = directory.file("audit.log")
        let api = try await StandaloneLocalCluster(
            directory: directory, extraArguments: ["--audit-log", audit.path, "--write-latency-ms", "20"])
        defer { api.stop() }

        let brokers = 30
        var manifest = try ReconcileFlowTests.exampleWithoutCruiseControl()
        let start = try #require(manifest.range(of: "  brokers:\n"))
        let end = try #require(manifest.range(of: "  rollingUpgradeConfig:"))
        manifest.replaceSubrange(
            start.upperBound..<end.lowerBound,
            with: (0..<brokers).map { "    - id: \($0)\n      brokerConfigGroup: default\n" }.joined())
        manifest = manifest.replacingOccurrences(of: "upScaleLimit: 6", with: "upScaleLimit: 40")
        let manifestFile = directory.file("cluster.yaml")
        try manifest.write(to: manifestFile, atomically: true, encoding: .utf8)
        func replica(_ name: String) async throws -> OperatorProcess {
            try await OperatorProcess(
                arguments: [
                    "--kubeconfig", api.kubeconfig, "--cluster", manifestFile.path, "--resync", "1",
                    "--leader-election-identity", name, "--lease-duration", "8", "--renew-deadline", "5",
                    "--retry-period", "0.5",
                ], logDirectory: directory, logName: "\(name).log", apiServer: api.server)
        }
        var replicas = ["r1": try await replica("r1"), "r2": try await replica("r2")]
        let any = replicas["r1"]!
        func holder() -> String? {
            ((try? any.api(Self.lease))?["spec"] as? [String: Any])?["holderIdentity"] as? String
        }
        func auditEntries() throws -> [AuditEntry] {
            try String(contentsOf: audit, encoding: .utf8).split(separator: "\n").compactMap(AuditEntry.init)
        }

        // One leader creates the brokers; it is killed with the job half done.
        var leader: String?
        #expect(
            await waitUntil {
                leader = holder().flatMap { $0.isEmpty ? nil : $0 }
                return leader != nil
            })
        let first = try #require(leader)
        let pods = "/api/v1/namespaces/kafka/pods?labelSelector=kafka_cr%3Dkafka"
        #expect(await waitUntil(timeout: .seconds(30)) { ((try? any.items(pods).count) ?? 0) >= 3 })
        _ = replicas[first]!.process.stop(signal: SIGKILL)
        let killedAt = ContinuousClock.now
        replicas[first] = nil
        let survivor = try #require(replicas.keys.first)
        #expect(try any.items(pods).count < brokers, "the kill came after the reconcile finished")

        // The survivor takes the Lease once it expires and finishes the job, without a duplicate.
        #expect(await waitUntil(timeout: .seconds(30)) { holder() == survivor })
        print("failover after kill -9: \(ContinuousClock.now - killedAt) (lease duration 8 s)")
        let watcher = replicas[survivor]!
        #expect(
            await waitUntil(timeout: .seconds(60)) {
                (try? watcher.items(pods).count) == brokers
                    && (try? watcher.clusterState()) == "ClusterRunning"
            }, "\(watcher.process.log)")
        for plural in ["pods", "configmaps", "persistentvolumeclaims"] {
            let items = try watcher.items("/api/v1/namespaces/kafka/\(plural)?labelSelector=kafka_cr%3Dkafka")
            // Cluster-wide objects (Cruise Control's) carry no broker id and are left out.
            let byBroker = Dictionary(
                grouping: items.filter {
                    (($0["metadata"] as? [String: Any])?["labels"] as? [String: String])?["brokerId"] != nil
                }
            ) { (($0["metadata"] as? [String: Any])?["labels"] as? [String: String])?["brokerId"] ?? "" }
            #expect(byBroker.count == brokers && byBroker.values.allSatisfy { $0.count == 1 }, "\(plural)")
        }
        // Never two writers: every reconciler write of the first leader comes before the
        // survivor's first, and nobody else wrote.
        let writes = try auditEntries().filter(\.isReconcilerWrite)
        #expect(Set(writes.compactMap(\.replica)) == [first, survivor], "\(Set(writes.map(\.replica)))")
        let firstOfSurvivor = try #require(writes.firstIndex { $0.replica == survivor })
        #expect(!writes[firstOfSurvivor...].contains { $0.replica == first })

        // Alerts are answered by any replica: a third one, not leading, takes an upScale that
        // the leader carries out.
        replicas["r3"] = try await replica("r3")
        let third = replicas["r3"]!
        let answer = try third.curl("/alerts", ["--data-binary", ReconcileFlowTests.upScaleAlert])
        #expect(answer.status == 200, "\(answer.body)")
        #expect(
            await waitUntil(timeout: .seconds(30)) { (try? third.brokerIDs().count) == brokers + 1 },
            "\(third.process.log)")
        #expect(await watcher.waitUntilClusterRunning(timeout: .seconds(30)), "\(watcher.process.log)")
        #expect(holder() == survivor)

        // SIGTERM: the leader finishes, releases the Lease, and r3 takes it long before the
        // lease duration would have let it.
        let stoppedAt = ContinuousClock.now
        _ = watcher.process.stop(signal: SIGTERM)
        #expect(await waitUntil(timeout: .seconds(6)) { holder() == "r3" }, "\(third.process.log)")
        let handover = ContinuousClock.now - stoppedAt
        print("handover after SIGTERM: \(handover) (lease duration 8 s)")
        #expect(watcher.process.log.contains("leadership released"), "\(watcher.process.log)")
        third.process.stop()
    }

    /// A real Alertmanager posting to both replicas keeps delivering while the leader is killed:
    /// the firing is acted on once, though both replicas receive every notification.
    @Test(.enabled(if: AlertingStack.isAvailable))
    func alertmanagerPostingToEveryReplicaActsOnAFiringOnceThroughAFailover() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let api = try await StandaloneLocalCluster(directory: directory)
        defer { api.stop() }
        let manifest = directory.file("cluster.yaml")
        try ReconcileFlowTests.exampleWithoutCruiseControl().write(
            to: manifest, atomically: true, encoding: .utf8)
        func replica(_ name: String) async throws -> OperatorProcess {
            try await OperatorProcess(
                arguments: [
                    "--kubeconfig", api.kubeconfig, "--cluster", manifest.path, "--alerts-token",
                    "am",
                    "--leader-election-identity", name, "--lease-duration", "4", "--renew-deadline", "3",
                    "--retry-period", "0.5",
                ], logDirectory: directory, logName: "\(name).log", apiServer: api.server)
        }
        let replicas = [try await replica("r1"), try await replica("r2")]
        #expect(await replicas[0].waitUntilClusterRunning(), "\(replicas[0].process.log)")
        let stack = try await AlertingStack(
            rules: AlertmanagerDeliveryTests.rule, webhookURLs: replicas.map { $0.baseURL + "/alerts" },
            bearerToken: "am", repeatInterval: "2s")
        defer { stack.stop() }
        func accepted(_ process: OperatorProcess) -> Int {
            process.process.log.split(separator: "\n").filter { $0.contains("msg=\"alert accepted\"") }.count
        }
        #expect(
            await waitUntil(timeout: .seconds(60)) { replicas.map(accepted).reduce(0, +) == 1 },
            "\(stack.logs)")

        let leaderName = try #require(
            (try? replicas[0].api(Self.lease))?["spec"].flatMap {
                ($0 as? [String: Any])?["holderIdentity"] as? String
            })
        let leader = leaderName == "r1" ? replicas[0] : replicas[1]
        let survivor = leaderName == "r1" ? replicas[1] : replicas[0]
        _ = leader.process.stop(signal: SIGKILL)
        // Notifications keep coming to the survivor, each a recognised re-send.
        let resends = try Self.duplicates(survivor)
        #expect(
            await waitUntil(timeout: .seconds(30)) { ((try? Self.duplicates(survivor)) ?? 0) >= resends + 2 },
            "\(survivor.process.log)")
        #expect(await survivor.waitUntilClusterRunning(), "\(survivor.process.log)")
        #expect(try survivor.brokerIDs() == [0, 1, 2, 3])
        #expect(accepted(survivor) + accepted(leader) == 1)
        survivor.process.stop()
    }

    static func duplicates(_ server: OperatorProcess) throws -> Int {
        let line = try server.curl("/metrics").body.split(separator: "\n").first {
            $0.hasPrefix(#"alerts_total{outcome="duplicate"}"#)
        }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }
}
