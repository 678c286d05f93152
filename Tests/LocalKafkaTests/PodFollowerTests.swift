import JSON
import LocalKafka
import Testing

@Suite struct PodFollowerTests {
    static func properties(_ id: Int32, dirs: String = "/kafka-logs/kafka") -> String {
        """
        # rendered by the operator
        broker.id=\(id)
        listeners=INTERNAL://:29092,CONTROLLER://:29093
        advertised.listeners=INTERNAL://kafka-\(id).kafka.svc.cluster.local:29092,CONTROLLER://kafka-\(id).kafka.svc.cluster.local:29093
        log.dirs=\(dirs)
        """
    }

    static func configMap(_ id: Int32, _ text: String?, cluster: String = "kafka") -> PodFollower.Event {
        var data: [(String, JSONValue)] = []
        if let text { data.append(("broker-config", .string(text))) }
        return .init(
            resource: .configMap,
            object: .object([
                (
                    "metadata",
                    .object([("name", .string("\(cluster)-config-\(id)")), ("namespace", .string("kafka"))])
                ),
                ("data", .object(data)),
            ]))
    }

    enum PodState { case pending, ready, notReady, terminating, deleted }

    static func pod(_ name: String, broker: Int32, _ state: PodState, cluster: String = "kafka")
        -> PodFollower.Event
    {
        var metadata: [(String, JSONValue)] = [
            ("name", .string(name)), ("namespace", .string("kafka")),
            (
                "labels",
                .object([
                    ("app", .string("kafka")), ("kafka_cr", .string(cluster)),
                    ("brokerId", .string("\(broker)")),
                ])
            ),
        ]
        if state == .terminating { metadata.append(("deletionTimestamp", .string("2026-01-01T00:00:00Z"))) }
        let ready = state == .ready || state == .terminating
        let status: JSONValue = .object([
            ("phase", .string(state == .pending ? "Pending" : "Running")),
            (
                "conditions",
                .array([.object([("type", .string("Ready")), ("status", .string(ready ? "True" : "False"))])])
            ),
        ])
        return .init(
            resource: .pod, deleted: state == .deleted,
            object: .object([("metadata", .object(metadata)), ("status", status)]))
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [PodFollower.Event]
        /// The changes the last event causes.
        var last: [String]
        var running: [Int32]
        var testDescription: String { name }
    }

    static func describe(_ change: PodFollower.Change) -> String {
        switch change {
        case .start(let config): "start \(config.brokerID) \(config.logDirs)"
        case .stop(let id): "stop \(id)"
        case .refused(let id, let reason): "refuse \(id): \(reason)"
        }
    }

