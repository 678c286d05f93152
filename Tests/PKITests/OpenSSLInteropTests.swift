import Foundation
import TestSupport
import Testing

@testable import PKI

/// What the operator issues, checked by OpenSSL: the chain verifies for the intended purposes,
/// the extensions read as intended, the key loads, and mutual TLS works between a broker
/// certificate (served from its one-file PEM keystore) and a client certificate, and fails with a
/// certificate of another CA.
@Suite(.enabled(if: Peer.available("openssl"), "needs the openssl CLI"))
struct OpenSSLInteropTests {
    static let brokerHost = "kafka-0.kafka-headless.kafka.svc.cluster.local"

    let files: OpenSSLFiles
    let ca: CertificateAuthority
    let broker: IssuedCertificate
    let client: IssuedCertificate
    let foreignClient: IssuedCertificate

    init() throws {
        let now = Date()
        files = try OpenSSLFiles()
        ca = try CertificateAuthority.create(commonName: "kafka-ca", validity: .days(2), now: now)
        broker = try ca.issue(
            CertificateRequest(
                commonName: "kafka-0", usage: .server,
                dnsNames: [Self.brokerHost, "*.kafka-headless.kafka.svc"],
                ipAddresses: ["127.0.0.1", "::1"], validity: .days(1)),
            now: now)
        client = try ca.issue(CertificateRequest(commonName: "kafka-controller", usage: .client), now: now)
        let other = try CertificateAuthority.create(commonName: "other-ca", now: now)
        foreignClient = try other.issue(CertificateRequest(commonName: "intruder", usage: .client), now: now)
        try files.write("ca.pem", ca.certificatePEM)
        for (name, issued) in [("broker", broker), ("client", client), ("foreign", foreignClient)] {
            try files.write("\(name).pem", issued.certificatePEM)
            try files.write("\(name)-chain.pem", issued.chainPEM)
            try files.write("\(name).key", issued.privateKeyPEM)
            try files.write("\(name)-keystore.pem", issued.keystorePEM)
        }
    }

    func verify(_ name: String, purpose: String) async throws -> ProcessOutput {
        try await files.openssl([
            "verify", "-x509_strict", "-purpose", purpose, "-CAfile", files.path("ca.pem"),
            files.path("\(name).pem"),
        ])
    }

