import Testing

@testable import Reconciler

/// The checker must accept what Kafka accepts and name the key of each thing Kafka refuses,
/// so the sample test cannot pass by checking nothing.
@Suite struct ServerPropertiesCheckTests {
    static let zooKeeper: [String: String] = [
        "broker.id": "0",
        "listeners": "INTERNAL://:29092,CONTROLLER://:29093",
        "advertised.listeners":
            "CONTROLLER://kafka-0.kafka-headless:29093,INTERNAL://kafka-0.kafka-headless:29092",
        "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "INTERNAL",
        "control.plane.listener.name": "CONTROLLER",
        "log.dirs": "/kafka-logs/kafka",
        "zookeeper.connect": "zk:2181/kafka",
    ]
    static let voters = "3@kafka-3.kafka-headless:29093,4@kafka-4.kafka-headless:29093"
    static let kraftBroker: [String: String] = [
        "node.id": "0", "process.roles": "broker",
        "listeners": "INTERNAL://:29092",
        "advertised.listeners": "INTERNAL://kafka-0.kafka-headless:29092",
        "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "INTERNAL", "controller.listener.names": "CONTROLLER",
        "controller.quorum.voters": voters, "log.dirs": "/kafka-logs/kafka",
    ]
    static let kraftController: [String: String] = [
        "node.id": "4", "process.roles": "controller",
        "listeners": "CONTROLLER://:29093",
        "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "INTERNAL", "controller.listener.names": "CONTROLLER",
        "controller.quorum.voters": voters, "log.dirs": "/kafka-logs/kafka",
    ]
    static let disks = ["/kafka-logs"]
    static let ports: [Int32] = [29092, 29093, 9020]

    static func problems(_ base: [String: String], _ change: [String: String?], disks: [String] = disks)
        -> [ServerPropertiesCheck.Problem]
    {
        var properties = base
        for (key, value) in change { properties[key] = value }
        return ServerPropertiesCheck.problems(properties, disks: disks, containerPorts: ports)
    }

    @Test func validConfigurationsPass() {
        #expect(Self.problems(Self.zooKeeper, [:]).isEmpty)
        #expect(Self.problems(Self.kraftBroker, [:]).isEmpty)
        #expect(Self.problems(Self.kraftController, [:]).isEmpty)
        var combined = Self.kraftController
        combined["node.id"] = "3"
        combined["process.roles"] = "broker,controller"
        combined["listeners"] = "INTERNAL://:29092,CONTROLLER://:29093"
        combined["advertised.listeners"] = "INTERNAL://kafka-3.kafka-headless:29092"
        #expect(Self.problems(combined, [:]).isEmpty)
    }

    /// One row per way to break a configuration, with the key the problem must name.
    @Test(
        arguments: [
            ("zk", ["zookeeper.connect": nil], "zookeeper.connect"),
            ("zk", ["broker.id": nil], "broker.id"),
            ("zk", ["broker.id": "-1"], "broker.id"),
            ("zk", ["node.id": "7"], "node.id"),
            ("zk", ["listener.security.protocol.map": "INTERNAL:PLAINTEXT"], "listeners"),
            (
                "zk", ["listener.security.protocol.map": "INTERNAL:TLS,CONTROLLER:PLAINTEXT"],
                "listener.security.protocol.map"
            ),
            ("zk", ["inter.broker.listener.name": "REPLICATION"], "inter.broker.listener.name"),
            ("zk", ["inter.broker.listener.name": nil], "inter.broker.listener.name"),
            (
                "zk", ["advertised.listeners": "INTERNAL://kafka-0:29092,OTHER://kafka-0:1"],
                "advertised.listeners"
            ),
            ("zk", ["advertised.listeners": "INTERNAL://0.0.0.0:29092"], "advertised.listeners"),
            ("zk", ["log.dirs": nil], "log.dirs"),
            ("zk", ["log.dirs": "/kafka-logs/kafka,/kafka-logs/kafka"], "log.dirs"),
            ("zk", ["log.dirs": "/elsewhere/kafka"], "log.dirs"),
            ("zk", ["listeners": "INTERNAL://:29092,CONTROLLER://:29092"], "listeners"),
            ("zk", ["listeners": "INTERNAL://:39092,CONTROLLER://:29093"], "listeners"),
            ("zk", ["listeners": "INTERNAL:29092"], "listeners"),
            ("zk", ["control.plane.listener.name": "INTERNAL"], "control.plane.listener.name"),
            ("zk", ["controller.listener.names": "CONTROLLER"], "controller.listener.names"),
            ("broker", ["node.id": nil], "node.id"),
            ("broker", ["broker.id": "9"], "broker.id"),
            ("broker", ["process.roles": "broker,observer"], "process.roles"),
            ("broker", ["controller.quorum.voters": nil], "controller.quorum.voters"),
            ("broker", ["controller.quorum.voters": "3@kafka-3"], "controller.quorum.voters"),
            ("broker", ["controller.quorum.voters": "0@kafka-0:29093"], "controller.quorum.voters"),
            ("broker", ["controller.listener.names": nil], "controller.listener.names"),
            ("broker", ["listeners": "INTERNAL://:29092,CONTROLLER://:29093"], "listeners"),
            (
                "broker", ["advertised.listeners": "CONTROLLER://kafka-0:29093,INTERNAL://kafka-0:29092"],
                "advertised.listeners"
            ),
            ("broker", ["inter.broker.listener.name": "CONTROLLER"], "inter.broker.listener.name"),
            ("broker", ["zookeeper.connect": "zk:2181"], "zookeeper.connect"),
            ("broker", ["control.plane.listener.name": "CONTROLLER"], "control.plane.listener.name"),
            ("controller", ["node.id": "5"], "controller.quorum.voters"),
            ("controller", ["listeners": "INTERNAL://:29092,CONTROLLER://:29093"], "listeners"),
            ("controller", ["listeners": "INTERNAL://:29092"], "listeners"),
            ("controller", ["advertised.listeners": "CONTROLLER://kafka-4:29093"], "advertised.listeners"),
            (
                "controller", ["controller.quorum.voters": "3@kafka-3:29093,4@kafka-4:39093"],
                "controller.quorum.voters"
            ),
        ] as [(String, [String: String?], String)])
    func eachBreakageIsNamed(base: String, change: [String: String?], key: String) {
        let configuration = [
            "zk": Self.zooKeeper, "broker": Self.kraftBroker, "controller": Self.kraftController,
        ][base]
        let problems = Self.problems(configuration ?? [:], change)
        #expect(problems.contains { $0.key == key }, "\(problems)")
    }

