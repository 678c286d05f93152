import Foundation

/// A real Prometheus and Alertmanager on loopback, wired to post webhooks to `webhookURL`.
///
/// Prometheus evaluates `rules` every second and resends firing alerts every 2 s (without the
/// short resend delay it drops the first notification while it is still discovering
/// Alertmanager); Alertmanager groups for 1 s and repeats every `repeatInterval`.
public final class AlertingStack: Sendable {
    public let prometheus: BackgroundProcess
    public let alertmanager: BackgroundProcess
    public let directory: TemporaryDirectory
    /// Prometheus's and Alertmanager's HTTP APIs, `http://127.0.0.1:PORT`.
    public let prometheusURL: String
    public let alertmanagerURL: String

    /// Whether both programs are installed (under CI their absence is a failure).
    public static var isAvailable: Bool {
        Peer.available("prometheus") && Peer.available("prometheus-alertmanager")
    }

    /// `prometheusTarget` set (`host:port`): Prometheus sends its alerts straight there, as to an
    /// Alertmanager (`POST /api/v2/alerts`), the way Koperator users configure it; Alertmanager
    /// still runs but receives nothing.
    public convenience init(
        rules: String, webhookURL: String, bearerToken: String? = nil, repeatInterval: String = "2s",
        prometheusTarget: String? = nil, scrapeTargets: [String] = [], labels: [String: String] = [:]
    ) async throws {
        try await self.init(
            rules: rules, webhookURLs: [webhookURL], bearerToken: bearerToken, repeatInterval: repeatInterval,
            prometheusTarget: prometheusTarget, scrapeTargets: scrapeTargets, labels: labels)
    }

    /// Alertmanager posts every notification to each of `webhookURLs` (one receiver, a webhook
    /// config per URL), as it would to every replica of a service listed one by one.
    ///
    /// `scrapeTargets` (`host:port` each) are scraped every second as one job, `kafka`, with
    /// `labels` on every series, as a Kubernetes service discovery would add them.
    public init(
        rules: String, webhookURLs: [String], bearerToken: String? = nil, repeatInterval: String = "2s",
        prometheusTarget: String? = nil, scrapeTargets: [String] = [], labels: [String: String] = [:]
    ) async throws {
        directory = try TemporaryDirectory(prefix: "alerting-stack")
        let prometheusPort = freeLoopbackPort()
        let alertmanagerPort = freeLoopbackPort()
        prometheusURL = "http://127.0.0.1:\(prometheusPort)"
        alertmanagerURL = "http://127.0.0.1:\(alertmanagerPort)"
        var scrapeConfigs = ""
        if !scrapeTargets.isEmpty {
            let targets = scrapeTargets.map { "\"\($0)\"" }.joined(separator: ", ")
            let labelText = labels.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                .joined(separator: ", ")
            scrapeConfigs = """
                scrape_configs:
                  - job_name: kafka
                    static_configs:
                      - targets: [\(targets)]
                        labels: {\(labelText)}
                """
        }

        var httpConfig = ""
        if let bearerToken {
            try bearerToken.write(to: directory.file("token"), atomically: true, encoding: .utf8)
            httpConfig = """
                        http_config:
                          authorization:
                            credentials_file: \(directory.file("token").path)
                """
        }
        try """
        route:
          receiver: operator
          group_by: [alertname, namespace, kafka_cr]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: \(repeatInterval)
        receivers:
          - name: operator
            webhook_configs:
        \(webhookURLs.map { "      - url: \($0)\n        send_resolved: true\n\(httpConfig)" }.joined(separator: "\n"))
        """.write(to: directory.file("alertmanager.yml"), atomically: true, encoding: .utf8)
        try rules.write(to: directory.file("rules.yml"), atomically: true, encoding: .utf8)
        try """
        global:
          evaluation_interval: 1s
          scrape_interval: 1s
        rule_files: [\(directory.file("rules.yml").path)]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["\(prometheusTarget ?? "127.0.0.1:\(alertmanagerPort)")"]
        \(prometheusTarget != nil && bearerToken != nil ? "      authorization: {credentials_file: \(directory.file("token").path)}" : "")
        \(scrapeConfigs)
        """.write(to: directory.file("prometheus.yml"), atomically: true, encoding: .utf8)

        alertmanager = try BackgroundProcess(
            "prometheus-alertmanager",
            [
                "--config.file=\(directory.file("alertmanager.yml").path)",
                "--storage.path=\(directory.file("am-data").path)",
                "--web.listen-address=127.0.0.1:\(alertmanagerPort)",
                "--cluster.listen-address=",
            ],
            logFile: directory.file("alertmanager.log"))
        prometheus = try BackgroundProcess(
            "prometheus",
            [
                "--config.file=\(directory.file("prometheus.yml").path)",
                "--storage.tsdb.path=\(directory.file("prom-data").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
                "--rules.alert.resend-delay=2s",
            ],
            logFile: directory.file("prometheus.log"))
    }

    /// Both programs' output, for failure messages.
    public var logs: String {
        "--- prometheus\n\(prometheus.log)\n--- alertmanager\n\(alertmanager.log)"
    }

    public func stop() {
        prometheus.stop()
        alertmanager.stop()
        directory.remove()
    }
}
