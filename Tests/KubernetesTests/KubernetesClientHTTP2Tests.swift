import Foundation
import Kubernetes
import TestSupport
import Testing

/// The client against nghttpd, an HTTP/2-only server: ALPN picks h2, and calls share one
/// connection.
@Suite struct KubernetesClientHTTP2Tests {
    @Test func callsOverTLSSpeakHTTP2OnOneConnection() async throws {
        guard Peer.available("nghttpd") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let root = certificates.directory.file("root/api/v1")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(#"{"kind":"PodList","items":[]}"#.utf8).write(to: root.appendingPathComponent("pods"))
        let port = freeLoopbackPort()
        let server = try BackgroundProcess(
            "nghttpd",
            [
                "-v", "-d", certificates.path("root"), "--address=127.0.0.1", String(port),
                certificates.path("server.key"), certificates.path("server.crt"),
            ], logFile: certificates.directory.file("nghttpd.log"))
        defer { server.stop(signal: SIGKILL) }
        #expect(await waitUntil(timeout: .seconds(10)) { isListening(port: port) })

        var configuration = KubernetesClientConfiguration(
            server: "https://127.0.0.1:\(port)", certificateAuthority: .data(try certificates.bytes("ca.crt"))
        )
        configuration.retryPolicy = .never
        let client = try KubernetesClient(configuration: configuration)
        for _ in 0..<20 {
            let body = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
            #expect(String(decoding: body, as: UTF8.self) == #"{"kind":"PodList","items":[]}"#)
        }
        do {
            _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/nothing"))
            Issue.record("expected 404")
        } catch {
            guard case .notFound(let status) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(status.code == 404)
        }
        let log = server.log
        // One probe connection from isListening, then the client's one connection.
        let connections = Set(log.matches(of: /\[id=(\d+)\]/).map { String($0.output.1) })
        #expect(connections.count <= 2, "\(connections)")
        #expect(log.components(separatedBy: "recv HEADERS").count - 1 == 21)

        // Figures: calls over the kept connection against a new connection per call.
        let count = 200
        let request = APIRequest(method: "GET", path: "/api/v1/pods")
        let kept = try await ContinuousClock().measure {
            for _ in 0..<count { _ = try await client.send(request) }
        }
        configuration.maxIdleConnections = 0
        let reconnecting = try KubernetesClient(configuration: configuration)
        let fresh = try await ContinuousClock().measure {
            for _ in 0..<count { _ = try await reconnecting.send(request) }
        }
        print(
            "kubernetes client over loopback TLS + HTTP/2: "
                + "\(KubernetesClientConnectionTests.rate(count, kept)) requests/s on one kept connection, "
                + "\(KubernetesClientConnectionTests.rate(count, fresh)) requests/s with a new connection each"
        )
    }
}