    @Test func oneLogDirPerDisk() {
        let twoDisks = ["/kafka-logs", "/kafka-logs-2"]
        #expect(Self.problems(Self.zooKeeper, [:], disks: twoDisks).map(\.key) == ["log.dirs"])
        #expect(
            Self.problems(
                Self.zooKeeper, ["log.dirs": "/kafka-logs/kafka,/kafka-logs-2/kafka"], disks: twoDisks
            )
            .isEmpty)
    }

    @Test func aPodPortDeclaredTwiceIsAProblem() {
        let problems = ServerPropertiesCheck.problems(
            Self.zooKeeper, disks: Self.disks, containerPorts: [29092, 29093, 9020, 9020])
        #expect(problems.map(\.key) == ["listeners"])
    }

    static let sslListener: [String: String] = {
        var properties = zooKeeper
        properties["listener.security.protocol.map"] = "INTERNAL:SSL,CONTROLLER:PLAINTEXT"
        properties["listener.name.internal.ssl.keystore.type"] = "JKS"
        properties["listener.name.internal.ssl.keystore.location"] = "/secrets/internal/keystore.jks"
        properties["listener.name.internal.ssl.keystore.password"] = "${directory:/secrets/internal:password}"
        properties["config.providers"] = "directory"
        properties["config.providers.directory.class"] = KafkaConfigProviders.directoryClass
        return properties
    }()

    /// One row per way to leave an SSL listener or the reporter unable to start.
    @Test(
        arguments: [
            (
                ["listener.name.internal.ssl.keystore.location": nil],
                "listener.name.internal.ssl.keystore.location"
            ),
            (
                ["listener.name.internal.ssl.keystore.password": nil],
                "listener.name.internal.ssl.keystore.password"
            ),
            (["config.providers": "env"], "listener.name.internal.ssl.keystore.password"),
            (["config.providers.directory.class": nil], "listener.name.internal.ssl.keystore.password"),
            (
                ["listener.name.internal.ssl.keystore.location": "/etc/keystore.jks"],
                "listener.name.internal.ssl.keystore.location"
            ),
            (
                ["cruise.control.metrics.reporter.security.protocol": "SSL"],
                "cruise.control.metrics.reporter.ssl.keystore.location"
            ),
        ] as [([String: String?], String)])
    func anIncompleteSSLListenerIsNamed(change: [String: String?], key: String) {
        var properties = Self.sslListener
        for (name, value) in change { properties[name] = value }
        let problems = ServerPropertiesCheck.problems(
            properties, disks: Self.disks, containerPorts: Self.ports, secretMounts: ["/secrets/internal"])
        #expect(problems.contains { $0.key == key }, "\(problems)")
        let complete = ServerPropertiesCheck.problems(
            Self.sslListener, disks: Self.disks, containerPorts: Self.ports,
            secretMounts: ["/secrets/internal"])
        #expect(complete.isEmpty, "\(complete)")
    }

    @Test func anUnprefixedKeystoreServesEveryListenerAsInKafka() {
        var properties = Self.sslListener
        for key in ["type", "location", "password"] {
            properties["ssl.keystore.\(key)"] = properties.removeValue(
                forKey: "listener.name.internal.ssl.keystore.\(key)")
        }
        let problems = ServerPropertiesCheck.problems(
            properties, disks: Self.disks, containerPorts: Self.ports, secretMounts: ["/secrets/internal"])
        #expect(problems.isEmpty, "\(problems)")
    }
}
