import ClusterModel
import Foundation
import KafkaProtocol
import Kubernetes
import PKI
import TestSupport
import Testing

@testable import Reconciler

/// The keystore Secrets a spec brings are checked before brokers and clients fail on them: a
/// missing Secret or key, a password that does not open a store, a keystore without a key, a
/// truststore without a certificate, an expired certificate, and one that does not cover the
/// names clients check each give one clear problem; one near its expiry is reported as
/// expiring. Keystores are PKCS#12 (the operator's writer); truststores are written by openssl.
@Suite(.enabled(if: Peer.available("openssl"), "openssl is not installed"))
struct UserKeystoresTests {
    static let brokerHost = "kafka-0.kafka-headless.kafka.svc.cluster.local"

    struct Fixture {
        let ca: CertificateAuthority
        let truststore: [UInt8]

        init() async throws {
            ca = try CertificateAuthority.create(commonName: "users-ca", now: Date())
            let peers = try KeystorePeers()
            defer { peers.remove() }
            try Data(ca.certificatePEM.utf8).write(to: peers.directory.file("ca.pem"))
            truststore = try await peers.pkcs12(
                "trust.p12", password: "pw", arguments: ["-nokeys", "-in", peers.path("ca.pem")])
        }

        func keystore(dnsNames: [String], validity: Duration = .days(365), issuedAt now: Date = Date()) throws
            -> [UInt8]
        {
            let leaf = try ca.issue(
                CertificateRequest(
                    commonName: "kafka", usage: .server, dnsNames: dnsNames, validity: validity), now: now)
            return try PKCS12Keystore.encode(
                privateKeyPEM: leaf.privateKeyPEM, chainPEM: leaf.chainPEM, alias: "kafka", password: "pw")
        }

        func secret(_ name: String, _ files: [String: [UInt8]]) -> Secret {
            Secret(
                metadata: ObjectMeta(name: name, namespace: "kafka"), type: "Opaque",
                data: files.mapValues { Data($0).base64EncodedString() })
        }
    }

    /// A cluster whose internal listener reads `kafka-server`, whose external one reads
    /// `external-server`, and whose clients show `kafka-client`.
    static func checker(externalHost: String? = "kafka.example.com") throws -> UserKeystores {
        var spec = try ClusterFixtures.withBrokers([0]).spec
        spec.headlessServiceEnabled = true
        spec.listenersConfig?.internalListeners?[0].type = "ssl"
        spec.listenersConfig?.internalListeners?[0].serverSSLCertSecret = .object([
            ("name", .string("kafka-server"))
        ])
        var external = ExternalListener(
            name: "external", type: "ssl", containerPort: 9094, externalStartingPort: 19090)
        external.serverSSLCertSecret = .object([("name", .string("external-server"))])
        spec.listenersConfig?.externalListeners = [external]
        spec.clientSSLCertSecret = .object([("name", .string("kafka-client"))])
        return UserKeystores(
            spec: spec, cluster: "kafka", namespace: "kafka",
            externalHosts: externalHost.map { ["external": $0] } ?? [:])
    }

    @Test func theSecretsEachListenerAndTheClientUseAreCheckedForTheirNames() throws {
        let checker = try Self.checker()
        #expect(checker.uses.map(\.secret) == ["external-server", "kafka-client", "kafka-server"])
        #expect(checker.uses.first { $0.secret == "kafka-server" }?.requiredHostNames == [Self.brokerHost])
        #expect(
            checker.uses.first { $0.secret == "external-server" }?.requiredHostNames == ["kafka.example.com"])
        #expect(checker.uses.first { $0.secret == "kafka-client" }?.requiredHostNames == [])
        // Until the load balancer has an address its listener's names are not known.
        #expect(
            try Self.checker(externalHost: nil).uses.first { $0.secret == "external-server" }?
                .requiredHostNames == [])
    }

    @Test func goodSecretsGiveNoProblemAndTheirExpiries() async throws {
        let fixture = try await Fixture()
        let live = [
            "kafka-server": fixture.secret(
                "kafka-server",
                [
                    "keystore.jks": try fixture.keystore(dnsNames: [
                        "*.kafka-headless.kafka.svc.cluster.local"
                    ]),
                    "truststore.jks": fixture.truststore, "password": Array("pw".utf8),
                ]),
            "external-server": fixture.secret(
                "external-server",
                [
                    "keystore.jks": try fixture.keystore(dnsNames: ["kafka.example.com"]),
                    "truststore.jks": fixture.truststore, "password": Array("pw".utf8),
                ]),
            "kafka-client": fixture.secret(
                "kafka-client",
                [
                    "keystore.jks": try fixture.keystore(dnsNames: []), "truststore.jks": fixture.truststore,
                    "password": Array("pw".utf8),
                ]),
        ]
        let outcome = try Self.checker().check(live: live, now: Date())
        #expect(outcome.problems == [])
        #expect(Set(outcome.expiries.keys) == ["external-server", "kafka-client", "kafka-server"])
        #expect(outcome.expiring.isEmpty)
    }

    @Test(arguments: [
        ("no Secret", "the keystore Secret kafka-server does not exist"),
        ("no password", "the keystore Secret kafka-server has no password"),
        ("no truststore", "the keystore Secret kafka-server has no truststore.jks"),
        ("wrong password", "keystore.jks of Secret kafka-server cannot be read"),
        ("truststore as keystore", "keystore.jks of Secret kafka-server holds no private key entry"),
        ("garbage truststore", "truststore.jks of Secret kafka-server cannot be read"),
        ("expired", "the certificate in Secret kafka-server has expired"),
        ("other names", "the certificate in Secret kafka-server does not cover \(brokerHost)"),
    ])
    func eachFaultIsOneClearProblem(fault: String, problem: String) async throws {
        let fixture = try await Fixture()
        var files: [String: [UInt8]] = [
            "keystore.jks": try fixture.keystore(dnsNames: ["*.kafka-headless.kafka.svc.cluster.local"]),
            "truststore.jks": fixture.truststore, "password": Array("pw".utf8),
        ]
        switch fault {
        case "no password": files["password"] = nil
        case "no truststore": files["truststore.jks"] = nil
        case "wrong password": files["password"] = Array("not-pw".utf8)
        case "truststore as keystore": files["keystore.jks"] = fixture.truststore
        case "garbage truststore": files["truststore.jks"] = Array("not a keystore".utf8)
        case "expired":
            files["keystore.jks"] = try fixture.keystore(
                dnsNames: ["*.kafka-headless.kafka.svc.cluster.local"], validity: .days(1),
                issuedAt: Date().addingTimeInterval(-3 * 86_400))
        case "other names": files["keystore.jks"] = try fixture.keystore(dnsNames: ["elsewhere.example.com"])
        default: break
        }
        var checker = try Self.checker()
        checker = UserKeystores(uses: checker.uses.filter { $0.secret == "kafka-server" })
        let live = fault == "no Secret" ? [:] : ["kafka-server": fixture.secret("kafka-server", files)]
        let outcome = checker.check(live: live, now: Date())
        #expect(outcome.problems.count == 1, "\(outcome.problems)")
        #expect(outcome.problems.first?.hasPrefix(problem) == true, "\(outcome.problems)")
    }

    @Test func aCertificateNearItsExpiryIsReportedAsExpiring() async throws {
        let fixture = try await Fixture()
        let files: [String: [UInt8]] = [
            "keystore.jks": try fixture.keystore(
                dnsNames: ["*.kafka-headless.kafka.svc.cluster.local"], validity: .days(10)),
            "truststore.jks": fixture.truststore, "password": Array("pw".utf8),
        ]
        let checker = UserKeystores(uses: try Self.checker().uses.filter { $0.secret == "kafka-server" })
        let outcome = checker.check(
            live: ["kafka-server": fixture.secret("kafka-server", files)], now: Date())
        #expect(outcome.problems == [])
        #expect(outcome.expiring.keys.sorted() == ["kafka-server"])
    }
}

