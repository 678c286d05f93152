import HTTPServer

/// What a broker's `server.properties` says of an SSL listener's key material and client
/// authentication: PEM keystores and truststores, as files (`ssl.keystore.location`, which
/// holds the key and the chain) or inline (`ssl.keystore.certificate.chain`, `ssl.keystore.key`,
/// `ssl.truststore.certificates`). Files are named, not read: the caller maps a path to its
/// contents (a pod's mounted Secret in local mode).
public struct ListenerTLS: Equatable, Sendable {
    /// PEM text, or the path of a file that holds it.
    public enum PEMSource: Equatable, Sendable {
        case file(String)
        case inline(String)
    }

    /// The server's certificate chain and private key.
    public enum Keystore: Equatable, Sendable {
        /// One PEM file with the private key and the certificate chain.
        case file(String)
        case inline(certificateChain: String, privateKey: String)
    }

    public var keystore: Keystore
    /// The CAs client certificates must chain to; nil when the listener names none.
    public var truststore: PEMSource?
    public var clientAuthentication: TLSClientAuthentication

    public init(keystore: Keystore, truststore: PEMSource?, clientAuthentication: TLSClientAuthentication) {
        self.keystore = keystore
        self.truststore = truststore
        self.clientAuthentication = clientAuthentication
    }

    /// The PEM text a listener serves with, as read from its settings and files.
    public struct Material: Equatable, Sendable {
        public var certificateChain: String
        public var privateKey: String
        /// Empty when the listener names no truststore.
        public var trustedCertificates: String
    }

    /// The listener's key material; `readFile` gives a named file's text, or nil when there is
    /// no such file.
    public func material(readingFile readFile: (String) -> String?) throws(ListenerTLSError) -> Material {
        func text(_ path: String) throws(ListenerTLSError) -> String {
            guard let text = readFile(path) else { throw .missingFile(path) }
            return text
        }
        let chain: String
        let key: String
        switch keystore {
        case .file(let path):
            chain = try text(path)
            key = chain
        case .inline(let certificateChain, let privateKey):
            chain = PEMText.normalized(certificateChain)
            key = PEMText.normalized(privateKey)
        }
        let trusted: String
        switch truststore {
        case .file(let path): trusted = try text(path)
        case .inline(let certificates): trusted = PEMText.normalized(certificates)
        case nil: trusted = ""
        }
        return Material(certificateChain: chain, privateKey: key, trustedCertificates: trusted)
    }

    /// The OpenSSL context the listener serves `material` with.
    public func context(_ material: Material) throws(ListenerTLSError) -> TLSServerContext {
        do {
            return try TLSServerContext(
                certificateChainPEM: material.certificateChain, privateKeyPEM: material.privateKey,
                trustedCertificatesPEM: material.trustedCertificates,
                clientAuthentication: clientAuthentication)
        } catch {
            throw .unusable(error.description)
        }
    }
}

/// Why an SSL listener's key material cannot be used.
public enum ListenerTLSError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingFile(String)
    case unusable(String)
    /// A reloaded certificate names another subject, which the listener does not allow.
    case subjectChanged(from: TLSCertificateIdentity, to: TLSCertificateIdentity)
    /// A reloaded certificate has other alternative names, which the listener does not allow.
    case alternativeNamesChanged(from: TLSCertificateIdentity, to: TLSCertificateIdentity)

    public var description: String {
        switch self {
        case .missingFile(let path): "the SSL listener's file \(path) does not exist"
        case .unusable(let reason): "the SSL listener's key material cannot be used: \(reason)"
        // Kafka's words (CertificateEntries.ensureCompatible).
        case .subjectChanged(let old, let new):
            "Keystore DistinguishedName does not match: existing={\(old)}, new={\(new)}"
        case .alternativeNamesChanged(let old, let new):
            "Keystore SubjectAltNames do not match: existing={\(old)}, new={\(new)}"
        }
    }
}
