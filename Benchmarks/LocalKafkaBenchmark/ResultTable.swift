/// The benchmark's report: one line per measurement and cluster, side by side, with the
/// targets and whether they were met.
struct ResultTable: Sendable {
    static let metadataTargetMilliseconds = 50.0
    static let idleTargetPercent = 5.0

    var clusters: [ClusterFigures]
    let requests: Int

    private static let columns: [(title: String, width: Int, left: Bool)] = [
        ("measurement", 40, true), ("cluster", 22, true), ("n", 4, false), ("p50 ms", 8, false),
        ("p99 ms", 8, false), ("max ms", 8, false), ("CPU ms", 8, false), ("answer", 9, false),
        ("target", 11, false),
        ("result", 6, false),
    ]

    /// Whether every target was met.
    var met: Bool {
        guard let large = clusters.first else { return false }
        return large.metadata.p99 < Self.metadataTargetMilliseconds
            && (large.idle?.percentOfCore ?? .infinity) < Self.idleTargetPercent
    }

    func rendered() -> String {
        var text = ""
        func line(_ cells: [String]) {
            text += zip(cells, Self.columns).map { pad($0, $1.width, left: $1.left) }.joined(separator: "  ")
            text += "\n"
        }
        func latencyLine(
            _ what: String, _ cluster: ClusterFigures, _ latencies: Latencies?, bytes: Int? = nil,
            target: Double? = nil
        ) {
            guard let latencies else { return }
            let result = target.map { latencies.p99 < $0 ? "PASS" : "MISS" } ?? ""
            line([
                what, label(cluster), "\(latencies.count)", fixed(latencies.p50, 2), fixed(latencies.p99, 2),
                fixed(latencies.max, 2), fixed(latencies.cpuMillisecondsPerRequest, 2), bytes.map(size) ?? "",
                target.map { "p99 < \(fixed($0, 0)) ms" } ?? "",
                result,
            ])
        }
        guard let large = clusters.first else { return "" }
        text += "simulated Kafka and Cruise Control: \(large.brokers) brokers, \(large.partitions) partitions"
        if let note = large.note { text += " (\(note))" }
        text += "\n"
        if let setup = large.setupMilliseconds, let listen = large.listenMilliseconds {
            text +=
                "set up: cluster model built in \(fixed(setup, 0)) ms, \(large.brokers) broker sockets opened"
            text += " in \(fixed(listen, 0)) ms"
            if let rss = large.residentMegabytes, let threads = large.threads {
                text += "; then RSS \(fixed(rss, 1)) MB, \(threads) threads"
            }
            text += "\n"
        }
        text += "requests one at a time over loopback; Kafka requests through the project's admin client "
        text += "(KafkaAdmin), answers decoded;\nCruise Control over plain HTTP/1.1, a new connection each; "
        text += "CPU ms: the process's CPU time per request (client and simulator)\n\n"
        line(Self.columns.map(\.title))
        for cluster in clusters {
            latencyLine(
                "Metadata, all topics", cluster, cluster.metadata, bytes: cluster.metadataBytes,
                target: cluster.name == large.name ? Self.metadataTargetMilliseconds : nil)
        }
        for cluster in clusters {
            latencyLine(
                "Metadata, simulator alone (in process)", cluster, cluster.metadataInProcess,
                bytes: cluster.metadataBytes)
        }
        for cluster in clusters { latencyLine("DescribeCluster", cluster, cluster.describeCluster) }
        for cluster in clusters {
            latencyLine(
                "Cruise Control kafka_cluster_state", cluster, cluster.kafkaClusterState,
                bytes: cluster.kafkaClusterStateBytes)
        }
        for cluster in clusters {
            latencyLine("Cruise Control load", cluster, cluster.load, bytes: cluster.loadBytes)
        }
        text += "\n"
        let idleColumns: [(String, Int, Bool)] = [
            ("idle", 40, true), ("cluster", 22, true), ("s", 4, false), ("% core", 8, false),
            ("wake/s", 8, false), ("RSS MB", 8, false), ("threads", 8, false), ("", 9, false),
            ("target", 11, false),
            ("result", 6, false),
        ]
        text += zip(idleColumns.map(\.0), idleColumns).map { pad($0, $1.1, left: $1.2) }.joined(
            separator: "  ")
        text += "\n"
        for cluster in clusters {
            guard let idle = cluster.idle else { continue }
            let isLarge = cluster.name == large.name
            let cells = [
                "CPU with \(cluster.idleConnections) idle client connections", label(cluster),
                fixed(idle.seconds, 0), fixed(idle.percentOfCore, 2), fixed(idle.wakeUpsPerSecond, 1),
                cluster.residentMegabytes.map { fixed($0, 1) } ?? "", cluster.threads.map(String.init) ?? "",
                "",
                isLarge ? "< \(fixed(Self.idleTargetPercent, 0))% core" : "",
                isLarge ? (idle.percentOfCore < Self.idleTargetPercent ? "PASS" : "MISS") : "",
            ]
            text += zip(cells, idleColumns).map { pad($0, $1.1, left: $1.2) }.joined(separator: "  ") + "\n"
        }
        if clusters.count > 1 {
            text += "\nMetadata p50 against the references:"
            for reference in clusters.dropFirst() where reference.metadata.count > 0 {
                let ratio = large.metadata.p50 / Swift.max(reference.metadata.p50, 0.001)
                text += " \(fixed(ratio, 1))x \(reference.name)"
            }
            text += "\n"
        }
        text += "\ntargets: \(met ? "all met" : "NOT all met")\n"
        return text
    }

    private func label(_ cluster: ClusterFigures) -> String {
        "\(cluster.name) \(cluster.brokers)/\(cluster.partitions)"
    }

    private func size(_ bytes: Int) -> String {
        bytes >= 10_000 ? "\(fixed(Double(bytes) / 1024, 0)) KB" : "\(bytes) B"
    }

    private func pad(_ text: String, _ width: Int, left: Bool) -> String {
        guard text.count < width else { return text }
        let padding = String(repeating: " ", count: width - text.count)
        return left ? text + padding : padding + text
    }

    /// `value` with `digits` decimals, without Foundation's formatting.
    private func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let digitsText = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - digitsText.count) + digitsText
    }
}
