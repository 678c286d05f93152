import JSON

/// `spec.listenersConfig.sslSecrets` as Koperator names it: the Secret holding the cluster's CA
/// (`tlsSecretName`, keys `caCert` and `caKey`) and whether the operator creates it (`create`)
/// or the user brings it. Koperator's `pkiBackend` and `issuerRef` (cert-manager) are not
/// read: the operator is its own CA.
public struct SSLSecrets: Equatable, Sendable {
    public var tlsSecretName: String
    public var create: Bool

    public init(tlsSecretName: String, create: Bool) {
        self.tlsSecretName = tlsSecretName
        self.create = create
    }

    /// The settings `value` holds; nil when it names no Secret.
    public init?(_ value: JSONValue?) {
        guard case .string(let name)? = value?["tlsSecretName"], !name.isEmpty else { return nil }
        tlsSecretName = name
        if case .bool(let create)? = value?["create"] { self.create = create } else { self.create = false }
    }
}

/// The name in a Koperator Secret reference (`{name: ...}`, a `LocalObjectReference`); nil when
/// the reference is absent or names nothing.
func secretReferenceName(_ reference: JSONValue?) -> String? {
    guard case .string(let name)? = reference?["name"], !name.isEmpty else { return nil }
    return name
}

extension InternalListener {
    /// The Secret with this listener's own keystore (`serverSSLCertSecret`): Koperator's
    /// `keystore.jks`, `truststore.jks` and `password`. nil when the cluster CA issues it.
    public var serverCertificateSecret: String? { secretReferenceName(serverSSLCertSecret) }
}

extension ExternalListener {
    /// The Secret with this listener's own keystore (`serverSSLCertSecret`): Koperator's
    /// `keystore.jks`, `truststore.jks` and `password`. nil when the cluster CA issues it.
    public var serverCertificateSecret: String? { secretReferenceName(serverSSLCertSecret) }
}

extension KafkaClusterSpec {
    /// The Secret with the client keystore (`clientSSLCertSecret`, Koperator's `keystore.jks`,
    /// `truststore.jks` and `password`) the operator, Cruise Control and the brokers' metrics
    /// reporter show the client-facing listener instead of certificates from the cluster CA.
    public var clientCertificateSecret: String? { secretReferenceName(clientSSLCertSecret) }

    /// Each listener's type and whether it names its own certificate Secret.
    private var listenerTLS: [(type: String, ownCertificate: Bool)] {
        (listenersConfig?.internalListeners ?? []).map { ($0.type, $0.serverSSLCertSecret != nil) }
            + (listenersConfig?.externalListeners ?? []).map { ($0.type, $0.serverSSLCertSecret != nil) }
    }

    /// Whether some listener speaks TLS (`ssl` or `sasl_ssl`), so brokers need certificates.
    public var hasSSLListener: Bool {
        listenerTLS.contains { ["ssl", "sasl_ssl"].contains($0.type.lowercased()) }
    }

    /// Whether some TLS listener needs a certificate from the cluster CA (`sslSecrets`): one
    /// without its own `serverSSLCertSecret`.
    public var needsClusterCA: Bool {
        listenerTLS.contains { ["ssl", "sasl_ssl"].contains($0.type.lowercased()) && !$0.ownCertificate }
    }
}
