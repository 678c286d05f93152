import COpenSSL

/// Who a certificate says its holder is: the subject and the subject alternative names, as a
/// TLS peer sees them. Kafka compares these before it takes a reloaded keystore (KIP-226,
/// KIP-978): a certificate that names someone else is refused unless the listener allows it.
public struct TLSCertificateIdentity: Equatable, Sendable, CustomStringConvertible {
    /// RFC 2253 text, most specific first, as Java's `X500Principal.getName()` gives it.
    public var subject: String
    /// Each name as OpenSSL prints it: `DNS:kafka-0.kafka.svc`, `IP Address:127.0.0.1`.
    public var alternativeNames: Set<String>

    public init(subject: String, alternativeNames: Set<String>) {
        self.subject = subject
        self.alternativeNames = alternativeNames
    }

    /// The identity of an OpenSSL certificate; nil when it cannot be printed.
    init?(_ certificate: OpaquePointer) {
        guard let subject = Self.text(certificate, http_x509_subject_rfc2253),
            let names = Self.text(certificate, http_x509_subject_alt_names)
        else { return nil }
        self.subject = subject
        self.alternativeNames = Set(
            names.split(separator: ",").map { String($0.drop { $0 == " " }) }.filter { !$0.isEmpty })
    }

    public var description: String {
        "\(subject) [\(alternativeNames.sorted().joined(separator: ", "))]"
    }

    /// What one of the shim's printers writes for `certificate`.
    static func text(
        _ certificate: OpaquePointer,
        _ printer: (OpaquePointer, UnsafeMutablePointer<CChar>, Int) -> Int
    ) -> String? {
        var buffer = [CChar](repeating: 0, count: 8192)
        let length = printer(certificate, &buffer, buffer.count)
        guard length >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
