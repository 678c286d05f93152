/// What the JMX exporter of each running simulated broker would report, kept in step with the
/// simulated cluster by `observe(_:)` after every change to it.
///
/// Byte counters integrate the synthetic rates over simulated time: between two changes the
/// rates are constant, so each change first credits every running broker with rate × elapsed
/// time under the rates that held until then, and only then takes the new ones. A broker counts
/// the bytes of the partitions it leads (Kafka's BytesInPerSec and BytesOutPerSec are the
/// clients' traffic, which goes to leaders). ISR shrinks and expands are counted on the leader
/// that made them; a broker that stops loses its counters and starts again from zero, as a
/// restarted JVM does. Nothing here runs by itself: with no change, nothing is computed until a
/// sample is asked for.
public struct BrokerMeters: Sendable {
    /// The counters of one broker process since it started.
    struct Process: Sendable {
        var startedAt: Int64
        var bytesIn: Double = 0
        var bytesOut: Double = 0
        var topicBytesIn: [String: Double] = [:]
        var topicBytesOut: [String: Double] = [:]
        var isrShrinks: Int64 = 0
        var isrExpands: Int64 = 0
    }

    /// A running broker's share of the cluster as of the last change.
    struct View: Sendable {
        /// Bytes per second of the partitions it leads, by topic.
        var bytesInPerSecond: [String: Double] = [:]
        var bytesOutPerSecond: [String: Double] = [:]
        /// The partitions it holds a replica of, in no order (sorted when sampled: a change
        /// costs less, and a scrape sorts only its own broker's).
        var hosted: [TopicPartition] = []
        var leaderCount = 0
        var underReplicated = 0
        var underMinISR = 0
    }

    private var processes: [Int32: Process] = [:]
    private var views: [Int32: View] = [:]
    private var offlinePartitions = 0
    private var controller: Int32?
    /// The simulated instant the counters are integrated up to.
    private var integratedTo: Int64 = 0
    private var observed: SimulatedCluster?

    public init() {}

    /// Brokers whose process runs, as far as the meters know.
    public var runningBrokers: [Int32] { processes.keys.sorted() }

    /// Takes the cluster as it is after a change (or as it starts).
    public mutating func observe(_ cluster: SimulatedCluster) {
        // Time alone changes no rate: the integration waits for the next change or sample. The
        // partition maps are compared by storage first, so an unchanged cluster costs nothing.
        if let observed, observed.partitions == cluster.partitions, observed.brokers == cluster.brokers {
            return
        }
        if observed == nil { integratedTo = cluster.now }
        integrate(to: cluster.now)
        startAndStop(cluster)
        if let observed { countISRChanges(from: observed, to: cluster) }
        rebuildViews(cluster)
        observed = cluster
    }

    private mutating func integrate(to now: Int64) {
        guard now > integratedTo else { return }
        let seconds = Double(now - integratedTo) / 1000
        integratedTo = now
        for (id, view) in views {
            guard var process = processes[id] else { continue }
            Self.credit(&process, view, seconds: seconds)
            processes[id] = process
        }
    }

    private static func credit(_ process: inout Process, _ view: View, seconds: Double) {
        for (topic, rate) in view.bytesInPerSecond where rate > 0 {
            process.topicBytesIn[topic, default: 0] += rate * seconds
            process.bytesIn += rate * seconds
        }
        for (topic, rate) in view.bytesOutPerSecond where rate > 0 {
            process.topicBytesOut[topic, default: 0] += rate * seconds
            process.bytesOut += rate * seconds
        }
    }

    private mutating func startAndStop(_ cluster: SimulatedCluster) {
        for id in Array(processes.keys) where cluster.brokers[id]?.isAlive != true {
            processes[id] = nil
        }
        for (id, broker) in cluster.brokers where broker.isAlive && processes[id] == nil {
            processes[id] = Process(startedAt: cluster.now)
        }
    }

    /// A leader that took a replica into its ISR expanded it; one whose ISR lost a replica that
    /// is still assigned shrank it. A change of leader is the controller's doing, not a shrink,
    /// and so is a reassignment dropping the replicas it removes.
    private mutating func countISRChanges(from old: SimulatedCluster, to new: SimulatedCluster) {
        for (key, partition) in new.partitions {
            guard let before = old.partitions[key], before.isr != partition.isr,
                let leader = partition.leader, before.leader == leader, processes[leader] != nil
            else { continue }
            if partition.isr.contains(where: { !before.isr.contains($0) }) {
                processes[leader]!.isrExpands += 1
            }
            if before.isr.contains(where: { !partition.isr.contains($0) && partition.replicas.contains($0) })
            {
                processes[leader]!.isrShrinks += 1
            }
        }
    }

    private mutating func rebuildViews(_ cluster: SimulatedCluster) {
        var views: [Int32: View] = [:]
        for id in processes.keys { views[id] = View() }
        var offline = 0
        var topics = Set<String>()
        for (key, partition) in cluster.partitions {
            topics.insert(key.topic)
            for replica in partition.replicas where views[replica] != nil {
                views[replica]!.hosted.append(key)
            }
            guard let leader = partition.leader else {
                offline += 1
                continue
            }
            guard views[leader] != nil else { continue }
            views[leader]!.leaderCount += 1
            views[leader]!.bytesInPerSecond[key.topic, default: 0] += partition.bytesInPerSecond
            views[leader]!.bytesOutPerSecond[key.topic, default: 0] += partition.bytesOutPerSecond
            // Kafka's replication factor during a reassignment leaves out the replicas going away.
            let factor = partition.replicas.count - (partition.reassignment?.removing.count ?? 0)
            if partition.isr.count < factor { views[leader]!.underReplicated += 1 }
            if partition.isUnderMinISR { views[leader]!.underMinISR += 1 }
        }
        for (id, view) in views {
            guard var process = processes[id] else { continue }
            // A topic's meters appear when the broker first leads one of its partitions and go
            // with the topic, as Kafka's per-topic BrokerTopicMetrics do.
            for topic in view.bytesInPerSecond.keys {
                process.topicBytesIn[topic, default: 0] += 0
                process.topicBytesOut[topic, default: 0] += 0
            }
            process.topicBytesIn = process.topicBytesIn.filter { topics.contains($0.key) }
            process.topicBytesOut = process.topicBytesOut.filter { topics.contains($0.key) }
            processes[id] = process
        }
        self.views = views
        offlinePartitions = offline
        controller = cluster.controller
    }

    /// What broker `id` reports at `cluster.now` (the cluster last observed, or the same one
    /// later in time), nil when it does not run.
    public func sample(broker id: Int32, in cluster: SimulatedCluster) -> BrokerMetricsSample? {
        guard var process = processes[id] else { return nil }
        let view = views[id] ?? View()
        if cluster.now > integratedTo {
            Self.credit(&process, view, seconds: Double(cluster.now - integratedTo) / 1000)
        }
        let isController = controller == id
        return BrokerMetricsSample(
            broker: id, startedAt: process.startedAt, bytesIn: process.bytesIn, bytesOut: process.bytesOut,
            topicBytesIn: process.topicBytesIn.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            topicBytesOut: process.topicBytesOut.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            isrShrinks: process.isrShrinks, isrExpands: process.isrExpands,
            partitionCount: view.hosted.count, leaderCount: view.leaderCount,
            underReplicatedPartitions: view.underReplicated, underMinISRPartitions: view.underMinISR,
            activeControllerCount: isController ? 1 : 0,
            offlinePartitionsCount: isController ? offlinePartitions : 0,
            hosted: view.hosted.sorted(), cluster: cluster)
    }
}
