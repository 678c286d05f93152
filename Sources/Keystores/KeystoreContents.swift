/// What a Java keystore holds, as PEM text the OpenSSL-based clients and servers load.
public struct KeystoreContents: Equatable, Sendable {
    /// A private key with the certificate chain it proves.
    public struct KeyEntry: Equatable, Sendable {
        public var alias: String
        /// The key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`), unencrypted.
        public var privateKeyPEM: String
        /// The key's certificate first, then the rest of its chain.
        public var certificateChainPEM: String

        public init(alias: String, privateKeyPEM: String, certificateChainPEM: String) {
            self.alias = alias
            self.privateKeyPEM = privateKeyPEM
            self.certificateChainPEM = certificateChainPEM
        }
    }

    public var keyEntries: [KeyEntry]
    /// Trusted certificates (JKS tag 2, or PKCS#12 certificates without a key), PEM, concatenated.
    public var trustedCertificatesPEM: String

    public init(keyEntries: [KeyEntry] = [], trustedCertificatesPEM: String = "") {
        self.keyEntries = keyEntries
        self.trustedCertificatesPEM = trustedCertificatesPEM
    }
}
