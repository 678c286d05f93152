import Foundation
import TestSupport
import Testing

/// The whole program, as a user runs it: real process, real sockets, curl and promtool as clients.
@Suite(.serialized) struct ServeCommandTests {
    @Test func answersProbesAndStopsCleanlyOnSIGTERM() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(logDirectory: directory)

        #expect(try server.curl("/healthz") == (200, "ok\n"))
        #expect(try server.curl("/readyz") == (200, "ready\n"))
        #expect(try server.curl("/nowhere").status == 404)

        #expect(server.process.stop(signal: SIGTERM) == 0)
        #expect(server.process.log.contains("msg=stopped"))
    }

    /// No KUBECONFIG, no ~/.kube/config, not in a pod: the operator runs the embedded local
    /// cluster, writes a kubeconfig for it, says how to use it, and kubectl finds the cluster.
    /// It elects no leader there: no Lease is written (`--leader-election auto`).
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func withNoKubernetesConfiguredItRunsTheLocalCluster() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.file("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let server = try await OperatorProcess(
            arguments: ["--cluster", ReconcileFlowTests.example],
            environment: ["KUBECONFIG": "", "HOME": home.path, "KUBERNETES_SERVICE_HOST": ""],
            logDirectory: directory, forceLocalCluster: false)
        defer { server.process.stop() }
        let kubeconfig = directory.file("data/kubeconfig").path
        #expect(server.process.log.contains("export KUBECONFIG=\(kubeconfig)"), "\(server.process.log)")
        let output = try runProcess(
            Kubectl.path ?? "kubectl",
            ["--kubeconfig", kubeconfig, "get", "kafkaclusters", "-n", "kafka", "-o", "name"])
        #expect(
            output.stdout == "kafkacluster.kafka.banzaicloud.io/kafka\n", "\(output.stdout)\(output.stderr)")
        #expect(server.process.log.contains("leader election off"), "\(server.process.log)")
        let leases = try runProcess(
            Kubectl.path ?? "kubectl", ["--kubeconfig", kubeconfig, "get", "leases", "-A", "-o", "name"])
        #expect(leases.status == 0 && leases.stdout.isEmpty, "\(leases.stdout)\(leases.stderr)")
    }

    @Test func metricsPassPromtoolAndCountRequests() async throws {
        guard Peer.available("curl"), Peer.available("promtool") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(logDirectory: directory)
        defer { server.process.stop() }

        for _ in 0..<3 { _ = try server.curl("/healthz") }
        let metrics = try server.curl("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"http_requests_total{method="GET",route="/healthz",status="200"} 3"#))
        #expect(metrics.body.contains("# HELP http_request_duration_seconds"))
        #expect(metrics.body.contains(#"operator_build_info{version=""#))

        let check = try runProcess("promtool", ["check", "metrics"], input: Data(metrics.body.utf8))
        #expect(check.status == 0, "promtool: \(check.stdout)\(check.stderr)")
    }

    @Test func receivesTheRealAlertmanagerNotification() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A cluster other than the one the alert names.
        let example = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        let manifest = directory.file("other.yaml")
        try example.replacingOccurrences(of: "  name: kafka\n", with: "  name: other\n").write(
            to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path], logDirectory: directory)
        defer { server.process.stop() }

        let fixture = Fixtures.url("alertmanager/alertmanager-0.25-firing.json").path
        let accepted = try server.curl(
            "/alerts", ["-H", "Content-Type: application/json", "--data-binary", "@\(fixture)"])
        #expect(accepted.status == 200)
        #expect(
            accepted.body
                == #"{"alerts":[{"fingerprint":"6b06d65f877c8079","outcome":"rejected","status":"firing","detail":"KafkaCluster kafka/kafka does not exist"}],"received":1}\#n"#
        )

        let refused = try server.curl(
            "/alerts", ["--data-binary", #"{"version":"3","status":"firing","alerts":[]}"#])
        #expect(refused.status == 400)
        #expect(refused.body.contains("version '3' is not supported"))
        #expect(try server.curl("/healthz").status == 200)
    }

    @Test func alertsNeedTheConfiguredToken() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--alerts-token", "t0ken"], logDirectory: directory)
        defer { server.process.stop() }

        let fixture = "@" + Fixtures.url("alertmanager/alertmanager-0.25-firing.json").path
        let anonymous = try server.curl("/alerts", ["--data-binary", fixture])
        #expect(anonymous.status == 401)
        #expect(anonymous.body.contains("missing or invalid credentials"))
        #expect(
            try server.curl("/alerts", ["-H", "Authorization: Bearer wrong", "--data-binary", fixture]).status
                == 401)
        #expect(
            try server.curl("/alerts", ["-H", "Authorization: Bearer t0ken", "--data-binary", fixture]).status
                == 200)
    }

    @Test func jsonLogsAndEnvironmentConfiguration() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            environment: ["KAFKA_OPERATOR_LOG_FORMAT": "json", "KAFKA_OPERATOR_MAX_BODY_BYTES": "100"],
            logDirectory: directory)
        let tooLarge = try server.curl("/alerts", ["--data-binary", String(repeating: "x", count: 101)])
        #expect(tooLarge.status == 413)
        server.process.stop()

        let lines = server.process.log.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] != nil, "not a JSON log line: \(line)")
        }
    }

    /// A manifest whose namespace does not exist on the managed cluster: the operator says
    /// which namespace and what to do, keeps serving, and creates the cluster once it can.
    @Test(.enabled(if: Peer.available("curl")))
    func aMissingNamespaceIsNamedAndTheClusterCreatedOnceItExists() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let api = try await StandaloneLocalCluster(directory: directory)
        defer { api.stop() }
        let manifest = directory.file("streaming.yaml")
        try String(contentsOfFile: ReconcileFlowTests.example, encoding: .utf8)
            .replacingOccurrences(of: "namespace: kafka", with: "namespace: streaming")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--kubeconfig", api.kubeconfig, "--cluster", manifest.path], logDirectory: directory,
            apiServer: api.server)
        defer { server.process.stop() }
        #expect(
            await waitUntil {
                server.process.log.contains(
                    "namespace streaming does not exist: kubectl create namespace streaming")
            }, "\(server.process.log)")
        #expect(try server.curl("/healthz").status == 200)
        _ = try runProcess(
            "curl",
            [
                "-sS", "-H", "Content-Type: application/json", "--data",
                #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"streaming"}}"#,
                api.server + "/api/v1/namespaces",
            ])
        #expect(
            await waitUntil(timeout: .seconds(30)) {
                ((try? server.kafkaCluster(namespace: "streaming")["metadata"]) as? [String: Any])?["name"]
                    as? String == "kafka"
            }, "\(server.process.log)")
    }

    @Test func refusesBadArgumentsWithAClearMessage() throws {
        let output = try runProcess(OperatorProcess.binary, ["serve", "--listen", "8080"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("is not host:port"))

        let tls = try runProcess(OperatorProcess.binary, ["serve", "--tls-listen", "127.0.0.1:0"])
        #expect(tls.status != 0)
        #expect(tls.stderr.contains("--tls-listen needs both --tls-cert and --tls-key"))
    }

    @Test func helpNamesEveryOptionAndItsEnvironmentVariable() throws {
        let output = try runProcess(OperatorProcess.binary, ["serve", "--help"])
        #expect(output.status == 0)
        for word in ["--listen", "--tls-listen", "--tls-cert", "--log-format", "KAFKA_OPERATOR_LISTEN"] {
            #expect(output.stdout.contains(word), "--help lacks \(word)")
        }
    }
}
