import Foundation

/// A real Alertmanager alone on loopback (no cluster peers, temporary storage, a receiver that
/// sends nothing), for tests that compare what it reports with what the operator computes.
public final class AlertmanagerPeer: Sendable {
    public let process: BackgroundProcess
    public let directory: TemporaryDirectory
    public let baseURL: String

    public static var isAvailable: Bool {
        Peer.available("prometheus-alertmanager") && Peer.available("curl")
    }

    /// Starts Alertmanager, runs `body` once it is ready, and stops it whatever `body` does.
    public static func with<Result>(_ body: (AlertmanagerPeer) async throws -> Result) async throws -> Result
    {
        let peer = try AlertmanagerPeer()
        do {
            guard await waitUntil({ peer.isReady }) else {
                throw AlertmanagerPeerError.notReady(log: peer.process.log)
            }
            let result = try await body(peer)
            peer.stop()
            return result
        } catch {
            peer.stop()
            throw error
        }
    }

    private init() throws {
        directory = try TemporaryDirectory(prefix: "alertmanager")
        let port = freeLoopbackPort()
        baseURL = "http://127.0.0.1:\(port)"
        try """
        route:
          receiver: quiet
        receivers:
          - name: quiet
        """.write(to: directory.file("alertmanager.yml"), atomically: true, encoding: .utf8)
        process = try BackgroundProcess(
            "prometheus-alertmanager",
            [
                "--config.file=\(directory.file("alertmanager.yml").path)",
                "--storage.path=\(directory.file("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=",
            ],
            logFile: directory.file("alertmanager.log"))
    }

    private var isReady: Bool {
        (try? runProcess("curl", ["-fsS", "-o", "/dev/null", "\(baseURL)/-/ready"]).status) == 0
    }

    /// `POST /api/v2/alerts` with `body` (a JSON array of alerts); throws unless Alertmanager
    /// answers 200.
    public func post(alerts body: Data) async throws {
        let output = try await runOffPool(
            "curl",
            [
                "-sS", "-o", "/dev/stderr", "-w", "%{http_code}", "-H", "Content-Type: application/json",
                "--data-binary", "@-", "\(baseURL)/api/v2/alerts",
            ], input: body)
        guard output.stdout == "200" else {
            throw AlertmanagerPeerError.refused(status: output.stdout, body: output.stderr)
        }
    }

    /// The body of `GET /api/v2/alerts`: every alert Alertmanager holds, with its fingerprint.
    public func alerts() async throws -> Data {
        let output = try await runOffPool("curl", ["-fsS", "\(baseURL)/api/v2/alerts"])
        guard output.status == 0 else { throw AlertmanagerPeerError.refused(status: "", body: output.stderr) }
        return Data(output.stdout.utf8)
    }

    private func stop() {
        _ = process.stop()
        directory.remove()
    }
}

public enum AlertmanagerPeerError: Error, CustomStringConvertible {
    case notReady(log: String)
    case refused(status: String, body: String)

    public var description: String {
        switch self {
        case .notReady(let log): return "Alertmanager did not become ready:\n\(log)"
        case .refused(let status, let body): return "Alertmanager answered \(status): \(body)"
        }
    }
}
