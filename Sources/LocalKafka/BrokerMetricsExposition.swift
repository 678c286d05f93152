/// A broker's metrics in Prometheus's text exposition format (0.0.4), named as the Prometheus
/// JMX exporter names Kafka's MBeans with Koperator's default exporter configuration
/// (`lowercaseOutputName: true`, its generic rules): `kafka.server<type=ReplicaManager,
/// name=PartitionCount><>Value` becomes `kafka_server_replicamanager_partitioncount`, a
/// `...PerSec><>Count` meter becomes `..._total`, and the MBean's own keys (`topic`,
/// `partition`) become labels. The all-topics meters have no `topic` label, which is what the
/// selector `{topic=""}` matches.
///
/// Written straight into bytes: a broker holding 10,000 partitions has 10,000 log-size lines,
/// and Prometheus asks every few seconds.
public enum BrokerMetricsExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public enum Name {
        public static let bytesIn = "kafka_server_brokertopicmetrics_bytesin_total"
        public static let bytesOut = "kafka_server_brokertopicmetrics_bytesout_total"
        public static let isrShrinks = "kafka_server_replicamanager_isrshrinks_total"
        public static let isrExpands = "kafka_server_replicamanager_isrexpands_total"
        public static let partitionCount = "kafka_server_replicamanager_partitioncount"
        public static let leaderCount = "kafka_server_replicamanager_leadercount"
        public static let underReplicated = "kafka_server_replicamanager_underreplicatedpartitions"
        public static let underMinISR = "kafka_server_replicamanager_underminisrpartitioncount"
        public static let activeControllerCount = "kafka_controller_kafkacontroller_activecontrollercount"
        public static let offlinePartitionsCount = "kafka_controller_kafkacontroller_offlinepartitionscount"
        public static let logSize = "kafka_log_log_size"
    }

    public static func render(_ sample: BrokerMetricsSample) -> [UInt8] {
        var out = ExpositionWriter(capacity: 2_048 + sample.hosted.count * 64)
        out.family(
            Name.bytesIn, "counter",
            "Bytes produced to the partitions this broker leads (kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count)."
        )
        out.sample(Name.bytesIn, counter: sample.bytesIn)
        for (topic, bytes) in sample.topicBytesIn { out.sample(Name.bytesIn, topic: topic, counter: bytes) }
        out.family(
            Name.bytesOut, "counter",
            "Bytes fetched by consumers from the partitions this broker leads (kafka.server<type=BrokerTopicMetrics, name=BytesOutPerSec><>Count)."
        )
        out.sample(Name.bytesOut, counter: sample.bytesOut)
        for (topic, bytes) in sample.topicBytesOut { out.sample(Name.bytesOut, topic: topic, counter: bytes) }
        out.gauge(
            Name.isrShrinks, "counter",
            "Times this broker, as leader, removed a replica from a partition's ISR (kafka.server<type=ReplicaManager, name=IsrShrinksPerSec><>Count).",
            Int64(sample.isrShrinks))
        out.gauge(
            Name.isrExpands, "counter",
            "Times this broker, as leader, added a replica to a partition's ISR (kafka.server<type=ReplicaManager, name=IsrExpandsPerSec><>Count).",
            Int64(sample.isrExpands))
        out.gauge(
            Name.partitionCount, "gauge",
            "Partitions this broker holds a replica of (kafka.server<type=ReplicaManager, name=PartitionCount><>Value).",
            Int64(sample.partitionCount))
        out.gauge(
            Name.leaderCount, "gauge",
            "Partitions this broker leads (kafka.server<type=ReplicaManager, name=LeaderCount><>Value).",
            Int64(sample.leaderCount))
        out.gauge(
            Name.underReplicated, "gauge",
            "Partitions this broker leads with fewer in-sync replicas than replicas (kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value).",
            Int64(sample.underReplicatedPartitions))
        out.gauge(
            Name.underMinISR, "gauge",
            "Partitions this broker leads with fewer in-sync replicas than min.insync.replicas (kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value).",
            Int64(sample.underMinISRPartitions))
        out.gauge(
            Name.activeControllerCount, "gauge",
            "1 on the active controller, 0 elsewhere (kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value).",
            Int64(sample.activeControllerCount))
        out.gauge(
            Name.offlinePartitionsCount, "gauge",
            "Partitions without a leader, reported by the controller only (kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value).",
            Int64(sample.offlinePartitionsCount))
        if !sample.hosted.isEmpty {
            out.family(
                Name.logSize, "gauge",
                "Bytes of this broker's copy of the partition (kafka.log<type=Log, name=Size, topic=..., partition=...><>Value)."
            )
            for key in sample.hosted {
                guard let size = sample.logSize(key) else { continue }
                out.logSize(Name.logSize, key, size)
            }
        }
        return out.bytes
    }
}

/// Appends exposition lines to a byte buffer without building a string per line.
struct ExpositionWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func family(_ name: String, _ type: String, _ help: String) {
        append("# HELP ")
        append(name)
        append(" ")
        append(help)
        append("\n# TYPE ")
        append(name)
        append(" ")
        append(type)
        append("\n")
    }

    mutating func gauge(_ name: String, _ type: String, _ help: String, _ value: Int64) {
        family(name, type, help)
        append(name)
        append(" ")
        append(value)
        append("\n")
    }

    mutating func sample(_ name: String, topic: String? = nil, counter value: Double) {
        append(name)
        if let topic {
            append("{topic=\"")
            appendLabelValue(topic)
            append("\"}")
        }
        append(" ")
        append(counter: value)
        append("\n")
    }

    mutating func logSize(_ name: String, _ key: TopicPartition, _ size: Int64) {
        append(name)
        append("{topic=\"")
        appendLabelValue(key.topic)
        append("\",partition=\"")
        append(Int64(key.partition))
        append("\"} ")
        append(size)
        append("\n")
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Escapes backslash, double quote and line feed, as the format asks (Kafka's topic names
    /// never have them, but the writer does not rely on that).
    private mutating func appendLabelValue(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: bytes.append(byte)
            }
        }
    }

    /// A counter as whole bytes (a JMX meter's count is a long), rounded down so it never
    /// goes back; beyond what an Int64 holds, in floating point.
    private mutating func append(counter value: Double) {
        let whole = value.rounded(.down)
        if whole >= 0, whole < 9.2e18 {
            append(Int64(whole))
        } else {
            append(whole.description)
        }
    }

    /// Decimal digits; a number of up to 15 digits is a small string, built without allocating.
    private mutating func append(_ value: Int64) { append(String(value)) }
}
