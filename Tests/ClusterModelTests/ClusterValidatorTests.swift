import Foundation
import TestSupport
import Testing

@testable import ClusterModel

@Suite struct ClusterValidatorTests {
    static func cluster(_ edit: (inout KafkaClusterSpec) -> Void) -> KafkaCluster {
        var spec = KafkaClusterSpec(brokers: [
            Broker(id: 0, brokerConfigGroup: "default"), Broker(id: 1, brokerConfigGroup: "default"),
        ])
        spec.brokerConfigGroups = [
            "default": BrokerConfig(storageConfigs: [
                StorageConfig(mountPath: "/kafka-logs", pvcSpec: PersistentVolumeClaimSpec(storage: "10Gi"))
            ])
        ]
        spec.listenersConfig = ListenersConfig(internalListeners: [
            InternalListener(
                name: "internal", type: "plaintext", containerPort: 29092,
                usedForInnerBrokerCommunication: true)
        ])
        edit(&spec)
        return KafkaCluster(metadata: ObjectMeta(name: "kafka", namespace: "kafka"), spec: spec)
    }

    @Test func theExampleAndABaseClusterAreValid() throws {
        #expect(ClusterValidator.problems(in: Self.cluster { _ in }).isEmpty)
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        #expect(ClusterValidator.problems(in: try ClusterDocument(yaml: yaml).cluster).isEmpty)
    }

    static let rows: [(name: String, edit: @Sendable (inout KafkaClusterSpec) -> Void, problems: [String])] =
        [
            ("duplicate id", { $0.brokers[1].id = 0 }, ["spec.brokers[1].id: broker id 0 is used twice"]),
            (
                "negative id", { $0.brokers[0].id = -1 },
                ["spec.brokers[0].id: must be between 0 and 65534, not -1"]
            ),
            (
                "huge id", { $0.brokers[0].id = .max },
                ["spec.brokers[0].id: must be between 0 and 65534, not 2147483647"]
            ),
            (
                "unknown group", { $0.brokers[0].brokerConfigGroup = "gold" },
                ["spec.brokers[0].brokerConfigGroup: no broker config group is called 'gold'"]
            ),
            (
                "bad disk size",
                {
                    $0.brokers[0].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/d2", pvcSpec: PersistentVolumeClaimSpec(storage: "10Gx"))
                    ])
                },
                [
                    "spec.brokers[0].brokerConfig.storageConfigs[0].pvcSpec.resources.requests.storage: '10Gx' is not a quantity like 10Gi, 500m or 1.5G"
                ]
            ),
            (
                "zero disk size",
                {
                    $0.brokers[0].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/d2", pvcSpec: PersistentVolumeClaimSpec(storage: "0"))
                    ])
                },
                [
                    "spec.brokers[0].brokerConfig.storageConfigs[0].pvcSpec.resources.requests.storage: must be more than zero"
                ]
            ),
            (
                "same mount path as the group",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/kafka-logs/")
                    ])
                },
                ["spec.brokers[1].storageConfigs: mount path /kafka-logs is used twice"]
            ),
            (
                "the broker's own disk twice at the group's path",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/kafka-logs"), StorageConfig(mountPath: "/kafka-logs"),
                    ])
                },
                ["spec.brokers[1].storageConfigs: mount path /kafka-logs is used twice"]
            ),
            (
                "nested mount path",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/kafka-logs/more")
                    ])
                },
                ["spec.brokers[1].storageConfigs: mount paths /kafka-logs and /kafka-logs/more are nested"]
            ),
            (
                "relative mount path",
                {
                    $0.brokers[0].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "data")
                    ])
                },
                [
                    "spec.brokers[0].brokerConfig.storageConfigs[0].mountPath: must be an absolute path other than /, not 'data'"
                ]
            ),
            (
                "listener clash",
                {
                    $0.listenersConfig?.externalListeners = [
                        ExternalListener(name: "internal", type: "plaintext", containerPort: 29092)
                    ]
                },
                [
                    "spec.listenersConfig.externalListeners[0].name: listener name 'internal' is used twice",
                    "spec.listenersConfig.externalListeners[0].containerPort: port 29092 is used twice",
                ]
            ),
            (
                "envoy timeouts and limit",
                {
                    var envoy = EnvoyConfig()
                    envoy.connectTimeout = "1 second"
                    envoy.idleTimeout = "0s"
                    envoy.maxConnections = 0
                    $0.envoyConfig = envoy
                },
                [
                    "spec.envoyConfig.connectTimeout: must be a positive duration such as 500ms, 2s or 1m30s, not '1 second'",
                    "spec.envoyConfig.idleTimeout: must be a positive duration such as 500ms, 2s or 1m30s, not '0s'",
                    "spec.envoyConfig.maxConnections: must be at least 1, not 0",
                ]
            ),
            (
                "keystore Secret references",
                {
                    $0.listenersConfig?.internalListeners?[0].serverSSLCertSecret = .object([
                        ("name", .string(""))
                    ])
                    var external = ExternalListener(
                        name: "external", type: "ssl", containerPort: 9094, externalStartingPort: 19090)
                    external.serverSSLCertSecret = .object([("name", .string("kafka-server"))])
                    $0.listenersConfig?.externalListeners = [external]
                    $0.clientSSLCertSecret = .object([])
                },
                [
                    "spec.listenersConfig.internalListeners[0].serverSSLCertSecret.name: must name the Secret holding the listener's keystore",
                    "spec.listenersConfig.internalListeners[0].serverSSLCertSecret: a plaintext listener uses no certificate",
                    "spec.clientSSLCertSecret.name: must name the Secret holding the client keystore",
                ]
            ),
            (
                "limits", { $0.alertManagerConfig = AlertManagerConfig(upScaleLimit: 1, downScaleLimit: 3) },
                [
                    "spec.alertManagerConfig.upScaleLimit: is 1, below the 2 brokers the cluster already has",
                    "spec.alertManagerConfig.downScaleLimit: is above upScaleLimit (3 > 1)",
                ]
            ),
        ]

    @Test(arguments: rows)
    func reportsEveryBrokenRuleWithItsPath(
        _ row: (name: String, edit: @Sendable (inout KafkaClusterSpec) -> Void, problems: [String])
    ) {
        #expect(
            ClusterValidator.problems(in: Self.cluster(row.edit)).map(\.description) == row.problems,
            "\(row.name)")
    }

    @Test func durationsAreReadAsKubernetesWritesThem() {
        #expect(DurationText.milliseconds("500ms") == 500)
        #expect(DurationText.milliseconds("2s") == 2_000)
        #expect(DurationText.milliseconds("1m30s") == 90_000)
        #expect(DurationText.milliseconds("2.5s") == 2_500)
        #expect(DurationText.milliseconds("1h") == 3_600_000)
        for bad in ["", "5", "s", "1d", "-1s", "1 s", "1s2", String(repeating: "9", count: 400) + "h"] {
            #expect(DurationText.milliseconds(bad) == nil, "\(bad)")
        }
    }
}
