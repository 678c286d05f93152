import ClusterModel
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Every rendered object is checked against the Kubernetes OpenAPI schema by
/// `kubernetes-validate --strict`, which also refuses fields the schema does not know.
@Suite(.enabled(if: Peer.available("kubernetes-validate"), "kubernetes-validate is not installed"))
struct KubernetesValidationTests {
    static func variants() throws -> [(String, KafkaCluster)] {
        let example = try ClusterFixtures.example()
        var allBroker = example
        allBroker.spec.headlessServiceEnabled = false
        var bare = try ClusterFixtures.withBrokers([0, 7])
        bare.spec.listenersConfig = nil
        bare.spec.brokerConfigGroups?["default"]?.storageConfigs = [StorageConfig(mountPath: "/scratch")]
        // Cruise Control with every pod setting the spec can give it.
        var cruiseControl = try ClusterFixtures.example(cruiseControl: true)
        cruiseControl.spec.cruiseControlConfig?.serviceAccountName = "cruise-control"
        cruiseControl.spec.cruiseControlConfig?.nodeSelector = ["disk": "ssd"]
        cruiseControl.spec.cruiseControlConfig?.cruiseControlAnnotations = ["team": "data"]
        cruiseControl.spec.cruiseControlConfig?.priorityClassName = "low"
        cruiseControl.spec.cruiseControlConfig?.tolerations = .array([
            .object([
                ("key", .string("dedicated")), ("operator", .string("Exists")),
                ("effect", .string("NoSchedule")),
            ])
        ])
        cruiseControl.spec.cruiseControlConfig?.imagePullSecrets = .array([
            .object([("name", .string("registry"))])
        ])
        cruiseControl.spec.cruiseControlConfig?.podSecurityContext = .object([("runAsNonRoot", .bool(true))])
        cruiseControl.spec.cruiseControlConfig?.securityContext = .object([
            ("readOnlyRootFilesystem", .bool(false))
        ])
        cruiseControl.spec.cruiseControlConfig?.initContainers = .array([
            .object([
                ("name", .string("wait")), ("image", .string("busybox")),
                ("command", .array([.string("true")])),
            ])
        ])
        cruiseControl.spec.cruiseControlConfig?.volumes = .array([
            .object([("name", .string("extra")), ("emptyDir", .object([]))])
        ])
        cruiseControl.spec.cruiseControlConfig?.volumeMounts = .array([
            .object([("name", .string("extra")), ("mountPath", .string("/extra"))])
        ])
        var kraft = try ClusterFixtures.example(cruiseControl: true)
        kraft.spec.kRaft = true
        kraft.spec.headlessServiceEnabled = false
        for index in kraft.spec.brokers.indices {
            kraft.spec.brokers[index].brokerConfig = BrokerConfig()
            kraft.spec.brokers[index].brokerConfig?.processRoles = ["broker", "controller"]
        }
        // Envoy in front of an external listener, with every pod and Service setting it takes.
        var external = try ClusterFixtures.withExternalListener()
        var envoy = EnvoyConfig()
        envoy.replicas = 2
        envoy.annotations = ["team": "data"]
        envoy.loadBalancerSourceRanges = ["10.0.0.0/8"]
        envoy.loadBalancerIP = "203.0.113.7"
        envoy.nodeSelector = ["pool": "edge"]
        envoy.priorityClassName = "high"
        envoy.serviceAccountName = "envoy"
        envoy.envoyCommandLineArgs = EnvoyCommandLineArgs(concurrency: 2)
        envoy.tolerations = cruiseControl.spec.cruiseControlConfig?.tolerations
        envoy.podSecurityContext = .object([("runAsNonRoot", .bool(true))])
        envoy.topologySpreadConstraints = .array([
            .object([
                ("maxSkew", .number("1")), ("topologyKey", .string("topology.kubernetes.io/zone")),
                ("whenUnsatisfiable", .string("ScheduleAnyway")),
            ])
        ])
        envoy.disruptionBudget = EnvoyDisruptionBudget(
            create: true, budget: "50%", strategy: "maxUnavailable")
        external.spec.envoyConfig = envoy
        external.spec.listenersConfig?.externalListeners?[0].serviceAnnotations = ["lb": "nlb"]
        external.spec.listenersConfig?.externalListeners?[0].externalTrafficPolicy = "Local"
        var nodePort = try ClusterFixtures.withExternalListener()
        nodePort.spec.listenersConfig?.externalListeners?[0].accessMethod = "NodePort"
        nodePort.spec.listenersConfig?.externalListeners?[0].externalStartingPort = 32000
        nodePort.spec.listenersConfig?.externalListeners?[0].externalTrafficPolicy = "Local"
        for index in nodePort.spec.brokers.indices {
            var config = nodePort.spec.brokers[index].brokerConfig ?? BrokerConfig()
            config.nodePortExternalIP = ["external": "198.51.100.\(index + 1)"]
            nodePort.spec.brokers[index].brokerConfig = config
        }
        var ssl = try ClusterFixtures.withExternalListener()
        ssl.spec.listenersConfig?.internalListeners?[0].type = "ssl"
        ssl.spec.listenersConfig?.externalListeners?[0].type = "ssl"
        ssl.spec.listenersConfig?.sslSecrets = .object([
            ("tlsSecretName", .string("kafka-ca")), ("create", .bool(true)),
        ])
        return [
            ("example", example), ("all-broker", allBroker), ("bare", bare), ("external", external),
            ("node-port", nodePort), ("ssl", ssl),
            ("cruise-control", cruiseControl),
            ("kraft-cruise-control", kraft),
        ]
    }

    @Test func everyRenderedObjectValidatesStrictly() throws {
        let directory = try TemporaryDirectory(prefix: "rendered")
        defer { directory.remove() }
        var files: [String] = []
        for (variant, cluster) in try Self.variants() {
            files += try Self.write(ClusterFixtures.render(cluster).objects, prefix: variant, into: directory)
        }
        #expect(files.count > 20)
        let output = try runProcess("kubernetes-validate", ["--strict", "--no-warn", "-k", "1.31.0"] + files)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let validated = output.stdout.split(separator: "\n").filter { $0.hasPrefix("INFO") }
        #expect(validated.count == files.count, "\(output.stdout)")
    }

    /// Writes each object as JSON into `directory`; returns the file paths.
    static func write(_ objects: [OwnedObject], prefix: String, into directory: TemporaryDirectory) throws
        -> [String]
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try objects.map { object in
            let data = try encoder.encode(object.base)
            let file = directory.file("\(prefix)-\(object.resourceType.plural)-\(object.name).json")
            try data.write(to: file)
            return file.path
        }
    }
}
