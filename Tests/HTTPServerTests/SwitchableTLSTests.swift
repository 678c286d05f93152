import Foundation
import HTTPServer
import PKI
import TestSupport
import Testing

/// A listener whose TLS changes while it runs (the simulated Cruise Control's, whose keystore
/// comes with its Deployment), checked with curl: plain HTTP, then HTTPS with the certificate a
/// client verifies by name, then refusing, each for the connections accepted after the switch.
@Suite(.enabled(if: Peer.available("curl"), "curl is not installed"))
struct SwitchableTLSTests {
    @Test func eachNewConnectionIsServedAsTheListenerIsSwitched() async throws {
        let directory = try TemporaryDirectory(prefix: "switchable-tls")
        defer { directory.remove() }
        let ca = try CertificateAuthority.create(commonName: "cluster-ca", now: Date())
        let issued = try ca.issue(
            CertificateRequest(commonName: "cruise-control", usage: .server, dnsNames: ["cc.kafka.svc"]),
            now: Date())
        let caFile = directory.file("ca.crt")
        try ca.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)

        let switchable = SwitchableTLS()
        let server = try await TestServer(
            listeners: [HTTPListener(host: "127.0.0.1", port: 0, switchableTLS: switchable)],
            limits: .forTests())
        defer { Task { await server.stop() } }
        let resolve = ["--resolve", "cc.kafka.svc:\(server.port):127.0.0.1", "--max-time", "5"]
        func get(_ scheme: String, _ extra: [String] = []) throws -> ProcessOutput {
            try runProcess(
                "curl", ["-sS"] + resolve + extra + ["\(scheme)://cc.kafka.svc:\(server.port)/hello"])
        }

        #expect(try get("http").stdout == "hello\n")

        switchable.set(
            .tls(
                try TLSServerContext(
                    certificateChainPEM: issued.chainPEM, privateKeyPEM: issued.privateKeyPEM)))
        let secure = try get("https", ["--cacert", caFile.path])
        #expect(secure.stdout == "hello\n", "\(secure.stderr)")
        #expect(try get("http").status != 0, "plain HTTP gets no answer from a TLS listener")
        #expect(try get("https").status != 0, "a client that does not trust the cluster CA refuses")

        switchable.set(.refusing)
        #expect(try get("https", ["--cacert", caFile.path]).status != 0)
        switchable.set(.plain)
        #expect(try get("http").stdout == "hello\n")
    }
}