    @Test func everyIssuedCertificateVerifiesForItsPurposesOnly() async throws {
        defer { files.remove() }
        for (name, purpose) in [("broker", "sslserver"), ("broker", "sslclient"), ("client", "sslclient")] {
            let result = try await verify(name, purpose: purpose)
            #expect(
                result.status == 0 && result.stdout.hasSuffix("\(name).pem: OK\n"),
                "\(name) \(purpose): \(result)")
        }
        let clientAsServer = try await verify("client", purpose: "sslserver")
        #expect(clientAsServer.status != 0, "a client certificate passed as a server's")
        let foreign = try await verify("foreign", purpose: "sslclient")
        #expect(foreign.status != 0, "another CA's certificate verified")
        let selfSigned = try await files.openssl([
            "verify", "-x509_strict", "-check_ss_sig", "-CAfile", files.path("ca.pem"), files.path("ca.pem"),
        ])
        #expect(selfSigned.status == 0, "\(selfSigned)")
    }

    @Test func theTextFormShowsTheIntendedExtensions() async throws {
        defer { files.remove() }
        let caText = try await files.openssl(["x509", "-in", files.path("ca.pem"), "-noout", "-text"]).stdout
        #expect(
            caText.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"),
            "\(caText)")
        #expect(caText.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"))
        #expect(caText.contains("Subject: CN = kafka-ca") && caText.contains("Issuer: CN = kafka-ca"))
        let caKeyID = try #require(Self.value(after: "X509v3 Subject Key Identifier:", in: caText))

        let brokerText = try await files.openssl(["x509", "-in", files.path("broker.pem"), "-noout", "-text"])
            .stdout
        #expect(
            brokerText.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"),
            "\(brokerText)")
        #expect(brokerText.contains("X509v3 Key Usage: critical\n                Digital Signature"))
        #expect(brokerText.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(
            brokerText.contains(
                "DNS:\(Self.brokerHost), DNS:*.kafka-headless.kafka.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"
            ))
        #expect(
            Self.value(after: "X509v3 Authority Key Identifier:", in: brokerText)?.contains(caKeyID) == true)
        #expect(brokerText.contains("ASN1 OID: prime256v1"))

        let clientText = try await files.openssl(["x509", "-in", files.path("client.pem"), "-noout", "-text"])
            .stdout
        #expect(
            clientText.contains(
                "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n"))
        #expect(
            !clientText.contains("Server Authentication") && !clientText.contains("Subject Alternative Name"))
    }

    @Test func opensslReadsEachKeyAsTheCertificatesOwn() async throws {
        defer { files.remove() }
        try files.write("ca.key", ca.privateKeyPEM)
        for name in ["ca", "broker", "client"] {
            let key = try await files.openssl(["pkey", "-in", files.path("\(name).key"), "-noout", "-text"])
            #expect(key.status == 0 && key.stdout.contains("ASN1 OID: prime256v1"), "\(name): \(key)")
            let fromKey = try await files.openssl(["pkey", "-in", files.path("\(name).key"), "-pubout"])
            let fromCertificate = try await files.openssl([
                "x509", "-in", files.path("\(name).pem"), "-pubkey", "-noout",
            ])
            #expect(fromKey.status == 0 && fromKey.stdout == fromCertificate.stdout, "\(name)")
        }
    }

    @Test func mutualTLSWorksWithinTheCAAndRefusesAnotherCAsClient() async throws {
        defer { files.remove() }
        let port = freeLoopbackPort()
        let server = try BackgroundProcess(
            "openssl",
            [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", files.path("broker-keystore.pem"),
                "-key", files.path("broker-keystore.pem"),
                "-CAfile", files.path("ca.pem"), "-Verify", "1", "-verify_return_error", "-www",
            ],
            logFile: files.directory.file("s_server.log"))
        // SIGKILL: s_server can inherit a blocked SIGTERM from the test runner's threads.
        defer { server.stop(signal: SIGKILL) }
        let listening = await waitUntil(timeout: .seconds(10)) { isListening(port: port) }
        try #require(listening, "s_server did not start: \(server.log)")

        func connect(_ client: String?) async throws -> ProcessOutput {
            var arguments = [
                "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", files.path("ca.pem"),
                "-verify_return_error",
                "-verify_hostname", Self.brokerHost, "-quiet",
            ]
            if let client {
                arguments += ["-cert", files.path("\(client).pem"), "-key", files.path("\(client).key")]
            }
            return try await files.openssl(arguments, input: "GET / HTTP/1.0\r\n\r\n")
        }

        let trusted = try await connect("client")
        #expect(
            trusted.status == 0 && trusted.stdout.hasPrefix("HTTP/1.0 200 ok"), "\(trusted)\n\(server.log)")
        let foreign = try await connect("foreign")
        #expect(foreign.status != 0 && !foreign.stdout.contains("200 ok"), "\(foreign)")
        #expect(server.log.contains("unable to get local issuer certificate"), "\(server.log)")
        let anonymous = try await connect(nil)
        #expect(anonymous.status != 0 && !anonymous.stdout.contains("200 ok"), "\(anonymous)")
    }

    /// Bring-your-own CAs as OpenSSL makes them, with keys in the three PEM forms: RSA as PKCS#8,
    /// RSA as traditional PKCS#1 and P-384 as SEC1. Loaded, checked and used to sign a broker
    /// certificate that OpenSSL then verifies.
    @Test(arguments: [
        ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], ["genrsa", "-traditional"],
        ["ecparam", "-name", "secp384r1", "-genkey", "-noout"],
    ])
    func aCAMadeByOpenSSLSignsWhatOpenSSLVerifies(_ keyGeneration: [String]) async throws {
        defer { files.remove() }
        let key = try await files.openssl(keyGeneration + ["-out", files.path("byo.key")])
        try #require(key.status == 0, "\(key.stderr)")
        let made = try await files.openssl([
            "req", "-x509", "-key", files.path("byo.key"), "-subj", "/CN=byo-ca", "-days", "2", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", "-out", files.path("byo.pem"),
        ])
        try #require(made.status == 0, "\(made.stderr)")
        let certificatePEM = try String(contentsOfFile: files.path("byo.pem"), encoding: .utf8)
        let keyPEM = try String(contentsOfFile: files.path("byo.key"), encoding: .utf8)
        #expect(
            CertificateValidator(now: Date()).validateAuthority(
                certificatePEM: certificatePEM, privateKeyPEM: keyPEM) == [])
        let byo = try CertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
        let issued = try byo.issue(
            CertificateRequest(commonName: "kafka-0", usage: .server, dnsNames: [Self.brokerHost]),
            now: Date())
        try files.write("byo-broker.pem", issued.certificatePEM)
        let verified = try await files.openssl([
            "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", files.path("byo.pem"),
            files.path("byo-broker.pem"),
        ])
        #expect(verified.status == 0, "\(verified)")
        let problems = await CertificateValidator(now: Date()).validateLeaf(
            certificatePEM: issued.chainPEM, privateKeyPEM: issued.privateKeyPEM, trustedPEM: certificatePEM,
            usage: .server, requiredHostNames: [Self.brokerHost])
        #expect(problems == [])
    }

    /// Issues a CA and 100 broker certificates, prints how long that took, and has OpenSSL
    /// verify all of them.
    @Test func aHundredBrokerCertificatesAllVerify() async throws {
        defer { files.remove() }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = Self.cpuSeconds()
        let now = Date()
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
        let brokers = try (0..<100).map { id in
            try ca.issue(
                CertificateRequest(
                    commonName: "kafka-\(id)", usage: .server,
                    dnsNames: [
                        "kafka-\(id).kafka.svc.cluster.local", "kafka-\(id).kafka.svc", "*.kafka-\(id).kafka",
                        "kafka-all-broker.kafka.svc.cluster.local",
                    ]),
                now: now)
        }
        let elapsed = clock.now - start
        let cpu = Self.cpuSeconds() - cpuStart
        print("PKI: one CA and 100 broker certificates issued in \(elapsed) (\(Int(cpu * 1000)) ms of CPU)")
        try files.write("ca-100.pem", ca.certificatePEM)
        var paths: [String] = []
        for (id, broker) in brokers.enumerated() {
            paths.append(try files.write("broker-\(id).pem", broker.certificatePEM))
        }
        let result = try await files.openssl(
            ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", files.path("ca-100.pem")] + paths)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasSuffix(": OK") }.count == 100)
    }

    /// User and system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// The text on the line after `label` in `openssl x509 -text` output.
    static func value(after label: String, in text: String) -> String? {
        let lines = text.split(separator: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(label) }), index + 1 < lines.count else {
            return nil
        }
        return lines[index + 1].trimmingCharacters(in: .whitespaces)
    }
}
