import JSON

/// Keeps the simulated brokers in step with the pods of one KafkaCluster in the cluster they
/// run in: a broker is up while one of its pods (labels `app=kafka`, `kafka_cr`, `brokerId`)
/// is Running and Ready and not terminating; when its last such pod goes, the broker goes
/// offline (leaders move, ISRs shrink: `SimulatedCluster`'s semantics), and when a pod is
/// Ready again the broker starts from its ConfigMap's `server.properties` as it is then.
///
/// A value fed the cluster's pod and ConfigMap changes, so tests drive it with synthetic
/// objects; `follow(_:simulation:report:)` runs it against a live stream. It never reads the
/// objects' payloads beyond labels, phase, conditions and the `broker-config` key.
public struct PodFollower: Sendable {
    /// One observed change to a pod or a ConfigMap.
    public struct Event: Sendable {
        public enum Resource: Sendable { case pod, configMap }
        public var resource: Resource
        public var deleted: Bool
        public var object: JSONValue

        public init(resource: Resource, deleted: Bool = false, object: JSONValue) {
            self.resource = resource
            self.deleted = deleted
            self.object = object
        }
    }

    /// What the simulated cluster must do.
    public enum Change: Equatable, Sendable, CustomStringConvertible {
        case start(BrokerStartupConfig)
        case stop(Int32)
        /// A pod is Ready but its broker cannot start from its configuration.
        case refused(broker: Int32, reason: String)

        public var description: String {
            switch self {
            case .start(let config):
                "broker \(config.brokerID) started (log.dirs \(config.logDirs.joined(separator: ",")))"
            case .stop(let id): "broker \(id) stopped"
            case .refused(let id, let reason): "broker \(id) cannot start: \(reason)"
            }
        }
    }

    public let cluster: String
    public let namespace: String
    private var brokerConfigs: [Int32: String] = [:]
    /// Ready, non-terminating pods by name, with their broker.
    private var readyPods: [String: Int32] = [:]
    private var running: Set<Int32> = []

    public static let configKey = "broker-config"

    public init(cluster: String, namespace: String) {
        self.cluster = cluster
        self.namespace = namespace
    }

    /// Brokers whose simulated process runs now.
    public var runningBrokers: [Int32] { running.sorted() }

    public mutating func apply(_ event: Event) -> [Change] {
        guard (event.object["metadata"]?["namespace"]).text == namespace,
            let name = (event.object["metadata"]?["name"]).text
        else { return [] }
        switch event.resource {
        case .configMap:
            let prefix = "\(cluster)-config-"
            guard name.hasPrefix(prefix), let id = Int32(name.dropFirst(prefix.count)) else { return [] }
            brokerConfigs[id] =
                event.deleted ? nil : (event.object["data"]?[Self.configKey]).text
            // A pod seen Ready before its ConfigMap (a restarted process lists pods first)
            // starts its broker now; a running broker keeps running as it started.
            return event.deleted ? [] : settle(id)
        case .pod:
            let before = readyPods[name]
            let broker = Self.broker(of: event.object, cluster: cluster)
            readyPods[name] = !event.deleted && Self.isServing(event.object) ? broker : nil
            var changes: [Change] = []
            for id in Set([before, readyPods[name]].compactMap { $0 }).sorted() {
                changes += settle(id)
            }
            return changes
        }
    }

    /// Starts or stops `id` to match whether any of its pods serves.
    private mutating func settle(_ id: Int32) -> [Change] {
        let serving = readyPods.values.contains(id)
        if !serving, running.remove(id) != nil { return [.stop(id)] }
        guard serving, !running.contains(id) else { return [] }
        let name = "\(cluster)-config-\(id)"
        guard let text = brokerConfigs[id] else {
            return [.refused(broker: id, reason: "ConfigMap \(namespace)/\(name) has no \(Self.configKey)")]
        }
        let config: BrokerStartupConfig
        do { config = try BrokerStartupConfig(parsing: text) } catch {
            return [.refused(broker: id, reason: "\(namespace)/\(name): \(error)")]
        }
        guard config.brokerID == id else {
            return [
                .refused(
                    broker: id, reason: "\(namespace)/\(name) configures broker \(config.brokerID), not \(id)"
                )
            ]
        }
        running.insert(id)
        return [.start(config)]
    }

    /// The broker a pod of this cluster runs, from its labels.
    static func broker(of pod: JSONValue, cluster: String) -> Int32? {
        let labels = pod["metadata"]?["labels"]
        guard (labels?["app"]).text == "kafka", (labels?["kafka_cr"]).text == cluster,
            let text = (labels?["brokerId"]).text
        else { return nil }
        return Int32(text)
    }

    /// Running, Ready and not terminating: Kafka stops on the SIGTERM a deletion sends.
    static func isServing(_ pod: JSONValue) -> Bool {
        guard (pod["status"]?["phase"]).text == "Running",
            pod["metadata"]?["deletionTimestamp"] == nil,
            case .array(let conditions)? = pod["status"]?["conditions"]
        else { return false }
        return conditions.contains {
            ($0["type"]).text == "Ready" && ($0["status"]).text == "True"
        }
    }

    /// Makes `change` in `cluster`: a new broker joins with its configured log directories; a
    /// known one is reconfigured (its host and log directories) and started.
    public static func apply(_ change: Change, to cluster: inout SimulatedCluster)
        throws(SimulatedClusterError)
    {
        switch change {
        case .start(let config):
            let host = config.advertisedHost ?? cluster.brokers[config.brokerID]?.host ?? ""
            if cluster.brokers[config.brokerID] == nil {
                try cluster.addBroker(
                    SimulatedBroker(id: config.brokerID, host: host, logDirs: config.logDirs))
            } else {
                try cluster.configureBroker(config.brokerID, host: host, logDirs: config.logDirs)
                try cluster.startBroker(config.brokerID)
            }
        case .stop(let id):
            if cluster.brokers[id] != nil { try cluster.stopBroker(id) }
        case .refused:
            return
        }
    }

    /// Follows `events` until they end, applying each change to `simulation`; `report` hears
    /// every change and every refusal in words, `applied` every change the cluster took (to
    /// open or close the broker's socket).
    public mutating func follow(
        _ events: AsyncStream<Event>, simulation: ClusterSimulation, report: @Sendable (String) -> Void,
        applied: @Sendable (Change) async -> Void = { _ in }
    ) async {
        for await event in events {
            for change in apply(event) {
                if case .refused = change {
                    report("\(change)")
                    continue
                }
                do {
                    try await simulation.update { (cluster) throws(SimulatedClusterError) in
                        try Self.apply(change, to: &cluster)
                    }
                    report("\(change)")
                    await applied(change)
                } catch {
                    report("\(change) refused by the simulated cluster: \(error)")
                }
            }
        }
    }
}

extension Optional where Wrapped == JSONValue {
    /// The string this is, if it is one.
    fileprivate var text: String? {
        if case .string(let text)? = self { text } else { nil }
    }
}
