import Foundation
import HTTPServer
import PKI
import TestSupport
import Testing

/// The blocking server-side TLS session against openssl s_client: the handshake, the client
/// certificate's subject as Kafka's principal builder reads it, and the bytes through it.
@Suite(.enabled(if: Peer.available("openssl")))
struct TLSServerSessionTests {
    /// Accepts one connection on a loopback socket and runs `session` on it off the pool,
    /// while `client` runs; returns what `session` returned.
    func serveOne<T: Sendable>(
        context: TLSServerContext, client: @Sendable (UInt16) async throws -> Void,
        session: @escaping @Sendable (Result<TLSServerSession, TLSSessionError>) -> T
    ) async throws -> T {
        let (listener, port) = try #require(boundLoopbackSocket(listeningWith: 4))
        defer { close(listener) }
        let served = LockedBox<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let fd = accept(listener, nil, nil)
            let result = Result { () throws(TLSSessionError) in
                try TLSServerSession.accept(fd: fd, context: context, timeout: .seconds(10))
            }
            served.set(session(result))
            if case .success(let tls) = result { tls.close() }
            close(fd)
            done.signal()
        }
        try await client(port)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        return try #require(served.get())
    }

    @Test func theClientCertificatesSubjectReadsAsRFC2253AndBytesGoThrough() async throws {
        let directory = try TemporaryDirectory(prefix: "tls-session")
        defer { directory.remove() }
        let now = Date()
        let ca = try CertificateAuthority.create(commonName: "test-ca", now: now)
        let server = try ca.issue(
            CertificateRequest(commonName: "server", usage: .server, ipAddresses: ["127.0.0.1"]), now: now)
        let paths = ["ca.crt", "ca.key", "alice.key", "alice.csr", "alice.crt"].map {
            directory.file($0).path
        }
        try ca.certificatePEM.write(toFile: paths[0], atomically: true, encoding: .utf8)
        try ca.privateKeyPEM.write(toFile: paths[1], atomically: true, encoding: .utf8)
        // A subject with several attributes and a comma, signed by the CA with openssl.
        let request = try runProcess(
            "openssl",
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                paths[2], "-out", paths[3], "-subj", "/O=Example/OU=Team, One/CN=alice",
            ])
        #expect(request.status == 0, "\(request.stderr)")
        let signed = try runProcess(
            "openssl",
            [
                "x509", "-req", "-in", paths[3], "-CA", paths[0], "-CAkey", paths[1], "-CAcreateserial",
                "-days", "1", "-out", paths[4],
            ])
        #expect(signed.status == 0, "\(signed.stderr)")
        let context = try TLSServerContext(
            certificateChainPEM: server.chainPEM, privateKeyPEM: server.privateKeyPEM,
            trustedCertificatesPEM: ca.certificatePEM, clientAuthentication: .requested)

        let seen = try await serveOne(
            context: context,
            client: { port in
                let output = try await runOffPool(
                    "openssl",
                    [
                        "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", paths[0], "-cert", paths[4],
                        "-key",
                        paths[2], "-verify_return_error", "-quiet",
                    ], input: Data("ping\n".utf8))
                #expect(output.status == 0, "\(output.stderr)")
            },
            session: { result in
                let session = try? result.get()
                return [session?.peerSubject, session?.read(5).map { String(decoding: $0, as: UTF8.self) }]
            })
        #expect(seen == ["CN=alice,OU=Team\\, One,O=Example", "ping\n"])

        // Requested, not required: a client without a certificate is served, anonymously.
        let anonymous = try await serveOne(
            context: context,
            client: { port in
                let output = try await runOffPool(
                    "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", paths[0], "-quiet"],
                    input: Data("ping\n".utf8))
                #expect(output.status == 0, "\(output.stderr)")
            },
            session: { result in
                let session = try? result.get()
                return [
                    session == nil ? "no session" : session?.peerSubject ?? "no subject",
                    session?.read(5).map { String(decoding: $0, as: UTF8.self) },
                ]
            })
        #expect(anonymous == ["no subject", "ping\n"])
    }

    @Test func contextsRefuseKeyMaterialThatCannotServe() throws {
        let now = Date()
        let ca = try CertificateAuthority.create(commonName: "test-ca", now: now)
        let server = try ca.issue(CertificateRequest(commonName: "server", usage: .server), now: now)
        let other = try ca.issue(CertificateRequest(commonName: "other", usage: .server), now: now)
        #expect(throws: HTTPServerError.self) {
            try TLSServerContext(certificateChainPEM: "", privateKeyPEM: server.privateKeyPEM)
        }
        #expect(throws: HTTPServerError.self) {
            try TLSServerContext(certificateChainPEM: server.chainPEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect(throws: HTTPServerError.self) {
            try TLSServerContext(
                certificateChainPEM: server.chainPEM, privateKeyPEM: server.privateKeyPEM,
                clientAuthentication: .required)
        }
        _ = try TLSServerContext(
            certificateChainPEM: server.chainPEM, privateKeyPEM: server.privateKeyPEM,
            trustedCertificatesPEM: ca.certificatePEM, clientAuthentication: .required)
    }
}
