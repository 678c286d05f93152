import JSON
import ResourceQuantity

/// The rules `spec.cruiseControlConfig` must follow, part of `ClusterValidator`.
enum CruiseControlValidation {
    private static let path = "spec.cruiseControlConfig"

    static func check(
        _ config: CruiseControlConfig, in spec: KafkaClusterSpec, report: (String, String) -> Void
    ) {
        if let topic = config.topicConfig {
            if topic.partitions < 1 {
                report("\(path).topicConfig.partitions", "must be at least 1, not \(topic.partitions)")
            }
            // CreateTopics carries the replication factor in 16 bits.
            if !(1...Int32(Int16.max)).contains(topic.replicationFactor) {
                report(
                    "\(path).topicConfig.replicationFactor",
                    "must be from 1 to \(Int16.max), not \(topic.replicationFactor)")
            }
        }
        if let minutes = config.cruiseControlTaskSpec?.retryDurationMinutes, minutes < 0 {
            report(
                "\(path).cruiseControlTaskSpec.RetryDurationMinutes", "must not be negative, not \(minutes)")
        }
        if let ttl = config.cruiseControlOperationSpec?.ttlSecondsAfterFinished, ttl < 0 {
            report(
                "\(path).cruiseControlOperationSpec.ttlSecondsAfterFinished",
                "must not be negative, not \(ttl)")
        }
        if let endpoint = config.cruiseControlEndpoint, !endpoint.isEmpty,
            let problem = endpointProblem(endpoint)
        {
            report("\(path).cruiseControlEndpoint", problem)
        }
        if let text = config.clusterConfig, !text.isEmpty {
            do {
                let value = try JSONReader.parse(Array(text.utf8))
                if case .object = value {
                } else {
                    report("\(path).clusterConfig", "must be a JSON object, not \(value.kind)")
                }
            } catch {
                report("\(path).clusterConfig", "is not JSON: \(error.description)")
            }
        }
        var capacity: BrokerCapacityConfig?
        if let text = config.capacityConfig, !text.isEmpty {
            do { capacity = try BrokerCapacityConfig(parsing: text) } catch {
                report("\(path).capacityConfig", error.description)
            }
        }

        // What the generated capacity.json needs, for brokers the written one does not cover.
        guard !config.runsElsewhere, capacity?.coversEveryBroker != true else { return }
        let named = Set(capacity?.brokerIDs ?? [])
        for (index, broker) in spec.brokers.enumerated() where !named.contains(String(broker.id)) {
            checkCapacitySources(of: broker, at: "spec.brokers[\(index)]", in: spec, report: report)
        }
    }

    /// A broker's capacity comes from the sizes of its disks and its network configuration.
    private static func checkCapacitySources(
        of broker: Broker, at brokerPath: String, in spec: KafkaClusterSpec, report: (String, String) -> Void
    ) {
        let remedy = "or give broker \(broker.id) an entry in \(path).capacityConfig"
        let disks = spec.effectiveStorage(of: broker)
        if disks.isEmpty {
            report(
                brokerPath, "Cruise Control's capacity needs the broker's disks, and it has none; \(remedy)")
        }
        for disk in disks {
            guard let size = disk.pvcSpec?.storage else {
                report(
                    brokerPath,
                    "Cruise Control's capacity needs the size of the disk at \(disk.mountPath) "
                        + "(pvcSpec.resources.requests.storage); \(remedy)")
                continue
            }
            // An unreadable size is reported with the disk itself.
            guard let quantity = try? Quantity(parsing: size), quantity.milliValue > 0 else { continue }
            if CruiseControlConfig.megabytes(quantity) < 1 {
                report(
                    brokerPath,
                    "the disk at \(disk.mountPath) is \(size), below the 1 MB Cruise Control's capacity counts in"
                )
            }
        }
        let network = NetworkThroughput(spec.effectiveConfig(of: broker).networkConfig)
        for (field, value) in [
            ("incomingNetworkThroughPut", network.incoming), ("outgoingNetworkThroughPut", network.outgoing),
        ] {
            guard let value, !NetworkThroughput.isRate(value) else { continue }
            report(
                brokerPath,
                "networkConfig.\(field) (the broker's or its group's) must be a number of KB per second "
                    + "for Cruise Control's capacity, not '\(value)'")
        }
        if let problem = network.problem {
            report(brokerPath, "networkConfig (the broker's or its group's) \(problem)")
        }
    }

    /// Why `endpoint` is not `host:port`, or nil when it is.
    static func endpointProblem(_ endpoint: String) -> String? {
        let expected = "must be host:port (no scheme or path), not '\(endpoint)'"
        guard let colon = endpoint.lastIndex(of: ":") else { return expected }
        let host = endpoint[..<colon]
        let port = endpoint[endpoint.index(after: colon)...]
        let hostCharacters = host.allSatisfy {
            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-")
        }
        guard !host.isEmpty, hostCharacters else { return expected }
        guard let number = Int(port), (1...65_535).contains(number), port.allSatisfy(\.isASCII) else {
            return "the port must be from 1 to 65535, not '\(port)'"
        }
        return nil
    }
}