    @Test(arguments: [
        Row(
            name: "a Ready pod starts its broker from its ConfigMap",
            events: [configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready)],
            last: ["start 0 [\"/kafka-logs/kafka\"]"], running: [0]),
        Row(
            name: "a pending pod starts nothing",
            events: [configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .pending)], last: [],
            running: []),
        Row(
            name: "a pod that stops being Ready stops its broker",
            events: [
                configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready),
                pod("kafka-0-a", broker: 0, .notReady),
            ], last: ["stop 0"], running: []),
        Row(
            name: "a terminating pod stops its broker",
            events: [
                configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready),
                pod("kafka-0-a", broker: 0, .terminating),
            ], last: ["stop 0"], running: []),
        Row(
            name: "a deleted pod stops its broker",
            events: [
                configMap(1, properties(1)), pod("kafka-1-a", broker: 1, .ready),
                pod("kafka-1-a", broker: 1, .deleted),
            ], last: ["stop 1"], running: []),
        Row(
            name: "a replacement pod restarts the broker with the ConfigMap as it is then",
            events: [
                configMap(2, properties(2)), pod("kafka-2-a", broker: 2, .ready),
                pod("kafka-2-a", broker: 2, .deleted),
                configMap(2, properties(2, dirs: "/a/kafka,/b/kafka")), pod("kafka-2-b", broker: 2, .ready),
            ], last: ["start 2 [\"/a/kafka\", \"/b/kafka\"]"], running: [2]),
        Row(
            name: "a second Ready pod of a running broker changes nothing",
            events: [
                configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready),
                pod("kafka-0-b", broker: 0, .ready),
            ], last: [], running: [0]),
        Row(
            name: "the broker runs while one of its pods is Ready",
            events: [
                configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready),
                pod("kafka-0-b", broker: 0, .ready),
                pod("kafka-0-a", broker: 0, .deleted),
            ], last: [], running: [0]),
        Row(
            name: "a pod of another cluster is ignored",
            events: [configMap(0, properties(0)), pod("other-0-a", broker: 0, .ready, cluster: "other")],
            last: [],
            running: []),
        Row(
            name: "a Ready pod without a ConfigMap is refused",
            events: [pod("kafka-0-a", broker: 0, .ready)],
            last: ["refuse 0: ConfigMap kafka/kafka-config-0 has no broker-config"], running: []),
        Row(
            name: "a ConfigMap seen after its Ready pod starts the broker",
            events: [pod("kafka-0-a", broker: 0, .ready), configMap(0, properties(0))],
            last: ["start 0 [\"/kafka-logs/kafka\"]"], running: [0]),
        Row(
            name: "a changed ConfigMap of a running broker restarts nothing",
            events: [
                configMap(0, properties(0)), pod("kafka-0-a", broker: 0, .ready),
                configMap(0, properties(0, dirs: "/a/kafka")),
            ], last: [], running: [0]),
        Row(
            name: "a ConfigMap without a broker id is refused",
            events: [configMap(0, "log.dirs=/x"), pod("kafka-0-a", broker: 0, .ready)],
            last: ["refuse 0: kafka/kafka-config-0: server.properties sets neither node.id nor broker.id"],
            running: []),
        Row(
            name: "a ConfigMap for another broker id is refused",
            events: [configMap(0, properties(3)), pod("kafka-0-a", broker: 0, .ready)],
            last: ["refuse 0: kafka/kafka-config-0 configures broker 3, not 0"], running: []),
    ])
    func followsPods(_ row: Row) {
        var follower = PodFollower(cluster: "kafka", namespace: "kafka")
        var last: [PodFollower.Change] = []
        for event in row.events { last = follower.apply(event) }
        #expect(last.map(Self.describe) == row.last)
        #expect(follower.runningBrokers == row.running)
    }

    @Test func readsServerPropertiesAsKafkaDoes() throws {
        let config = try BrokerStartupConfig(
            parsing: """
                ! a comment
                  node.id : 7
                log.dirs=/a/kafka,\\
                    /b/kafka
                advertised.listeners=PLAINTEXT://broker-7.example:9092
                num.network.threads 3
                """)
        #expect(config.brokerID == 7)
        #expect(config.logDirs == ["/a/kafka", "/b/kafka"])
        #expect(config.advertisedHost == "broker-7.example")
        #expect(config.properties["num.network.threads"] == "3")
        #expect(throws: BrokerStartupConfigError.invalidBrokerID("-1")) {
            try BrokerStartupConfig(parsing: "broker.id=-1")
        }
    }

    /// Each advertised listener with the container port `listeners` binds it to; a listener
    /// bound to no advertised host (a wildcard, a KRaft controller's) is not advertised.
    @Test func readsEveryAdvertisedListenerWithItsBoundPort() throws {
        let config = try BrokerStartupConfig(
            parsing: """
                node.id=1
                listeners=INTERNAL://:29092,CONTROLLER://:29093,EXTERNAL://:9094
                advertised.listeners=INTERNAL://kafka-1.kafka.svc.cluster.local:29092,EXTERNAL://203.0.113.7:19091
                """)
        #expect(
            config.advertisedListeners == [
                BrokerListenerEndpoint(
                    name: "INTERNAL", port: 29092, advertisedHost: "kafka-1.kafka.svc.cluster.local",
                    advertisedPort: 29092),
                BrokerListenerEndpoint(
                    name: "EXTERNAL", port: 9094, advertisedHost: "203.0.113.7", advertisedPort: 19091),
            ])
        #expect(config.advertisedHost == "kafka-1.kafka.svc.cluster.local")
        let wildcard = try BrokerStartupConfig(
            parsing: "node.id=1\nlisteners=PLAINTEXT://0.0.0.0:9092,bad entry")
        #expect(wildcard.advertisedListeners.isEmpty)
        #expect(wildcard.advertisedHost == nil)
    }

    /// Broker loss and return through the follower: leaders move, the ISR shrinks, and the
    /// returning broker rejoins after the catch-up delay.
    @Test func podsDriveTheSimulatedCluster() throws {
        var cluster = SimulatedCluster(now: 0, timing: .init(catchUpDelayMilliseconds: 1_000))
        var follower = PodFollower(cluster: "kafka", namespace: "kafka")
        func feed(_ event: PodFollower.Event) throws {
            for change in follower.apply(event) { try PodFollower.apply(change, to: &cluster) }
        }
        for id: Int32 in 0...1 {
            try feed(Self.configMap(id, Self.properties(id)))
            try feed(Self.pod("kafka-\(id)-a", broker: id, .ready))
        }
        #expect(cluster.brokers[0]?.host == "kafka-0.kafka.svc.cluster.local")
        try cluster.createTopic("t", assignment: [[0, 1]])
        let key = TopicPartition("t", 0)

        try feed(Self.pod("kafka-0-a", broker: 0, .deleted))
        #expect(cluster.partitions[key]?.leader == 1)
        #expect(cluster.partitions[key]?.isr == [1])

        try feed(Self.pod("kafka-0-b", broker: 0, .ready))
        #expect(cluster.brokers[0]?.isAlive == true)
        #expect(cluster.partitions[key]?.isr == [1])
        cluster.advance(to: 1_000)
        #expect(cluster.partitions[key]?.isr.sorted() == [0, 1])
    }
}
