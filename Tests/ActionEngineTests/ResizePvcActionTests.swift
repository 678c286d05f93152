import ClusterModel
import Testing

@testable import ActionEngine

/// `resizePvc`, and the disk and broker settings upScale takes from an alert.
extension ActionRunnerTests {
    /// The claim the operator names for a disk of the example cluster.
    static func claim(_ broker: Int32, _ index: Int = 0, _ mountPath: String = "/kafka-logs") -> String {
        BrokerClaimName(cluster: "kafka", broker: broker, index: index, mountPath: mountPath).description
    }

    func resize(_ claim: String, by increment: String, fingerprint: String = "r1") -> ActionRequest {
        request(
            "resizePvc", ["persistentvolumeclaim": claim, "incrementBy": increment], fingerprint: fingerprint)
    }

    @Test func resizeGrowsAGroupDiskForThatBrokerOnly() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        let outcome = try await runner(policy: policy).run(resize(Self.claim(0), by: "10Gi"))
        #expect(outcome.detail == "grew the disk at /kafka-logs of broker 0 from 10Gi to 20Gi")
        let spec = try await cluster().spec
        let disks = spec.effectiveStorage(of: spec.brokers[0])
        #expect(disks.map(\.mountPath) == ["/kafka-logs"])
        #expect(
            disks.first?.pvcSpec
                == PersistentVolumeClaimSpec(
                    accessModes: ["ReadWriteOnce"], storageClassName: "standard", storage: "20Gi"))
        #expect(spec.effectiveStorage(of: spec.brokers[1]).first?.pvcSpec?.storage == "10Gi")
        #expect(spec.brokerConfigGroups?["default"]?.storageConfigs?.first?.pvcSpec?.storage == "10Gi")

        // Again: the broker's own setting grows in place rather than gaining a second entry.
        try await store.settle()
        _ = try await runner(policy: policy).run(resize(Self.claim(0), by: "500M", fingerprint: "r2"))
        let grown = try await cluster().spec.brokers[0].brokerConfig?.storageConfigs
        #expect(grown?.map(\.mountPath) == ["/kafka-logs"])
        #expect(grown?.first?.pvcSpec?.storage == "21974836480")
    }

    /// The disk is found by the hash of its mount path: its position may have moved since the
    /// claim was named.
    @Test func resizeFindsTheDiskByTheMountPathInTheClaimName() async throws {
        let outcome = try await runner().run(resize(Self.claim(2, 7, "/kafka-logs-2"), by: "1Ti"))
        #expect(outcome.detail == "grew the disk at /kafka-logs-2 of broker 2 from 100Gi to 1124Gi")
        let spec = try await cluster().spec
        #expect(spec.effectiveStorage(of: spec.brokers[2]).map(\.pvcSpec?.storage) == ["100Gi", "1124Gi"])
    }

    @Test func resizeStopsAtTheLargestDisk() async throws {
        var policy = ActionPolicy()
        policy.maximumDiskSize = 15 << 30
        let refused = try await runner(policy: policy).run(resize(Self.claim(0), by: "6Gi"))
        #expect(
            refused
                == .rejected(
                    reason:
                        "growing the disk at /kafka-logs of broker 0 from 10Gi by 6Gi would pass the limit of 15Gi"
                ))
        let exact = try await runner(policy: policy).run(resize(Self.claim(0), by: "5Gi", fingerprint: "r2"))
        #expect(exact.detail == "grew the disk at /kafka-logs of broker 0 from 10Gi to 15Gi")
    }

    static let rejectedResizes: [(parameters: [String: String], reason: String)] = [
        (["incrementBy": "10Gi"], "parameter 'persistentvolumeclaim': give the claim of the disk to grow"),
        (
            ["persistentvolumeclaim": "postgres-data", "incrementBy": "10Gi"],
            "parameter 'persistentvolumeclaim': 'postgres-data' is not a disk of cluster kafka"
        ),
        (
            ["persistentvolumeclaim": "other-0-storage-0-1a2b3c4d", "incrementBy": "10Gi"],
            "parameter 'persistentvolumeclaim': 'other-0-storage-0-1a2b3c4d' is not a disk of cluster kafka"
        ),
        (
            ["persistentvolumeclaim": "kafka-01-storage-0-1a2b3c4d", "incrementBy": "10Gi"],
            "parameter 'persistentvolumeclaim': 'kafka-01-storage-0-1a2b3c4d' is not a disk of cluster kafka"
        ),
        (
            [
                "persistentvolumeclaim": "kafka-0-storage-0-" + String(repeating: "a", count: 300),
                "incrementBy": "1Gi",
            ],
            "parameter 'persistentvolumeclaim': 'kafka-0-storage-0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a disk of cluster kafka"
        ),
        (
            ["persistentvolumeclaim": "kafka-0-storage-0-x7k2p", "incrementBy": "10Gi"],
            "parameter 'persistentvolumeclaim': 'kafka-0-storage-0-x7k2p' is not the operator's name for a disk of broker 0 (<cluster>-<broker>-storage-<n>-<hash of the mount path>)"
        ),
        (
            ["persistentvolumeclaim": claim(9), "incrementBy": "10Gi"],
            "parameter 'persistentvolumeclaim': '\(claim(9))' belongs to broker 9, which the cluster does not have"
        ),
        (
            ["persistentvolumeclaim": claim(0)],
            "parameter 'incrementBy': give how much to grow the disk by, such as 10Gi"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "10Gx"],
            "parameter 'incrementBy': '10Gx' is not a quantity like 10Gi, 500m or 1.5G"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "-1Gi"],
            "parameter 'incrementBy': '-1Gi' is negative; a quantity here must be zero or more"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "0"],
            "parameter 'incrementBy': '0' is zero; a disk can only grow"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "0Gi"],
            "parameter 'incrementBy': '0Gi' is zero; a disk can only grow"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "500m"],
            "parameter 'incrementBy': '500m' is not a whole number of bytes"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "9Ei"],
            "parameter 'incrementBy': '9Ei' is too large"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "9223372036854775807"],
            "parameter 'incrementBy': '9223372036854775807' is too large"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "8Pi"],
            "growing the disk at /kafka-logs of broker 0 from 10Gi by 8Pi would pass the limit of 16Ti"
        ),
        (
            ["persistentvolumeclaim": claim(0), "incrementBy": "10 Gi"],
            "parameter 'incrementBy': '10 Gi' is not a quantity like 10Gi, 500m or 1.5G"
        ),
    ]

    @Test(arguments: rejectedResizes)
    func badResizesAreRejectedAndChangeNothing(_ row: (parameters: [String: String], reason: String))
        async throws
    {
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let outcome = try await runner().run(request("resizePvc", row.parameters))
        #expect(outcome.name == "rejected" && outcome.detail == row.reason, "\(outcome)")
        #expect(try await store.get(namespace: "kafka", name: "kafka") == before)
    }

    /// Koperator's fallback: with no such config group, the broker is built from the alert.
    @Test func upScaleWithoutTheGroupBuildsTheBrokerFromTheAlert() async throws {
        let outcome = try await runner().run(
            request(
                "upScale",
                [
                    "brokerConfigGroup": "gold", "diskSize": "50Gi", "storageClass": "fast",
                    "image": "kafka:next",
                    "brokerAnnotations": #"{"prometheus.io/scrape": "true", "team": "streaming"}"#,
                ]))
        #expect(outcome.detail == "added broker 3 from the alert's settings (no config group 'gold')")
        let broker = try #require(try await cluster().spec.brokers.last)
        #expect(broker.id == 3 && broker.brokerConfigGroup == nil)
        #expect(broker.brokerConfig?.image == "kafka:next")
        #expect(
            broker.brokerConfig?.storageConfigs == [
                StorageConfig(
                    mountPath: "/kafka-logs",
                    pvcSpec: PersistentVolumeClaimSpec(
                        accessModes: ["ReadWriteOnce"], storageClassName: "fast", storage: "50Gi"))
            ])
        #expect(
            broker.brokerConfig?.brokerAnnotations == ["prometheus.io/scrape": "true", "team": "streaming"])
    }

    @Test func upScaleFromAGroupTakesTheBrokerAnnotationsAndMayReplaceAGroupDisk() async throws {
        _ = try await runner().run(
            request(
                "upScale",
                [
                    "mountPath": "/kafka-logs", "diskSize": "20Gi",
                    "brokerAnnotations": #"{"a.example.com/b": ""}"#,
                ]))
        let spec = try await cluster().spec
        let broker = try #require(spec.brokers.last)
        #expect(broker.brokerConfigGroup == "default")
        #expect(broker.brokerConfig?.brokerAnnotations == ["a.example.com/b": ""])
        #expect(spec.effectiveStorage(of: broker).map(\.pvcSpec?.storage) == ["20Gi"])
    }

    static let badBrokerAnnotations: [(json: String, says: String)] = [
        ("", ""),  // empty counts as absent
        ("not json", "parameter 'brokerAnnotations': is not JSON"),
        ("[]", "parameter 'brokerAnnotations': should be a JSON object of strings"),
        (
            #""team""#,
            "should be a JSON object of strings such as {\"prometheus.io/scrape\": \"true\"}, not a string"
        ),
        ("null", "not null"),
        (#"{"port": 9020}"#, "parameter 'brokerAnnotations': 'port' should be a string, not a number"),
        (#"{"a": null}"#, "'a' should be a string, not null"),
        (#"{"a": {"b": "c"}}"#, "'a' should be a string, not an object"),
        (#"{"a": "x", "a": "y"}"#, "parameter 'brokerAnnotations': is not JSON"),
        (#"{"bad key!": "x"}"#, "'bad key!' is not an annotation key"),
        (#"{"": "x"}"#, "'' is not an annotation key"),
        (#"{"Upper.Example.com/x": "y"}"#, "'Upper.Example.com/x' is not an annotation key"),
        (#"{"a/b/c": "y"}"#, "'a/b/c' is not an annotation key"),
        (#"{"-a": "y"}"#, "'-a' is not an annotation key"),
        ("{\"\(String(repeating: "k", count: 64))\": \"y\"}", "is not an annotation key"),
        (
            "{\"a\": \"\(String(repeating: "v", count: 300_000))\"}",
            "is larger than the 256 KiB Kubernetes allows"
        ),
        (String(repeating: "[", count: 100), "parameter 'brokerAnnotations': is not JSON"),
    ]

    @Test(arguments: badBrokerAnnotations)
    func badBrokerAnnotationsAreRejectedAndChangeNothing(_ row: (json: String, says: String)) async throws {
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let outcome = try await runner().run(request("upScale", ["brokerAnnotations": row.json]))
        if row.json.isEmpty {
            #expect(outcome.name == "accepted")
            #expect(try await cluster().spec.brokers.last?.brokerConfig == nil)
            return
        }
        #expect(outcome.name == "rejected", "\(outcome)")
        #expect(outcome.detail?.contains(row.says) == true, "\(outcome)")
        #expect(try await store.get(namespace: "kafka", name: "kafka") == before)
    }
}
