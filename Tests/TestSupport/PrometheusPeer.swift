import Foundation

/// A real Prometheus on loopback, scraping what a test lists and evaluating the rules it gives,
/// every second; its HTTP API is read with curl. Scoped: `withPrometheus { ... }` stops it.
public final class PrometheusPeer: Sendable {
    public let process: BackgroundProcess
    public let directory: TemporaryDirectory
    public let port: UInt16

    /// Whether Prometheus and curl are installed (under CI their absence is a failure).
    public static var isAvailable: Bool { Peer.available("prometheus") && Peer.available("curl") }

    /// `scrapeConfigs` is the YAML list under `scrape_configs:`, indented as its items.
    public init(scrapeConfigs: String, rules: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "prometheus")
        port = freeLoopbackPort()
        var ruleFiles = ""
        if let rules {
            try rules.write(to: directory.file("rules.yml"), atomically: true, encoding: .utf8)
            ruleFiles = "rule_files: [\(directory.file("rules.yml").path)]"
        }
        try """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        \(ruleFiles)
        scrape_configs:
        \(scrapeConfigs)
        """.write(to: directory.file("prometheus.yml"), atomically: true, encoding: .utf8)
        process = try BackgroundProcess(
            "prometheus",
            [
                "--config.file=\(directory.file("prometheus.yml").path)",
                "--storage.tsdb.path=\(directory.file("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ],
            logFile: directory.file("prometheus.log"))
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// The body of `GET path` with `parameters` URL-encoded, or nil when Prometheus does not answer.
    public func get(_ path: String, _ parameters: [(String, String)] = []) async -> String? {
        var arguments = ["-s", "-f", "--max-time", "5", "-G", url + path]
        for (name, value) in parameters { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        guard let output = try? await runOffPool("curl", arguments), output.status == 0 else { return nil }
        return output.stdout
    }

    /// Waits until Prometheus says it is ready.
    public func waitUntilReady() async -> Bool {
        await waitUntil(timeout: .seconds(30), every: .milliseconds(200)) {
            await get("/-/ready") != nil || !process.isRunning
        } && process.isRunning
    }

    public func stop() {
        process.stop()
        directory.remove()
    }
}

/// Runs `body` with a Prometheus started from `scrapeConfigs` and `rules`, and stops it after.
public func withPrometheus<T>(
    scrapeConfigs: String, rules: String? = nil, _ body: (PrometheusPeer) async throws -> T
) async throws -> T {
    let prometheus = try PrometheusPeer(scrapeConfigs: scrapeConfigs, rules: rules)
    do {
        let result = try await body(prometheus)
        prometheus.stop()
        return result
    } catch {
        prometheus.stop()
        throw error
    }
}
