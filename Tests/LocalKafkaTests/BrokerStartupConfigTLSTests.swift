import Foundation
import HTTPServer
import LocalKafka
import PKI
import Testing

/// What `server.properties` says of SSL listeners, as Kafka reads it: the protocol map picks
/// them, `listener.name.<name>.` settings win over plain `ssl.` ones, PEM, JKS and PKCS#12 stores.
@Suite struct BrokerStartupConfigTLSTests {
    static let head = """
        node.id=1
        listeners=INTERNAL://:29092,SECURE://:29093,EXTERNAL://:9094
        advertised.listeners=INTERNAL://kafka-1:29092,SECURE://kafka-1:29093,EXTERNAL://203.0.113.7:19091
        listener.security.protocol.map=INTERNAL:PLAINTEXT,SECURE:SSL,EXTERNAL:SSL

        """

    static func tls(_ properties: String, listener: String = "SECURE") throws -> ListenerTLS? {
        try BrokerStartupConfig(parsing: head + properties).advertisedListeners.first { $0.name == listener }?
            .tls
    }

    @Test func listenerPrefixedFileSettingsWinOverThePlainOnes() throws {
        let properties = """
            ssl.keystore.type=PEM
            ssl.keystore.location=/plain/keystore.pem
            ssl.client.auth=requested
            listener.name.secure.ssl.keystore.location=/secure/keystore.pem
            listener.name.secure.ssl.truststore.type=PEM
            listener.name.secure.ssl.truststore.location=/secure/truststore.pem
            listener.name.secure.ssl.client.auth=required
            """
        let config = try BrokerStartupConfig(parsing: Self.head + properties)
        #expect(config.advertisedListeners.map(\.name) == ["INTERNAL", "SECURE", "EXTERNAL"])
        #expect(config.advertisedListeners[0].tls == nil)
        #expect(
            config.advertisedListeners[1].tls
                == ListenerTLS(
                    keystore: .file("/secure/keystore.pem"), truststore: .file("/secure/truststore.pem"),
                    clientAuthentication: .required))
        #expect(
            config.advertisedListeners[2].tls
                == ListenerTLS(
                    keystore: .file("/plain/keystore.pem"), truststore: nil, clientAuthentication: .requested)
        )
    }

    @Test func inlinePEMIsReadAndClientAuthDefaultsToNone() throws {
        let properties = """
            listener.name.secure.ssl.keystore.type=PEM
            listener.name.secure.ssl.keystore.certificate.chain=CHAIN
            listener.name.secure.ssl.keystore.key=KEY
            listener.name.secure.ssl.truststore.certificates=CAS
            listener.name.external.ssl.keystore.type=PEM
            listener.name.external.ssl.keystore.location=/external.pem
            """
        #expect(
            try Self.tls(properties)
                == ListenerTLS(
                    keystore: .inline(certificateChain: "CHAIN", privateKey: "KEY"),
                    truststore: .inline("CAS"),
                    clientAuthentication: TLSClientAuthentication.none))
    }

    /// Java stores (JKS is Kafka's default type) with their passwords as written, resolved
    /// later through the config providers the file registers.
    @Test func javaStoresKeepTheirPasswordsAndTheRegisteredProviders() throws {
        let properties = """
            config.providers=directory,env
            config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
            config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
            listener.name.secure.ssl.keystore.location=/secure/keystore.jks
            listener.name.secure.ssl.keystore.password=${directory:/secure:password}
            listener.name.secure.ssl.truststore.type=PKCS12
            listener.name.secure.ssl.truststore.location=/secure/truststore.p12
            listener.name.secure.ssl.truststore.password=${directory:/secure:password}
            listener.name.external.ssl.keystore.type=PEM
            listener.name.external.ssl.keystore.location=/external.pem
            """
        #expect(
            try Self.tls(properties)
                == ListenerTLS(
                    keystore: .java(
                        location: "/secure/keystore.jks", password: "${directory:/secure:password}"),
                    truststore: .java(
                        location: "/secure/truststore.p12", password: "${directory:/secure:password}"),
                    clientAuthentication: TLSClientAuthentication.none,
                    variables: KafkaConfigVariables(directoryProviders: ["directory"])))
    }

    /// Without a protocol map Kafka takes the listener's name as its protocol.
    @Test func aListenerNamedSSLIsSSLWithoutAMap() throws {
        let config = try BrokerStartupConfig(
            parsing: """
                node.id=1
                listeners=SSL://:9093
                advertised.listeners=SSL://kafka-1:9093
                ssl.keystore.type=PEM
                ssl.keystore.location=/keystore.pem
                """)
        #expect(config.advertisedListeners.first?.tls?.keystore == .file("/keystore.pem"))
    }

    @Test(arguments: [
        ("", BrokerStartupConfigError.missingKeystore(listener: "SECURE")),
        (
            "ssl.keystore.type=BCFKS\nssl.keystore.location=/k.bcfks",
            .unsupportedStoreType(listener: "SECURE", key: "ssl.keystore.type", type: "BCFKS")
        ),
        ("ssl.keystore.type=PEM", .missingKeystore(listener: "SECURE")),
        (
            "ssl.keystore.type=PEM\nssl.keystore.certificate.chain=CHAIN",
            .missingKeystore(listener: "SECURE")
        ),
        (
            "ssl.keystore.type=PEM\nssl.keystore.location=/k.pem\nssl.truststore.type=BKS\nssl.truststore.location=/t.bks",
            .unsupportedStoreType(listener: "SECURE", key: "ssl.truststore.type", type: "BKS")
        ),
        (
            "ssl.keystore.type=PEM\nssl.keystore.location=/k.pem\nssl.client.auth=always",
            .invalidClientAuth(listener: "SECURE", value: "always")
        ),
    ])
    func anSSLListenerKafkaCouldNotStartIsRefused(properties: String, error: BrokerStartupConfigError) {
        #expect(throws: error) { try BrokerStartupConfig(parsing: Self.head + properties) }
    }

    /// Inline PEM as a properties file carries it: over continued lines (which Java joins with
    /// spaces) or with `\n` escapes. Both give key material OpenSSL serves with.
    @Test(arguments: [" \\\n    ", "\\n"])
    func inlinePEMOverContinuedLinesOrEscapedNewlinesServes(separator: String) throws {
        let now = Date()
        let ca = try CertificateAuthority.create(commonName: "cluster-ca", now: now)
        let broker = try ca.issue(CertificateRequest(commonName: "kafka-1", usage: .server), now: now)
        func value(_ pem: String) -> String {
            pem.split(separator: "\n").joined(separator: separator)
        }
        let properties = """
            ssl.keystore.type=PEM
            ssl.keystore.certificate.chain=\(value(broker.chainPEM))
            ssl.keystore.key=\(value(broker.privateKeyPEM))
            ssl.truststore.certificates=\(value(ca.certificatePEM))
            ssl.client.auth=required
            """
        let tls = try #require(try Self.tls(properties))
        guard case .inline(let chain, _) = tls.keystore else {
            Issue.record("the keystore is not inline: \(tls.keystore)")
            return
        }
        #expect(!chain.contains("\n"), "the properties file gives the PEM as one line")
        _ = try tls.context(tls.material { _ in nil })
    }
}
