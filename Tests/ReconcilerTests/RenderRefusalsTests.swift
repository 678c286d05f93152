import ClusterModel
import JSON
import Testing

@testable import Reconciler

@Suite struct RenderRefusalsTests {
    static func base() throws -> KafkaCluster {
        var cluster = try ClusterFixtures.withBrokers([0, 1])
        cluster.spec.listenersConfig?.externalListeners = nil
        return cluster
    }

    @Test func aPlainZooKeeperClusterIsNotRefused() throws {
        #expect(RenderRefusals.check(try Self.base()).isEmpty)
    }

    /// One row per feature not rendered yet: the change and the path the refusal must name.
    @Test(
        arguments: [
            ("own certificate on the client-facing listener", "spec.clientSSLCertSecret"),
            ("sasl_ssl internal listener", "spec.listenersConfig.internalListeners[0].type"),
            ("sasl listener without JAAS", "spec.listenersConfig.internalListeners[0].type"),
            ("unknown listener type", "spec.listenersConfig.internalListeners[0].type"),
            ("NodePort node address type", "spec.brokers[0].brokerConfig.nodePortNodeAddressType"),
            ("rack awareness", "spec.rackAwareness"),
            ("no zookeeper", "spec.zkAddresses"),
            ("listener on the metrics port", "spec.listenersConfig"),
            ("volume with an unknown source", "spec.brokerConfigGroups.default.volumes[0].hostPath"),
            ("init container with an unknown field", "spec.brokers[1].brokerConfig.initContainers[0].stdin"),
            ("kraft without roles", "spec.brokers[0].brokerConfig.processRoles"),
            ("kraft without a controller", "spec.brokers"),
            ("kraft without a controller listener", "spec.listenersConfig.internalListeners"),
        ])
    func eachFeatureIsRefusedByItsPath(change: String, path: String) throws {
        var cluster = try Self.base()
        var spec = cluster.spec
        /// KRaft with broker 0 in `roles` and broker 1 in `others`.
        func kraft(roles: [String]?, others: [String] = ["broker", "controller"]) {
            spec.kRaft = true
            for (index, assigned) in [roles, others].enumerated() {
                spec.brokers[index].brokerConfig = BrokerConfig()
                spec.brokers[index].brokerConfig?.processRoles = assigned
            }
        }
        switch change {
        case "own certificate on the client-facing listener":
            spec.listenersConfig?.internalListeners?[0].type = "ssl"
            spec.listenersConfig?.internalListeners?[0].serverSSLCertSecret = .object([
                ("name", .string("own"))
            ])
        case "sasl_ssl internal listener": spec.listenersConfig?.internalListeners?[0].type = "sasl_ssl"
        case "sasl listener without JAAS": spec.listenersConfig?.internalListeners?[0].type = "sasl_plaintext"
        case "unknown listener type": spec.listenersConfig?.internalListeners?[0].type = "quic"
        case "NodePort node address type":
            var listener = ExternalListener(
                name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 0)
            listener.accessMethod = "NodePort"
            spec.listenersConfig?.externalListeners = [listener]
            var config = spec.brokers[0].brokerConfig ?? BrokerConfig()
            config.nodePortNodeAddressType = "PublicIP"
            spec.brokers[0].brokerConfig = config
        case "rack awareness": spec.rackAwareness = .object([("labels", .array([.string("zone")]))])
        case "no zookeeper": spec.zkAddresses = nil
        case "listener on the metrics port": spec.listenersConfig?.internalListeners?[1].containerPort = 9020
        case "volume with an unknown source":
            spec.brokerConfigGroups?["default"]?.volumes = .array([
                .object([("name", .string("host")), ("hostPath", .object([("path", .string("/var"))]))])
            ])
        case "init container with an unknown field":
            spec.brokers[1].brokerConfig = BrokerConfig()
            spec.brokers[1].brokerConfig?.initContainers = .array([
                .object([("name", .string("wait")), ("image", .string("busybox")), ("stdin", .bool(true))])
            ])
        case "kraft without roles": kraft(roles: nil)
        case "kraft without a controller": kraft(roles: ["broker"], others: ["broker"])
        case "kraft without a controller listener":
            kraft(roles: ["broker", "controller"])
            spec.listenersConfig?.internalListeners?[1].usedForControllerCommunication = false
        default: Issue.record("unknown row \(change)")
        }
        cluster.spec = spec
        let refusals = RenderRefusals.check(cluster)
        #expect(refusals.map(\.path) == [path], "\(refusals)")
        #expect(refusals.allSatisfy { !$0.reason.isEmpty && $0.description.hasPrefix($0.path + ": ") })
    }

    @Test func aSASLListenerWithItsJAASConfigIsRendered() throws {
        var cluster = try Self.base()
        cluster.spec.listenersConfig?.internalListeners?[0].type = "sasl_plaintext"
        cluster.spec.readOnlyConfig =
            "listener.name.internal.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required;\n"
        #expect(RenderRefusals.check(cluster).isEmpty)
    }

    @Test func passThroughObjectsTheTypesCarryAreNotRefused() throws {
        var cluster = try Self.base()
        cluster.spec.brokerConfigGroups?["default"]?.volumes = .array([
            .object([("name", .string("scratch")), ("emptyDir", .object([]))])
        ])
        cluster.spec.brokerConfigGroups?["default"]?.volumeMounts = .array([
            .object([("name", .string("scratch")), ("mountPath", .string("/scratch"))])
        ])
        #expect(RenderRefusals.check(cluster).isEmpty)
        let pod = try #require(ClusterFixtures.render(cluster).broker(0)?.pod.spec)
        #expect(pod.volumes?.contains { $0.name == "scratch" && $0.emptyDir != nil } == true)
        #expect(pod.containers[0].volumeMounts?.contains { $0.mountPath == "/scratch" } == true)
    }
}
