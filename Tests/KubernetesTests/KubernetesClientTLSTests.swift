import Foundation
import Kubernetes
import TestSupport
import Testing

/// A CA, server certificates and a client certificate made with `openssl` for one test.
struct TestCertificates {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "kubernetes-tls")
        try issueCA("ca")
        try issueCA("other-ca")
        try issue(
            "server", by: "ca",
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth")
        try issue(
            "named", by: "ca", extensions: "subjectAltName=DNS:kubernetes.test\nextendedKeyUsage=serverAuth")
        try issue("client", by: "ca", extensions: "extendedKeyUsage=clientAuth")
    }

    func path(_ name: String) -> String { directory.file(name).path }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.file(name))) }

    private func openssl(_ arguments: [String]) throws {
        let result = try runProcess("openssl", arguments)
        guard result.status == 0 else {
            throw KubernetesError.configuration("openssl \(arguments.first ?? "") failed: \(result.stderr)")
        }
    }

    private func issueCA(_ name: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).crt"), "-subj", "/CN=\(name)", "-days", "2",
        ])
    }

    private func issue(_ name: String, by ca: String, extensions: String) throws {
        try Data(extensions.utf8).write(to: directory.file("\(name).ext"))
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)",
        ])
        try openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).crt"), "-CAkey", path("\(ca).key"),
            "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2", "-extfile", path("\(name).ext"),
        ])
    }
}

/// `openssl s_server -www` on a free loopback port: answers a GET with a page about the session.
struct TLSPeer {
    let process: BackgroundProcess
    let port: UInt16

    init(certificates: TestCertificates, certificate: String, requireClientCertificate: Bool = false)
        async throws
    {
        port = freeLoopbackPort()
        var arguments = [
            "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificates.path("\(certificate).crt"),
            "-key",
            certificates.path("\(certificate).key"), "-www",
        ]
        if requireClientCertificate { arguments += ["-Verify", "1", "-CAfile", certificates.path("ca.crt")] }
        process = try BackgroundProcess(
            "openssl", arguments, logFile: certificates.directory.file("s_server-\(port).log"))
        let port = self.port
        guard await waitUntil(timeout: .seconds(10), { isListening(port: port) }) else {
            throw KubernetesError.transport("openssl s_server did not start: \(process.log)")
        }
    }

    var server: String { "https://127.0.0.1:\(port)" }

    /// SIGKILL: s_server can inherit a blocked SIGTERM from the test runner's threads.
    func stop() { process.stop(signal: SIGKILL) }
}

@Suite(.serialized) struct KubernetesClientTLSTests {
    static func get(_ configuration: KubernetesClientConfiguration) async throws(KubernetesError) -> String {
        var configuration = configuration
        configuration.retryPolicy = .never
        configuration.requestTimeout = .seconds(10)
        let client = try KubernetesClient(configuration: configuration)
        return String(decoding: try await client.send(APIRequest(method: "GET", path: "/")), as: UTF8.self)
    }

    static func transportFailure(_ configuration: KubernetesClientConfiguration) async -> String? {
        do {
            _ = try await get(configuration)
            return nil
        } catch {
            guard case .transport(let why) = error else { return "not a transport error: \(error)" }
            return why
        }
    }

    @Test func theConfiguredCAVerifiesTheServer() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(certificates: certificates, certificate: "server")
        defer { peer.stop() }

        let page = try await Self.get(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .data(try certificates.bytes("ca.crt"))))
        #expect(page.contains("s_server"), "\(page.prefix(200))")
        let fromFile = try await Self.get(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .file(certificates.path("ca.crt"))))
        #expect(fromFile.contains("s_server"))
    }

    @Test func aWrongCAFailsWithACertificateError() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(certificates: certificates, certificate: "server")
        defer { peer.stop() }

        let why = await Self.transportFailure(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .data(try certificates.bytes("other-ca.crt"))))
        #expect(why?.contains("certificate") == true, "\(why ?? "it succeeded")")
    }

    @Test func insecureSkipTLSVerifyAcceptsAnyCertificate() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(certificates: certificates, certificate: "server")
        defer { peer.stop() }

        let page = try await Self.get(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .data(try certificates.bytes("other-ca.crt")),
                insecureSkipTLSVerify: true))
        #expect(page.contains("s_server"))
    }

    @Test func theTLSServerNameIsVerifiedInsteadOfTheURLHost() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(certificates: certificates, certificate: "named")
        defer { peer.stop() }
        let ca = try certificates.bytes("ca.crt")

        let why = await Self.transportFailure(
            KubernetesClientConfiguration(server: peer.server, certificateAuthority: .data(ca)))
        #expect(why != nil, "a certificate for kubernetes.test must not pass for 127.0.0.1")
        let page = try await Self.get(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .data(ca), tlsServerName: "kubernetes.test"))
        #expect(page.contains("s_server"))
    }

    @Test func theClientCertificateIsPresented() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(
            certificates: certificates, certificate: "server", requireClientCertificate: true)
        defer { peer.stop() }
        let ca = try certificates.bytes("ca.crt")

        let why = await Self.transportFailure(
            KubernetesClientConfiguration(server: peer.server, certificateAuthority: .data(ca)))
        #expect(why != nil, "the server requires a client certificate")
        let page = try await Self.get(
            KubernetesClientConfiguration(
                server: peer.server, certificateAuthority: .data(ca),
                clientCertificate: .data(try certificates.bytes("client.crt")),
                clientKey: .data(try certificates.bytes("client.key"))))
        #expect(page.contains("s_server"))
    }
}

extension KubernetesClientTLSTests {
    /// Every call here makes a new connection (s_server closes each one), so this also prints
    /// what a TLS connection costs when it is not reused.
    @Test func newConnectionsResumeTheSharedTLSSession() async throws {
        guard Peer.available("openssl") else { return }
        let certificates = try TestCertificates()
        defer { certificates.directory.remove() }
        let peer = try await TLSPeer(certificates: certificates, certificate: "server")
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(
            server: peer.server, certificateAuthority: .data(try certificates.bytes("ca.crt")))
        configuration.maxIdleConnections = 0
        configuration.retryPolicy = .never
        let client = try KubernetesClient(configuration: configuration)
        let request = APIRequest(method: "GET", path: "/")
        let first = String(decoding: try await client.send(request), as: UTF8.self)
        let second = String(decoding: try await client.send(request), as: UTF8.self)
        #expect(first.contains("New, TLS"), "\(first.prefix(400))")
        #expect(second.contains("Reused, TLS"), "\(second.prefix(400))")

        let count = 50
        let elapsed = try await ContinuousClock().measure {
            for _ in 0..<count { _ = try await client.send(request) }
        }
        print(
            "kubernetes client over loopback TLS, a new (resumed) connection per call: "
                + "\(KubernetesClientConnectionTests.rate(count, elapsed)) requests/s")
    }
}
