import Testing

@testable import PKI

@Suite struct HostNameTests {
    static let matching: [(pattern: String, host: String)] = [
        ("kafka-0.kafka.svc", "kafka-0.kafka.svc"),
        ("Kafka-0.Kafka.SVC", "kafka-0.kafka.svc"),
        ("kafka-0.kafka.svc.", "kafka-0.kafka.svc"),
        ("kafka-0.kafka.svc", "kafka-0.kafka.svc."),
        ("*.kafka-headless.ns", "kafka-0.kafka-headless.ns"),
        ("*.kafka-headless.ns.svc.cluster.local", "kafka-12.kafka-headless.ns.svc.cluster.local"),
    ]

    static let notMatching: [(pattern: String, host: String)] = [
        ("kafka-0.kafka.svc", "kafka-1.kafka.svc"),
        ("*.kafka-headless.ns", "kafka-headless.ns"),
        ("*.kafka-headless.ns", "a.b.kafka-headless.ns"),
        ("*.kafka-headless.ns", ".kafka-headless.ns"),
        ("*.com", "example.com"),
        ("k*.kafka.svc", "kafka-0.kafka.svc"),
        ("*.*.svc", "a.b.svc"),
        ("kafka.*.svc", "kafka.ns.svc"),
        ("", ""),
        ("*", "localhost"),
    ]

    @Test(arguments: matching)
    func coveredNames(_ row: (pattern: String, host: String)) {
        #expect(HostName.Patterns([row.pattern]).match(row.host))
    }

    @Test(arguments: notMatching)
    func uncoveredNames(_ row: (pattern: String, host: String)) {
        #expect(!HostName.Patterns([row.pattern]).match(row.host))
    }

    @Test func anIPAddressIsCoveredOnlyByAnIPName() throws {
        let ca = try CertificateAuthority.create(commonName: "ca", now: .now)
        let leaf = try ca.issue(
            CertificateRequest(
                commonName: "10.0.0.9", usage: .server, dnsNames: ["*.ns.svc", "10.0.0.8.nip.io"],
                ipAddresses: ["10.0.0.7", "fd00::1"]),
            now: .now
        ).certificate
        #expect(leaf.covers(hostName: "10.0.0.7"))
        #expect(leaf.covers(hostName: "fd00:0:0::1"))
        #expect(!leaf.covers(hostName: "10.0.0.9"), "the common name is not consulted")
        #expect(!leaf.covers(hostName: "10.0.0.8"))
        #expect(leaf.covers(hostName: "kafka.ns.svc"))
    }
}
