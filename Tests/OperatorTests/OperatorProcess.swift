import Foundation
import TestSupport

/// The built `kafka-operator` binary running as a child process, for tests of the whole program.
final class OperatorProcess: Sendable {
    let process: BackgroundProcess
    let port: UInt16

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

    /// Starts `kafka-operator serve` on 127.0.0.1 port 0 and waits for the port it reports.
    init(arguments: [String] = [], environment: [String: String] = [:], logDirectory: TemporaryDirectory)
        async throws
    {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process = try BackgroundProcess(
            Self.binary,
            ["serve", "--listen", "127.0.0.1:0", "--data-dir", logDirectory.file("data").path] + arguments,
            logFile: logDirectory.file("operator.log"), environment: env)
        let process = self.process
        var found: UInt16?
        _ = await waitUntil {
            found = Self.reportedPort(in: process.log)
            return found != nil || !process.isRunning
        }
        guard let found else { throw OperatorProcessError.didNotStart(log: process.log) }
        port = found
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
