import ClusterModel
import Foundation
import TestSupport
import Testing

@testable import ActionEngine

/// A clock the test moves by hand.
final class ManualTime: TimeSource, @unchecked Sendable {
    // Every access to `current` holds `lock`.
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    private let lock = NSLock()
    func now() -> Date { lock.withLock { current } }
    func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }
}

@Suite struct ActionRunnerTests {
    let store = InMemoryClusterStore()
    let time = ManualTime()

    init() async throws {
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        _ = try await store.create(try ClusterDocument(yaml: yaml))
        try await store.settle()
    }

    func runner(
        policy: ActionPolicy = ActionPolicy(), registry: ActionRegistry = .builtIn
    ) -> ActionRunner {
        ActionRunner(store: store, registry: registry, policy: policy, time: time)
    }

    func request(
        _ command: String, _ parameters: [String: String] = [:], fingerprint: String = "f1",
        dryRun: Bool = false
    ) -> ActionRequest {
        ActionRequest(
            command: command, namespace: "kafka", cluster: "kafka", parameters: parameters,
            source: .alert(fingerprint: fingerprint, startsAt: "2026-11-24T17:00:17.451Z"), dryRun: dryRun)
    }

    func cluster() async throws -> KafkaCluster {
        try await store.get(namespace: "kafka", name: "kafka").cluster
    }

    @Test func upScaleAddsTheNextBrokerFromItsGroup() async throws {
        let outcome = try await runner().run(
            request("upScale", ["brokerConfigGroup": "large", "image": "kafka:next"]))
        #expect(outcome.name == "accepted")
        let broker = try #require(try await cluster().spec.brokers.last)
        #expect(broker.id == 3)
        #expect(broker.brokerConfigGroup == "large")
        #expect(broker.brokerConfig?.image == "kafka:next")
        let log = try await runner().actionLog(namespace: "kafka", cluster: "kafka")
        #expect(log.map(\.source) == ["alert:f1"])
        #expect(log.first?.time == "2027-01-15T08:00:00.000Z")
    }

    @Test func upScaleWithDiskOverridesAddsTheBrokersOwnDisk() async throws {
        _ = try await runner().run(
            request("upScale", ["mountPath": "/data", "diskSize": "20Gi", "storageClass": "fast"]))
        let disk = try #require(try await cluster().spec.brokers.last?.brokerConfig?.storageConfigs?.first)
        #expect(disk.mountPath == "/data")
        #expect(disk.pvcSpec?.storage == "20Gi")
        #expect(disk.pvcSpec?.storageClassName == "fast")
    }

    @Test func theSameAlertIsActedOnOnceEvenAfterARestart() async throws {
        let first = runner()
        #expect(try await first.run(request("upScale")).name == "accepted")
        #expect(try await first.run(request("upScale")) == .duplicate)
        // A new runner on the same store: nothing in memory, the stored record decides.
        time.advance(seconds: 3600)
        #expect(try await runner().run(request("upScale")) == .duplicate)
        #expect(try await cluster().spec.brokers.count == 4)
    }

    @Test func cooldownDefersARepeatUntilItPasses() async throws {
        let runner = runner()
        #expect(try await runner.run(request("upScale", fingerprint: "a")).name == "accepted")
        try await store.settle()
        time.advance(seconds: 60)
        let deferred = try await runner.run(request("upScale", fingerprint: "b"))
        #expect(deferred == .deferred(reason: "upScale ran 60 s ago; the cooldown is 300 s"))
        time.advance(seconds: 241)
        #expect(try await runner.run(request("upScale", fingerprint: "b")).name == "accepted")
        #expect(try await cluster().spec.brokers.count == 5)
    }

