/// What a leaf certificate should say: its subject, names, purpose and lifetime.
public struct CertificateRequest: Equatable, Sendable {
    /// What the certificate's key may be used for in TLS.
    public enum Usage: String, Equatable, Sendable {
        /// A broker: serverAuth for its listeners and clientAuth too, because brokers connect to
        /// each other (inter-broker and controller listeners) with the same keystore.
        case server
        /// The operator, Cruise Control or a KafkaUser: clientAuth only.
        case client
    }

    public var commonName: String
    public var usage: Usage
    public var dnsNames: [String]
    /// Textual IPv4 or IPv6 addresses.
    public var ipAddresses: [String]
    /// How long the certificate is valid from now; it never outlives the CA that signs it.
    public var validity: Duration

    public init(
        commonName: String, usage: Usage, dnsNames: [String] = [], ipAddresses: [String] = [],
        validity: Duration = .days(365)
    ) {
        self.commonName = commonName
        self.usage = usage
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.validity = validity
    }

    /// The request's problems as the first error found; names are checked for shape, not for
    /// whether they resolve.
    func validated() throws(PKIError) {
        try Self.validateCommonName(commonName)
        try Self.validateValidity(validity)
        for name in dnsNames where !HostName.isValidPattern(name) {
            throw .invalidRequest(
                field: "dnsNames", value: name,
                reason:
                    "not a DNS name (letters, digits, '-' and '.' labels; '*' only as the whole leftmost label)"
            )
        }
        for address in ipAddresses where IPAddress.bytes(address) == nil {
            throw .invalidRequest(field: "ipAddresses", value: address, reason: "not an IPv4 or IPv6 address")
        }
    }

    /// RFC 5280's upper bound for a commonName (ub-common-name).
    static let commonNameLimit = 64

    static func validateCommonName(_ name: String) throws(PKIError) {
        guard !name.isEmpty, name.count <= commonNameLimit else {
            throw .invalidRequest(
                field: "commonName", value: name, reason: "must be 1 to \(commonNameLimit) characters")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidRequest(
                field: "commonName", value: name, reason: "must not hold control characters")
        }
    }

    static func validateValidity(_ validity: Duration) throws(PKIError) {
        guard validity > .zero else {
            throw .invalidRequest(field: "validity", value: "\(validity)", reason: "must be positive")
        }
    }
}
