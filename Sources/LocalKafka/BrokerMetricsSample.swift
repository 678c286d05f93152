/// One broker's metrics at one simulated instant, as its JMX exporter would read its MBeans.
public struct BrokerMetricsSample: Sendable {
    public var broker: Int32
    /// When this broker process started (simulated ms): its counters count from then.
    public var startedAt: Int64
    /// BytesInPerSec and BytesOutPerSec counts: the partitions it leads, all topics.
    public var bytesIn: Double
    public var bytesOut: Double
    /// The same by topic, sorted by topic.
    public var topicBytesIn: [(topic: String, bytes: Double)]
    public var topicBytesOut: [(topic: String, bytes: Double)]
    public var isrShrinks: Int64
    public var isrExpands: Int64
    public var partitionCount: Int
    public var leaderCount: Int
    /// Partitions it leads whose ISR is smaller than their replication factor.
    public var underReplicatedPartitions: Int
    public var underMinISRPartitions: Int
    /// 1 on the controller, 0 elsewhere.
    public var activeControllerCount: Int
    /// Partitions without a leader, as the controller counts them; 0 on every other broker.
    public var offlinePartitionsCount: Int
    /// The partitions it holds a replica of, sorted.
    public var hosted: [TopicPartition]
    let cluster: SimulatedCluster

    /// The size of this broker's copy of `key`: the partition's synthetic size, less what a
    /// replica being added by a reassignment has still to copy.
    public func logSize(_ key: TopicPartition) -> Int64? {
        guard let partition = cluster.partitions[key], partition.replicas.contains(broker) else { return nil }
        guard let reassignment = partition.reassignment, reassignment.adding.contains(broker) else {
            return partition.sizeBytes
        }
        guard !partition.isr.contains(broker) else { return partition.sizeBytes }
        guard let done = partition.catchingUp[broker] else { return 0 }
        let remaining = Double(max(0, done - cluster.now)) / 1000 * reassignment.bytesPerSecond
        return max(0, partition.sizeBytes - Int64(min(remaining, Double(partition.sizeBytes))))
    }
}
