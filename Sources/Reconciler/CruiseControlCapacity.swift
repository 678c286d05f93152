import ClusterModel
import JSON
import ResourceQuantity

/// Cruise Control's `capacity.json`, as Koperator generates it: the spec's `capacityConfig`
/// when one of its entries stands for every broker (`brokerId` `-1`); otherwise its entries
/// followed by one generated entry per broker it does not name, in the JBOD form (a size per
/// log dir). Pure.
///
/// Brokers are those of the spec and those the status still tracks, so a broker leaving
/// through a Cruise Control removal keeps its entry until it is gone; one no longer in the spec
/// gets Koperator's default capacity.
public enum CruiseControlCapacity {
    /// Koperator's defaults: one core (100%), 125,000 KB/s each way, and for a broker no longer
    /// in the spec a 10 GiB disk at `/kafka-logs`.
    public static let defaultCPU = "100"
    public static let defaultNetwork = "125000"
    public static let defaultDisk = ("/kafka-logs/kafka", "10737")
    static let unitsNote = "DISK in MB per log dir, CPU in percent of one core, NW_IN and NW_OUT in KB/s."

    /// `kept`: per broker, disks out of the spec still mounted while `remove_disks` empties
    /// them; they keep their entry until then, as Koperator keeps them.
    public static func render(
        _ spec: KafkaClusterSpec, status: KafkaClusterStatus?, kept: [Int32: [StorageConfig]] = [:]
    ) -> String {
        let written = spec.cruiseControlConfig?.capacityConfig ?? ""
        let user = written.isEmpty ? nil : try? BrokerCapacityConfig(parsing: written)
        if let user, user.coversEveryBroker { return written }

        let named = Set(user?.brokerIDs ?? [])
        let tracked = (status?.brokersState ?? [:]).keys.compactMap { Int32($0) }
        let ids = Set(spec.brokers.map(\.id) + tracked).filter { !named.contains(String($0)) }.sorted()
        let generated = ids.map { id in
            spec.brokers.first { $0.id == id }.map { entry(for: $0, in: spec, kept: kept[id] ?? []) }
                ?? defaultEntry(id)
        }
        let document = JSONValue.object([("brokerCapacities", .array((user?.entries ?? []) + generated))])
        return String(decoding: document.encoded(), as: UTF8.self)
    }

    /// One broker's capacity from its disks, CPU limit and network configuration.
    static func entry(for broker: Broker, in spec: KafkaClusterSpec, kept: [StorageConfig] = []) -> JSONValue
    {
        let config = spec.effectiveConfig(of: broker)
        // A disk without a readable size is left out; validation names it.
        let disks: [(key: String, value: JSONValue)] = (spec.effectiveStorage(of: broker) + kept).compactMap {
            disk in
            guard let size = disk.pvcSpec?.storage, let quantity = try? Quantity(parsing: size) else {
                return nil
            }
            return (
                ServerProperties.logDir(mountPath: disk.mountPath),
                .string(String(CruiseControlConfig.megabytes(quantity)))
            )
        }
        let network = NetworkThroughput(config.networkConfig)
        return capacity(
            broker: broker.id, disks: disks,
            cpu: cpu(config.resourceRequirements ?? BrokerPodLayout.defaultResources),
            incoming: network.incoming ?? defaultNetwork, outgoing: network.outgoing ?? defaultNetwork)
    }

    static func defaultEntry(_ id: Int32) -> JSONValue {
        capacity(
            broker: id, disks: [(defaultDisk.0, .string(defaultDisk.1))], cpu: defaultCPU,
            incoming: defaultNetwork,
            outgoing: defaultNetwork)
    }

    /// The CPU limit in percent of one core, rounded up as Kubernetes scales quantities; the
    /// request when there is no limit, one core when there is neither.
    static func cpu(_ resources: JSONValue) -> String {
        for kind in ["limits", "requests"] {
            guard let text = resources[kind]?["cpu"].flatMap(Self.text),
                let quantity = try? Quantity(parsing: text),
                quantity.milliValue > 0
            else { continue }
            return String((quantity.milliValue + 9) / 10)
        }
        return defaultCPU
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text), .number(let text): return text
        default: return nil
        }
    }

    private static func capacity(
        broker: Int32, disks: [(key: String, value: JSONValue)], cpu: String, incoming: String,
        outgoing: String
    ) -> JSONValue {
        .object([
            ("brokerId", .string(String(broker))),
            (
                "capacity",
                .object([
                    ("DISK", .object(disks)), ("CPU", .string(cpu)), ("NW_IN", .string(incoming)),
                    ("NW_OUT", .string(outgoing)),
                ])
            ),
            ("doc", .string(unitsNote)),
        ])
    }
}