    @Test func boundsStopScalingBothWays() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        let runner = runner(policy: policy)
        for index in 0..<3 {
            _ = try await runner.run(request("upScale", fingerprint: "up\(index)"))
            try await store.settle()
        }
        #expect(try await cluster().spec.brokers.count == 6)
        let refused = try await runner.run(request("upScale", fingerprint: "up-more"))
        #expect(refused == .rejected(reason: "the cluster already has 6 brokers, the upscale limit is 6"))
    }

    @Test func downScaleRemovesTheNamedBrokerAndMarksItLeaving() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        _ = try await runner(policy: policy).run(request("upScale", fingerprint: "up"))
        try await store.settle()
        let outcome = try await runner(policy: policy).run(
            request("downScale", ["brokerId": "1"], fingerprint: "down"))
        #expect(outcome == .accepted(id: "downScale-1800000000000", change: "removing broker 1 gracefully"))
        let cluster = try await cluster()
        #expect(cluster.spec.brokers.map(\.id) == [0, 2, 3])
        #expect(
            cluster.status?.brokersState?["1"]?.gracefulActionState?.cruiseControlState
                == "GracefulDownscaleRequired")
        // While that removal runs, no other scaling action starts.
        try await store.settle()
        let next = try await runner(policy: policy).run(request("upScale", fingerprint: "up2"))
        #expect(next == .deferred(reason: "broker 1 is still in GracefulDownscaleRequired"))
    }

    /// A rebalance waits in the status for the reconciler, one at a time.
    @Test func aRebalanceIsHandedToTheReconciler() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        let outcome = try await runner(policy: policy).run(
            request("rebalance", ["destinationBrokerIds": "2,1"], fingerprint: "r1"))
        #expect(
            outcome
                == .accepted(
                    id: "rebalance-1800000000000",
                    change: "rebalancing the cluster onto broker 1,2 through Cruise Control"
                ))
        let pending = try await cluster().status?.pendingRebalance
        #expect(pending?.destinations == [1, 2] && pending?.requestedAt.isEmpty == false)
        try await store.settle()
        let again = try await runner(policy: policy).run(request("rebalance", fingerprint: "r2"))
        #expect(again == .rejected(reason: "a rebalance already waits to run"))
    }

    /// `force` is recorded with the leaving broker, for the reconciler of a cluster without
    /// Cruise Control; the change says what it means.
    @Test func aForcedDownScaleIsRecordedWithTheBroker() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        _ = try await runner(policy: policy).run(request("upScale", fingerprint: "up"))
        try await store.settle()
        let outcome = try await runner(policy: policy).run(
            request("downScale", ["brokerId": "1", "force": "true"], fingerprint: "down"))
        guard case .accepted(_, let change) = outcome else {
            Issue.record("not accepted: \(outcome)")
            return
        }
        #expect(change.contains("by force"))
        let graceful = try await cluster().status?.brokersState?["1"]?.gracefulActionState
        #expect(graceful?.forced == true && graceful?.cruiseControlState == .downscaleRequired)
    }

    /// Without `brokerId` the action only records that one broker is to go: choosing which
    /// needs Kafka, which the reconciler asks, not the request. Until then scaling waits.
    @Test func downScaleWithoutABrokerIdLeavesTheChoiceToTheReconciler() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        #expect(
            try await runner(policy: policy).run(request("downScale"))
                == .rejected(reason: "the cluster has 3 brokers, the downscale limit is 3"))
        _ = try await runner(policy: policy).run(request("upScale", fingerprint: "up"))
        try await store.settle()
        let planned = try await runner(policy: policy).run(request("downScale", dryRun: true))
        #expect(planned == .planned(change: "removing one broker gracefully, the one the reconciler chooses"))
        #expect(try await cluster().status?.pendingBrokerRemovals == nil, "a dry run changes nothing")

        let accepted = try await runner(policy: policy).run(request("downScale", fingerprint: "down"))
        #expect(accepted.name == "accepted")
        let cluster = try await cluster()
        #expect(cluster.spec.brokers.count == 4, "the broker leaves when the reconciler has chosen it")
        #expect(cluster.status?.pendingBrokerRemovals == 1)
        try await store.settle()
        let next = try await runner(policy: policy).run(request("upScale", fingerprint: "up2"))
        #expect(next == .deferred(reason: "a downScale waits for the reconciler to choose its broker"))
    }

    @Test func addPvcFindsTheBrokerFromItsClaimAndPicksTheNextMountPath() async throws {
        let outcome = try await runner().run(
            request(
                "addPVC",
                [
                    "persistentvolumeclaim": "kafka-2-storage-0-abcde", "diskSize": "2G",
                    "mountPathPrefix": "/kafka-logs",
                ]))
        #expect(outcome.name == "accepted", "\(outcome)")
        let broker = try #require(try await cluster().spec.brokers.first { $0.id == 2 })
        #expect(broker.brokerConfig?.storageConfigs?.map(\.mountPath) == ["/kafka-logs-1"])
    }

    static let rejected: [(command: String, parameters: [String: String], reason: String)] = [
        (
            "scaleSideways", [:],
            "unknown command 'scaleSideways'; known: addPvc, downScale, rebalance, resizePvc, upScale"
        ),
        ("downScale", ["brokerId": "x"], "parameter 'brokerId': 'x' is not a broker id"),
        (
            "rebalance", ["destinationBrokerIds": "1,9"],
            "parameter 'destinationBrokerIds': '9' is not a broker of the cluster"
        ),
        (
            "rebalance", ["destinationBrokerIds": "1,,2"],
            "parameter 'destinationBrokerIds': '' is not a broker id"
        ),
        (
            "downScale", ["brokerId": "1", "force": "yes"],
            "parameter 'force': must be true or false, not 'yes'"
        ),
        (
            "downScale", ["brokerId": "1", "force": "TRUE"],
            "parameter 'force': must be true or false, not 'TRUE'"
        ),
        (
            "downScale", ["force": "true"],
            "parameter 'force': needs a brokerId: only a named broker is removed by force"
        ),
        ("downScale", ["brokerId": "-1"], "parameter 'brokerId': '-1' is not a broker id"),
        (
            "downScale", ["brokerId": "7"],
            "parameter 'brokerId': the cluster has no broker 7, or it is already leaving"
        ),
        (
            "upScale", ["brokerConfigGroup": "gold"],
            "parameter 'brokerConfigGroup': no broker config group is called 'gold'; without one, give diskSize (and optionally image, mountPath, storageClass) to build the broker from"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "10Gx"],
            "parameter 'diskSize': '10Gx' is not a quantity like 10Gi, 500m or 1.5G"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "-1Gi"],
            "parameter 'diskSize': '-1Gi' is negative; a quantity here must be zero or more"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "0"],
            "parameter 'diskSize': '0' is 0 bytes; a disk must be at least 1Gi"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "1e3"],
            "parameter 'diskSize': '1e3' is 1000 bytes; a disk must be at least 1Gi"
        ),
        (
            "upScale", ["diskSize": "1023Mi"],
            "parameter 'diskSize': '1023Mi' is 1072693248 bytes; a disk must be at least 1Gi"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "17Ti"],
            "parameter 'diskSize': '17Ti' is larger than the limit of 16Ti"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "10Gi500m"],
            "parameter 'diskSize': '10Gi500m' is not a quantity like 10Gi, 500m or 1.5G"
        ),
        (
            "addPvc", ["brokerId": "0", "diskSize": "1500000000500m"],
            "parameter 'diskSize': '1500000000500m' is not a whole number of bytes"
        ),
        ("downScale", ["brokerId": "+1"], "parameter 'brokerId': '+1' is not a broker id"),
        ("downScale", ["brokerId": "01"], "parameter 'brokerId': '01' is not a broker id"),
        ("downScale", ["brokerId": "1 "], "parameter 'brokerId': '1 ' is not a broker id"),
        ("downScale", ["brokerId": "2147483648"], "parameter 'brokerId': '2147483648' is not a broker id"),
        ("downScale", ["brokerId": "１"], "parameter 'brokerId': '１' is not a broker id"),
        (
            "addPvc", ["persistentvolumeclaim": "other-0-storage-0-x"],
            "parameter 'persistentvolumeclaim': 'other-0-storage-0-x' is not a disk of cluster kafka"
        ),
        ("addPvc", [:], "parameter 'brokerId': give brokerId or persistentvolumeclaim"),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "relative"],
            "parameter 'mountPathPrefix': 'relative' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/"],
            "parameter 'mountPathPrefix': '/' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/kafka-logs/"],
            "parameter 'mountPathPrefix': '/kafka-logs/' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/a/../etc"],
            "parameter 'mountPathPrefix': '/a/../etc' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/a//b"],
            "parameter 'mountPathPrefix': '/a//b' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/a/./b"],
            "parameter 'mountPathPrefix': '/a/./b' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/kafka logs"],
            "parameter 'mountPathPrefix': '/kafka logs' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/a,/b"],
            "parameter 'mountPathPrefix': '/a,/b' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/a\nb"],
            "parameter 'mountPathPrefix': '/a\nb' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "mountPathPrefix": "/é"],
            "parameter 'mountPathPrefix': '/é' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc",
            [
                "brokerId": "0",
                "mountPathPrefix":
                    "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ],
            "parameter 'mountPathPrefix': '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "upScale", ["mountPath": "data"],
            "parameter 'mountPath': 'data' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "A B!"],
            "parameter 'storageClass': 'A B!' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "Fast"],
            "parameter 'storageClass': 'Fast' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "-fast"],
            "parameter 'storageClass': '-fast' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "fast-"],
            "parameter 'storageClass': 'fast-' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "fast..ssd"],
            "parameter 'storageClass': 'fast..ssd' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": ".fast"],
            "parameter 'storageClass': '.fast' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc", ["brokerId": "0", "storageClass": "fast_ssd"],
            "parameter 'storageClass': 'fast_ssd' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "addPvc",
            [
                "brokerId": "0",
                "storageClass":
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ],
            "parameter 'storageClass': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "upScale", ["storageClass": "A B!"],
            "parameter 'storageClass': 'A B!' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        ),
        (
            "upScale", ["image": "Kafka:3.9"],
            "parameter 'image': 'Kafka:3.9' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka:"],
            "parameter 'image': 'kafka:' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka:-x"],
            "parameter 'image': 'kafka:-x' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka@sha256:abc"],
            "parameter 'image': 'kafka@sha256:abc' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "registry:99999/kafka"],
            "parameter 'image': 'registry:99999/kafka' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "/kafka"],
            "parameter 'image': '/kafka' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka/"],
            "parameter 'image': 'kafka/' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka//x"],
            "parameter 'image': 'kafka//x' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "kafka image"],
            "parameter 'image': 'kafka image' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale",
            [
                "image":
                    "kafka:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            ],
            "parameter 'image': 'kafka:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
        (
            "upScale", ["image": "ghcr.io/-x/kafka"],
            "parameter 'image': 'ghcr.io/-x/kafka' is not an image reference like registry.example.com/kafka:3.9.0"
        ),
    ]

    @Test(arguments: rejected)
    func badRequestsAreRejectedAndChangeNothing(
        _ row: (command: String, parameters: [String: String], reason: String)
    ) async throws {
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let outcome = try await runner().run(request(row.command, row.parameters))
        #expect(outcome.name == "rejected" && outcome.detail == row.reason, "\(outcome)")
        let after = try await store.get(namespace: "kafka", name: "kafka")
        #expect(after == before)
    }

    @Test func anUnknownClusterIsRejected() async throws {
        let outcome = try await runner().run(
            ActionRequest(
                command: "upScale", namespace: "kafka", cluster: "nope", source: .manual(caller: "ops")))
        #expect(outcome == .unknownCluster(reason: "KafkaCluster kafka/nope does not exist"))
    }

    /// A new command is one type registered in one place.
    struct LabelAction: Action {
        let command = "label"
        func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
            throws(ActionError) -> String
        {
            cluster.metadata.labels = (cluster.metadata.labels ?? [:]).merging(["scaled": "yes"]) { _, new in
                new
            }
            return "labelled"
        }
    }

    @Test func aRegisteredPluginRunsLikeTheBuiltIns() async throws {
        var registry = ActionRegistry.builtIn
        registry.register(LabelAction())
        #expect(try await runner(registry: registry).run(request("LABEL")).name == "accepted")
        #expect(try await cluster().metadata.labels?["scaled"] == "yes")
    }

    @Test func rollingUpgradeAlertsAreCountedNotActedOn() async throws {
        let outcome = try await runner().countRollingUpgradeAlert(
            namespace: "kafka", cluster: "kafka",
            alert: FiringAlert(fingerprint: "a", startsAt: "2026-01-01T00:00:00Z"),
            firing: true)
        #expect(outcome.name == "recorded")
        #expect(try await cluster().status?.alertCount == 1)
        #expect(try await cluster().spec.brokers.count == 3)
    }

    @Test func rollingUpgradeAlertsCountOnlyWhileTheyFire() async throws {
        let runner = runner()
        func send(_ fingerprint: String, firing: Bool = true, endsAt: String? = nil) async throws {
            _ = try await runner.countRollingUpgradeAlert(
                namespace: "kafka", cluster: "kafka",
                alert: FiringAlert(
                    fingerprint: fingerprint, startsAt: "2026-01-01T00:00:00Z", endsAt: endsAt),
                firing: firing)
        }
        try await send("a")
        try await send("a")  // a re-sent notification is one alert
        try await send("b")
        #expect(try await cluster().status?.alertCount == 2)
        try await send("a", firing: false)
        #expect(try await cluster().status?.alertCount == 1)
        #expect(try await cluster().status?.rollingUpgradeAlerts?.map(\.fingerprint) == ["b"])
        // One whose endsAt has passed no longer counts, and is dropped at the next write.
        try await send("c", endsAt: "2000-01-01T00:00:00Z")
        #expect(try await cluster().status?.alertCount == 1)
        try await send("b", firing: false)
        #expect(try await cluster().status?.alertCount == 0)
        #expect(try await cluster().status?.rollingUpgradeAlerts == nil)
    }

    @Test func diskCountPerBrokerIsBounded() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        policy.maximumDisksPerBroker = 2
        let runner = runner(policy: policy)
        // Broker 0 has its group's one disk; one more reaches the bound.
        #expect(
            try await runner.run(request("addPvc", ["brokerId": "0"], fingerprint: "d1")).name == "accepted")
        try await store.settle()
        let refused = try await runner.run(request("addPvc", ["brokerId": "0"], fingerprint: "d2"))
        #expect(refused == .rejected(reason: "broker 0 already has 2 disks, the limit is 2"))
    }

    @Test func anOperatorWideDryRunChangesNothing() async throws {
        var policy = ActionPolicy()
        policy.dryRun = true
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let outcome = try await runner(policy: policy).run(request("upScale"))
        #expect(outcome == .planned(change: "added broker 3 (config group default)"))
        #expect(try await store.get(namespace: "kafka", name: "kafka") == before)
    }
}
