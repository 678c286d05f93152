/// What was measured against one cluster.
struct ClusterFigures: Sendable {
    /// How the table names the cluster, and its shape.
    var name: String
    var brokers: Int
    var partitions: Int
    var metadata = Latencies()
    /// The simulator's own share of a Metadata answer: decoding the request, reading the
    /// cluster and encoding the answer, in process without sockets or the client's decoding.
    var metadataInProcess: Latencies?
    var metadataBytes: Int?
    var describeCluster: Latencies?
    var kafkaClusterState: Latencies?
    var kafkaClusterStateBytes: Int?
    var load: Latencies?
    var loadBytes: Int?
    var idle: IdleFigures?
    var idleConnections = 0
    var residentMegabytes: Double?
    var threads: Int?
    var setupMilliseconds: Double?
    var listenMilliseconds: Double?
    var note: String?

    init(name: String, brokers: Int, partitions: Int) {
        self.name = name
        self.brokers = brokers
        self.partitions = partitions
    }
}
