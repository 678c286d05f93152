import ClusterModel
import JSON
import Kubernetes
import ResourceQuantity
import Testing

@testable import Reconciler

/// Which claim updates are sent: the pure decision, then the reconciler against the local
/// cluster, whose API server refuses what Kubernetes refuses.
@Suite struct ClaimResizeTests {
    static func claim(_ name: String, storage: String, storageClass: String? = "standard", bound: Bool = true)
        -> PersistentVolumeClaim
    {
        var claim = PersistentVolumeClaim(
            metadata: Kubernetes.ObjectMeta(name: name, namespace: "kafka"),
            spec: PersistentVolumeClaim.Spec(
                accessModes: ["ReadWriteOnce"], storageClassName: storageClass, storage: storage))
        claim.status = PersistentVolumeClaim.Status(phase: bound ? "Bound" : "Pending")
        return claim
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let live: PersistentVolumeClaim
        let wanted: String
        let classes: [String: ClaimResize.ClassAnswer]
        let verdict: ClaimResize.Verdict?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "grows in an expandable class", live: claim("a", storage: "10Gi"), wanted: "20Gi",
            classes: ["standard": .expandable], verdict: .send),
        Row(
            name: "the same size written otherwise is no resize", live: claim("a", storage: "1Gi"),
            wanted: "1024Mi", classes: [:], verdict: nil),
        Row(
            name: "a class without expansion", live: claim("a", storage: "10Gi", storageClass: "fixed"),
            wanted: "20Gi", classes: ["fixed": .notExpandable],
            verdict: .refuse(
                "a: cannot grow from 10Gi to 20Gi: its StorageClass fixed does not allow volume expansion")),
        Row(
            name: "a class that does not exist", live: claim("a", storage: "10Gi", storageClass: "gone"),
            wanted: "20Gi", classes: ["gone": .missing],
            verdict: .refuse("a: cannot grow from 10Gi to 20Gi: its StorageClass gone does not exist")),
        Row(
            name: "no class at all", live: claim("a", storage: "10Gi", storageClass: nil), wanted: "20Gi",
            classes: [:], verdict: .refuse("a: cannot grow from 10Gi to 20Gi: it has no StorageClass")),
        Row(
            name: "a class that could not be read waits", live: claim("a", storage: "10Gi"), wanted: "20Gi",
            classes: ["standard": .unknown], verdict: .wait),
        Row(
            name: "an unbound claim waits", live: claim("a", storage: "10Gi", bound: false), wanted: "20Gi",
            classes: [:], verdict: .wait),
        Row(
            name: "a shrink is never sent, whatever the class", live: claim("a", storage: "20Gi"),
            wanted: "10Gi", classes: ["standard": .expandable],
            verdict: .refuse(
                "a: its spec asks to shrink it from 20Gi to 10Gi; a claim never shrinks, so it keeps its size"
            )),
        Row(
            name: "an unreadable size is left to the API server", live: claim("a", storage: "10Gi"),
            wanted: "lots", classes: [:], verdict: nil),
    ]

    @Test(arguments: rows) func aClaimUpdateIsSentOnlyWhereTheAPIServerAllowsIt(_ row: Row) throws {
        var desired = row.live
        desired.spec?.resources?.requests = ["storage": row.wanted]
        let steps: [ReconcileStep] = [.update(OwnedObject(desired))]
        let resizes = ClaimResize.classify(
            steps: steps, actual: ActualState(objects: [OwnedObject(row.live)]))
        #expect(resizes.first?.verdict(classes: row.classes) == row.verdict)
        #expect(resizes.count == (row.verdict == nil ? 0 : 1))
    }

    @Test func classesAreReadOnceAndOnlyForBoundClaimsThatGrow() {
        let live = [
            Self.claim("a", storage: "1Gi"), Self.claim("b", storage: "1Gi"),
            Self.claim("c", storage: "1Gi", storageClass: "fixed", bound: false),
            Self.claim("d", storage: "5Gi", storageClass: "other"),
        ]
        let steps: [ReconcileStep] = live.map { claim in
            var desired = claim
            desired.spec?.resources?.requests = ["storage": claim.name == "d" ? "1Gi" : "2Gi"]
            return .update(OwnedObject(desired))
        }
        let resizes = ClaimResize.classify(
            steps: steps, actual: ActualState(objects: live.map(OwnedObject.init)))
        #expect(resizes.map(\.claim) == ["a", "b", "c", "d"])
        #expect(ClaimResize.classesToRead(resizes) == ["standard"])
    }

    @Test func holdingAClaimKeepsEveryOtherStep() {
        let config = ConfigMap(metadata: Kubernetes.ObjectMeta(name: "kafka-config-0", namespace: "kafka"))
        let steps: [ReconcileStep] = [
            .update(OwnedObject(Self.claim("a", storage: "2Gi"))),
            .update(OwnedObject(Self.claim("b", storage: "2Gi"))),
            .create(OwnedObject(config)), .forgetBroker(3),
        ]
        #expect(
            ClaimResize.removing(["a"], from: steps) == [
                .update(OwnedObject(Self.claim("b", storage: "2Gi"))), .create(OwnedObject(config)),
                .forgetBroker(3),
            ])
    }

    // MARK: - Through the local cluster

    static func claimSizes(_ cluster: ReconcilerCluster) async throws -> [String] {
        try await cluster.objects(.persistentVolumeClaims).compactMap {
            $0["spec"]?["resources"]?["requests"]?["storage"]?.text
        }
    }

    static func setDisk(_ size: String, storageClass: String? = nil) -> (inout KafkaCluster) -> Void {
        { cluster in
            guard var disks = cluster.spec.brokerConfigGroups?["default"]?.storageConfigs, !disks.isEmpty
            else {
                return
            }
            disks[0].pvcSpec?.resources = PersistentVolumeClaimSpec.Resources(requests: ["storage": size])
            if let storageClass { disks[0].pvcSpec?.storageClassName = storageClass }
            cluster.spec.brokerConfigGroups?["default"]?.storageConfigs = disks
        }
    }

    @Test func growingADiskGrowsItsClaimsInTheDefaultClass() async throws {
        let cluster = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await cluster.stop() } }
        _ = try await cluster.reconcile()
        try await cluster.waitUntilSettled()
        #expect(try await Self.claimSizes(cluster) == ["10Gi", "10Gi"])

        try await cluster.modify(Self.setDisk("20Gi"))
        let result = try await cluster.reconcile()
        #expect(result.updated == 2)
        #expect(try await Self.claimSizes(cluster) == ["20Gi", "20Gi"])
        #expect(!(try await cluster.eventReasons()).contains("ClaimNotExpandable"))
        #expect(try await cluster.document().cluster.status?.unresizedClaims == nil)
        #expect(try await cluster.reconcile().updated == 0)
    }

    @Test func aClassWithoutExpansionKeepsTheSizeWarnsOnceAndTheRestReconciles() async throws {
        let cluster = try await ReconcilerCluster.start(brokers: [0, 1])
        defer { Task { await cluster.stop() } }
        _ = try await cluster.client.create(
            StorageClass(metadata: Kubernetes.ObjectMeta(name: "fixed"), provisioner: "example.com/fixed"))
        try await cluster.modify(Self.setDisk("10Gi", storageClass: "fixed"))
        _ = try await cluster.reconcile()
        try await cluster.waitUntilSettled()

        // The disk grows and a broker joins in one change: the broker still comes.
        try await cluster.modify { cluster in
            Self.setDisk("20Gi")(&cluster)
            cluster.spec.brokers.append(Broker(id: 2, brokerConfigGroup: "default"))
        }
        cluster.api.reset()
        let result = try await cluster.reconcile()
        // The cluster, one list per managed kind, and the class of both claims read once.
        #expect(cluster.api.counts.byMethod["GET"] == 1 + ManagedKinds.all.count + 1)
        #expect(result.created > 0)
        #expect(try await cluster.names(.pods).count == 3)
        #expect(try await Self.claimSizes(cluster).sorted() == ["10Gi", "10Gi", "20Gi"])
        let status = try await cluster.document().cluster.status
        #expect(status?.unresizedClaims?.count == 2)
        #expect(
            status?.unresizedClaims?.allSatisfy {
                $0.contains("StorageClass fixed does not allow volume expansion")
            } == true, "\(status?.unresizedClaims ?? [])")

        _ = try await cluster.reconcile()
        let warnings = try await cluster.events().filter { $0["reason"]?.text == "ClaimNotExpandable" }
        #expect(warnings.count == 1)
        #expect(warnings.first?["type"]?.text == "Warning")
        let message = warnings.first?["message"]?.text ?? ""
        #expect(message.contains("kafka-0-storage-0-") && message.contains("fixed"), "\(message)")
    }

    @Test func shrinkingADiskNeverSendsAShrink() async throws {
        let cluster = try await ReconcilerCluster.start(brokers: [0])
        defer { Task { await cluster.stop() } }
        _ = try await cluster.reconcile()
        try await cluster.waitUntilSettled()
        try await cluster.modify(Self.setDisk("5Gi"))
        let result = try await cluster.reconcile()
        #expect(result.updated == 0)
        #expect(try await Self.claimSizes(cluster) == ["10Gi"])
        let warnings = try await cluster.events().filter { $0["reason"]?.text == "ClaimNotExpandable" }
        #expect(warnings.count == 1)
        #expect(warnings.first?["message"]?.text?.contains("never shrinks") == true)
        #expect(try await cluster.document().cluster.status?.unresizedClaims?.count == 1)
    }
}
