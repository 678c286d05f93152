import HTTPServer
import Keystores

/// Gives the bytes of a file a broker's settings name, or nil when there is no such file: a
/// pod's mounted Secret in local mode.
public typealias MountedFileReader = @Sendable (String) -> [UInt8]?

/// What a broker's `server.properties` says of an SSL listener's key material and client
/// authentication: PEM keystores and truststores, as files (`ssl.keystore.location`, which
/// holds the key and the chain) or inline (`ssl.keystore.certificate.chain`, `ssl.keystore.key`,
/// `ssl.truststore.certificates`), or Java keystores (JKS or PKCS#12) with their passwords.
/// Files are named, not read: the caller maps a path to its contents.
public struct ListenerTLS: Equatable, Sendable {
    /// The server's certificate chain and private key.
    public enum Keystore: Equatable, Sendable {
        /// One PEM file with the private key and the certificate chain.
        case file(String)
        case inline(certificateChain: String, privateKey: String)
        /// A JKS or PKCS#12 file with one private key entry, and its password as written
        /// (a config provider variable is resolved when the file is read).
        case java(location: String, password: String)
    }

    /// The CAs client certificates must chain to.
    public enum Truststore: Equatable, Sendable {
        /// A PEM file.
        case file(String)
        /// PEM text.
        case inline(String)
        /// A JKS or PKCS#12 file of trusted certificates and its password as written. A store
        /// without a password is refused (Java would read a JKS one unchecked).
        case java(location: String, password: String)
    }

    public var keystore: Keystore
    /// nil when the listener names none.
    public var truststore: Truststore?
    public var clientAuthentication: TLSClientAuthentication
    /// How `${provider:path:key}` passwords are resolved.
    public var variables: KafkaConfigVariables

    public init(
        keystore: Keystore, truststore: Truststore?, clientAuthentication: TLSClientAuthentication,
        variables: KafkaConfigVariables = KafkaConfigVariables()
    ) {
        self.keystore = keystore
        self.truststore = truststore
        self.clientAuthentication = clientAuthentication
        self.variables = variables
    }

    /// The PEM text a listener serves with, as read from its settings and files.
    public struct Material: Equatable, Sendable {
        public var certificateChain: String
        public var privateKey: String
        /// Empty when the listener names no truststore.
        public var trustedCertificates: String
    }

    /// The listener's key material, read through `readFile`.
    public func material(readingFile readFile: MountedFileReader) throws(ListenerTLSError) -> Material {
        func bytes(_ path: String) throws(ListenerTLSError) -> [UInt8] {
            guard let bytes = readFile(path) else { throw .missingFile(path) }
            return bytes
        }
        func text(_ path: String) throws(ListenerTLSError) -> String {
            String(decoding: try bytes(path), as: UTF8.self)
        }
        func javaStore(_ path: String, _ password: String) throws(ListenerTLSError) -> KeystoreContents {
            let file = try bytes(path)
            do {
                return try JavaKeystore.read(file, password: variables.resolve(password, readFile: readFile))
            } catch {
                throw .unusable("\(path): \(error)")
            }
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
        case .java(let location, let password):
            guard let entry = try javaStore(location, password).keyEntries.first else {
                throw .unusable("\(location) holds no private key entry")
            }
            chain = entry.certificateChainPEM
            key = entry.privateKeyPEM
        }
        let trusted: String
        switch truststore {
        case .file(let path): trusted = try text(path)
        case .inline(let certificates): trusted = PEMText.normalized(certificates)
        case .java(let location, let password):
            trusted = try javaStore(location, password).trustedCertificatesPEM
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
