import Foundation
import TestSupport

/// The built `kafka-operator` binary running as a child process, for tests of the whole program.
final class OperatorProcess: Sendable {
    let process: BackgroundProcess
    let port: UInt16
    /// The embedded local cluster's API, e.g. `http://127.0.0.1:PORT`.
    let localCluster: String

    /// The binary `swift build` put beside this test bundle.
    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // On Linux the bundle is a file in the build directory; elsewhere it may be a directory tree.
        while !FileManager.default.isExecutableFile(
            atPath: directory.appendingPathComponent("kafka-operator").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("kafka-operator").path
    }

    /// Starts `kafka-operator serve` on 127.0.0.1 port 0, with its embedded local cluster on
    /// another free port (whatever kubeconfig the environment has), and waits for the ports it
    /// reports. The data directory is `logDirectory/data`, so a second process started on the
    /// same directory finds the first one's cluster.
    ///
    /// With `apiServer` (and a `--kubeconfig` among the arguments) it manages that API server
    /// instead, and starts no local cluster of its own.
    ///
    /// `forceLocalCluster` false leaves the choice to the operator's own detection.
    init(
        arguments: [String] = [], environment: [String: String] = [:], logDirectory: TemporaryDirectory,
        logName: String = "operator.log", apiServer: String? = nil, forceLocalCluster: Bool = true
    ) async throws {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        let localOptions = [
            "--local-cluster-listen", "127.0.0.1:0", "--local-pod-ready-seconds", "0.1",
            "--local-cruise-control-port", "0", "--local-simulator-control-port", "0",
            "--cruise-control-poll-interval", "0.2", "--cruise-control-max-poll-interval", "0.5",
        ]
        let local = apiServer == nil ? (forceLocalCluster ? ["--local-cluster"] : []) + localOptions : []
        process = try BackgroundProcess(
            Self.binary,
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", logDirectory.file("data").path] + local
                + arguments,
            logFile: logDirectory.file(logName), environment: env)
        let process = self.process
        var found: UInt16?
        var cluster = apiServer
        _ = await waitUntil {
            found = Self.reportedPort(in: process.log)
            cluster = cluster ?? Self.localClusterServer(in: process.log)
            return (found != nil && cluster != nil) || !process.isRunning
        }
        guard let found, let cluster else { throw OperatorProcessError.didNotStart(log: process.log) }
        port = found
        localCluster = cluster
    }

    /// The server address in the line announcing the local cluster (logfmt or JSON).
    static func localClusterServer(in log: String) -> String? {
        for line in log.split(separator: "\n") where line.contains("embedded local cluster") {
            guard let range = line.range(of: "http://127.0.0.1:") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if !digits.isEmpty { return "http://127.0.0.1:\(digits)" }
        }
        return nil
    }

    /// GET on the cluster's API, decoded.
    func api(_ path: String) throws -> [String: Any] {
        let output = try runProcess("curl", ["-sS", "--max-time", "10", localCluster + path])
        return (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// The items of a list on the cluster's API.
    func items(_ path: String) throws -> [[String: Any]] {
        try api(path)["items"] as? [[String: Any]] ?? []
    }

    /// The example KafkaCluster (`kafka/kafka`) as the API has it.
    func kafkaCluster(namespace: String = "kafka", name: String = "kafka") throws -> [String: Any] {
        try api("/apis/kafka.banzaicloud.io/v1beta1/namespaces/\(namespace)/kafkaclusters/\(name)")
    }

    /// The broker ids in the stored spec.
    func brokerIDs() throws -> [Int] {
        let spec = try kafkaCluster()["spec"] as? [String: Any]
        return (spec?["brokers"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
    }

    /// The stored KafkaCluster's resourceVersion: it changes with every write to it.
    func clusterVersion() throws -> String {
        (try kafkaCluster()["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? ""
    }

    /// The cluster's `status.state`.
    func clusterState() throws -> String? {
        (try kafkaCluster()["status"] as? [String: Any])?["state"] as? String
    }

    /// The state, once the reconciler has taken up the newest accepted action: before that the
    /// state describes the cluster as it was before the action (nil then).
    func settledClusterState() throws -> String? {
        let status = try kafkaCluster()["status"] as? [String: Any]
        let accepted = (status?["actionLog"] as? [[String: Any]])?.filter {
            $0["outcome"] as? String == "accepted"
        }
        if let newest = accepted?.last?["id"] as? String,
            status?["announcedActionsThrough"] as? String != newest
        {
            return nil
        }
        // A graceful task under way defers scaling, as the action engine does.
        let brokers = (status?["brokersState"] as? [String: [String: Any]]) ?? [:]
        let busy = brokers.values.contains { broker in
            let graceful = (broker["gracefulActionState"] as? [String: Any])?["cruiseControlState"] as? String
            return graceful.map { !$0.isEmpty && !$0.hasSuffix("Succeeded") } ?? false
        }
        if busy { return nil }
        return status?["state"] as? String
    }

    /// Waits until the reconciler reports the cluster running (every broker Ready) with every
    /// action taken up, after which nothing writes to it unless something changes, and a
    /// scaling action is not deferred.
    func waitUntilClusterRunning(timeout: Duration = .seconds(30)) async -> Bool {
        await waitUntil(timeout: timeout) { (try? self.settledClusterState()) == "ClusterRunning" }
    }

    /// The port in the first `listening` log line: `... msg=listening address=127.0.0.1:PORT ...`
    /// or its JSON form.
    static func reportedPort(in log: String) -> UInt16? {
        for line in log.split(separator: "\n") where line.contains("listening") {
            guard let range = line.range(of: "127.0.0.1:") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let port = UInt16(digits) { return port }
        }
        return nil
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs curl against the operator and returns (status code, body).
    func curl(_ path: String, _ extra: [String] = []) throws -> (status: Int, body: String) {
        let output = try runProcess(
            "curl", ["-sS", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10"] + extra + [baseURL + path])
        var lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.removeLast()) ?? -1
        return (status, lines.joined(separator: "\n"))
    }
}

enum OperatorProcessError: Error, CustomStringConvertible {
    case didNotStart(log: String)

    var description: String {
        switch self {
        case .didNotStart(let log): return "kafka-operator did not report a listening port; its log:\n\(log)"
        }
    }
}
