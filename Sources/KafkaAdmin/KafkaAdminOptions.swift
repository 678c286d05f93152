import AddressResolution
import KafkaProtocol

/// How the admin client reaches brokers: identity, timeouts, limits, TLS and SASL.
public struct KafkaAdminOptions: Sendable {
    public var clientId: String
    public var connectTimeout: Duration
    /// Bound on one request: writing it and reading the whole response.
    public var requestTimeout: Duration
    /// Responses announcing more bytes are rejected before anything is allocated for them.
    public var maximumResponseSize: Int
    /// The one bound on a whole call: every pass, address, name lookup, connect, request and
    /// backoff it makes. Calls a call makes share it.
    public var callTimeout: Duration
    /// How many passes over the known brokers one call makes before giving up.
    public var attempts: Int
    /// Pause before the second pass, doubled for each further one.
    public var initialBackoff: Duration
    public var tls: KafkaTLSOptions?
    public var sasl: SASLCredentials?
    /// Highest version to use per API, below what negotiation would pick: a workaround for a
    /// broker that mis-implements a newer version, and how tests exercise the classic encodings.
    public var versionCaps: [ApiKey: Int16]
    /// Waits out a backoff; tests pass one that records instead of waiting.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Where a broker address (bootstrap or advertised) is really reached: identity on
    /// Kubernetes, the simulated brokers' loopback sockets in local mode. Errors and TLS keep
    /// the address as named.
    public var addressResolver: any AddressResolver
    /// Turns a host name into socket addresses; tests put a slow one here.
    var nameResolver: NameLookup.Resolver = NameLookup.system

    public init(
        clientId: String = "kafka-operator", connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(15), callTimeout: Duration = .seconds(30),
        maximumResponseSize: Int = KafkaFrame.defaultMaximumResponseSize,
        attempts: Int = 3, initialBackoff: Duration = .milliseconds(200), tls: KafkaTLSOptions? = nil,
        sasl: SASLCredentials? = nil, versionCaps: [ApiKey: Int16] = [:],
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        addressResolver: any AddressResolver = IdentityAddressResolver()
    ) {
        self.addressResolver = addressResolver
        self.clientId = clientId
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.callTimeout = callTimeout
        self.maximumResponseSize = maximumResponseSize
        self.attempts = max(1, attempts)
        self.initialBackoff = initialBackoff
        self.tls = tls
        self.sasl = sasl
        self.versionCaps = versionCaps
        self.sleep = sleep
    }
}

/// TLS towards the brokers. Key material comes from files (`--kafka-ca-file` and the like)
/// or, for certificates the operator holds in a Secret, as PEM text that never touches disk;
/// text wins over a file given for the same part.
public struct KafkaTLSOptions: Sendable, Equatable {
    /// PEM file of CAs to trust; nil uses the system's trust store.
    public var caFile: String?
    /// PEM client certificate and key, for brokers that require mutual TLS.
    public var certificateFile: String?
    public var privateKeyFile: String?
    /// PEM text of CAs to trust, in place of `caFile`.
    public var caPEM: String?
    /// PEM text of the client certificate (then its intermediates) and its unencrypted key, in
    /// place of `certificateFile` and `privateKeyFile`.
    public var certificatePEM: String?
    public var privateKeyPEM: String?
    /// Checks that the certificate names the host we connected to. Turn off only for tests.
    public var verifyHostname: Bool

    public init(
        caFile: String? = nil, certificateFile: String? = nil, privateKeyFile: String? = nil,
        verifyHostname: Bool = true
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.verifyHostname = verifyHostname
    }

    /// Mutual TLS with PEM text: the CAs to trust, the client certificate chain and its key.
    public init(caPEM: String, certificatePEM: String, privateKeyPEM: String, verifyHostname: Bool = true) {
        self.caPEM = caPEM
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.verifyHostname = verifyHostname
    }
}

/// SASL credentials and mechanism.
public struct SASLCredentials: Sendable, Equatable {
    public enum Mechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"
    }

    public var mechanism: Mechanism
    public var username: String
    public var password: String

    public init(mechanism: Mechanism, username: String, password: String) {
        self.mechanism = mechanism
        self.username = username
        self.password = password
    }
}
