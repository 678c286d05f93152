/// The help text of every metric the operator exports, and the histogram buckets it uses.
enum MetricCatalog {
    static let descriptions: [String: String] = [
        "http_requests_total": "HTTP requests answered, by method, matched route and status code.",
        "http_request_duration_seconds": "Time from a request's last byte to its response being queued.",
        "http_connections_open": "HTTP connections currently open.",
        "operator_build_info": "Always 1; labelled with the operator's version.",
        "operator_leader": "1 while this replica holds the leader Lease and reconciles, else 0.",
        "operator_leader_transitions_total": "Leadership terms this replica has won.",
        "cruise_control_tasks_total":
            "Cruise Control task transitions (started, completed, failed, retried, stopped), by operation.",
        "cruise_control_task_duration_seconds":
            "Seconds from a Cruise Control task's start to its end (completed or failed), by operation.",
        "rolling_upgrade_broker_restarts_total": "Broker pods replaced by rolling upgrades, by cluster.",
        "rolling_upgrade_paused": "1 while a cluster's rolling upgrade waits at a closed gate, else 0.",
        "certificate_expiry_seconds":
            "Seconds until each TLS certificate a cluster uses expires, by cluster and Secret (negative once expired).",
        "rolling_upgrade_long_pauses_total":
            "Rolling upgrade pauses that outlasted the operator's limit (each also a Warning Event), by cluster.",
    ]

    static func help(for label: String) -> String {
        descriptions[label] ?? "\(label) (kafka-operator metric)"
    }

    /// Sub-millisecond to 10 s: the operator's requests are mostly far below the client default of 5 ms.
    static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10),
    ]

    static let valueBuckets: [Double] = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000]
}