/// The user renews a listener's keystore Secret: the brokers are asked to reload it without a
/// restart, as after a renewal of the operator's own; a new client keystore asks nothing of
/// the brokers.
@Suite(.enabled(if: Peer.available("openssl"), "openssl is not installed"))
struct UserKeystoreRenewalTests {
    @Test func onlyAListenersRenewedKeystoreIsARenewal() {
        let checker = UserKeystores(uses: [
            .init(secret: "server", requiredHostNames: []),
            .init(secret: "client", requiredHostNames: [], servesListener: false),
        ])
        let old = Date(timeIntervalSince1970: 1_800_000_000)
        let new = old.addingTimeInterval(86_400)
        let recorded = ["server": "2027-01-15T08:00:00Z", "client": "2027-01-15T08:00:00Z"]
        var outcome = UserKeystores.Outcome(expiries: ["server": old, "client": old])
        #expect(checker.renewed(outcome, recorded: recorded) == [])
        outcome.expiries = ["server": new, "client": new]
        #expect(checker.renewed(outcome, recorded: recorded) == ["server"])
        #expect(checker.renewed(outcome, recorded: [:]) == [], "a keystore seen first is no renewal")
    }

    @Test func aRenewedListenerKeystoreIsReloadedByEveryBroker() async throws {
        let fixture = try await UserKeystoresTests.Fixture()
        try await GracefulHarness.run(cruiseControl: false) { harness in
            let namespace = harness.api.namespace
            let names = [
                "*.kafka-headless.\(namespace).svc.cluster.local", "*.\(namespace).svc.cluster.local",
            ]
            func secret(validity: Duration) throws -> Secret {
                var secret = fixture.secret(
                    "kafka-server",
                    [
                        "keystore.jks": try fixture.keystore(dnsNames: names, validity: validity),
                        "truststore.jks": fixture.truststore, "password": Array("pw".utf8),
                    ])
                secret.metadata.namespace = namespace
                return secret
            }
            try await harness.api.modify {
                $0.spec.listenersConfig?.internalListeners?[1].type = "ssl"
                $0.spec.listenersConfig?.internalListeners?[1].serverSSLCertSecret = .object([
                    ("name", .string("kafka-server"))
                ])
            }
            var live = try await harness.api.client.create(try secret(validity: .days(300)))
            try await harness.configuringPasses(harness.kafka)
            try await harness.api.waitUntilSettled()
            try await harness.configuringPasses(harness.kafka)
            let document = try await harness.api.document()
            #expect(document.cluster.status?.certificateProblems == nil)
            #expect(document.cluster.status?.certificateExpiry?["kafka-server"] != nil)
            #expect(document.cluster.status?.keystoreReloadUntil == nil, "nothing to reload yet")

            var renewed = try secret(validity: .days(360))
            renewed.metadata.resourceVersion = live.metadata.resourceVersion
            live = try await harness.api.client.update(renewed)
            try await harness.configuringPass(harness.kafka)
            #expect(try await harness.api.document().cluster.status?.keystoreReloadUntil != nil)
            let key = "listener.name.controller.ssl.keystore.location"
            for broker in await harness.simulation.snapshot().brokerIDs {
                let dynamic = try await harness.kafka.describeConfigs(broker: broker).first {
                    $0.name == key && $0.sourceCode == ConfigEntry.Source.dynamicBroker.rawValue
                }
                #expect(
                    dynamic?.value == "/var/run/secrets/kafka/listeners/controller/keystore.jks",
                    "broker \(broker)")
            }
        }
    }
}
