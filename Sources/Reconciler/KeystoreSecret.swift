import Foundation
import Keystores
import Kubernetes
import PKI

/// A Koperator keystore Secret (`serverSSLCertSecret`, `clientSSLCertSecret`) opened as Kafka
/// opens it: `keystore.jks` and `truststore.jks` (JKS or PKCS#12) with the Secret's `password`.
/// The keystore's first private key entry is the identity; the truststore's certificates are
/// the CAs it trusts.
struct KeystoreSecret: Equatable, Sendable {
    let identity: KeystoreContents.KeyEntry
    let trustedCertificatesPEM: String

    /// Opens `secret`; the error says, in one sentence, what the user must fix.
    init(_ secret: Secret) throws(KeystoreSecretError) {
        func bytes(_ key: String) throws(KeystoreSecretError) -> [UInt8] {
            guard let value = secret.data?[key], let data = Data(base64Encoded: value) else {
                throw .missingKey(secret: secret.name, key: key)
            }
            return Array(data)
        }
        guard let password = secret.text(KoperatorSecretKey.jksPassword) else {
            throw .missingKey(secret: secret.name, key: KoperatorSecretKey.jksPassword)
        }
        func open(_ key: String) throws(KeystoreSecretError) -> KeystoreContents {
            let file = try bytes(key)
            do {
                return try JavaKeystore.read(file, password: password)
            } catch {
                throw .unreadable(secret: secret.name, key: key, reason: "\(error)")
            }
        }
        let keystore = try open(KoperatorSecretKey.jksKeystore)
        let truststore = try open(KoperatorSecretKey.jksTruststore)
        guard let identity = keystore.keyEntries.first else { throw .noPrivateKey(secret: secret.name) }
        guard !truststore.trustedCertificatesPEM.isEmpty else {
            throw .noTrustedCertificate(secret: secret.name)
        }
        self.identity = identity
        trustedCertificatesPEM = truststore.trustedCertificatesPEM
    }
}

/// Why a keystore Secret cannot be used.
enum KeystoreSecretError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingSecret(String)
    case missingKey(secret: String, key: String)
    case unreadable(secret: String, key: String, reason: String)
    case noPrivateKey(secret: String)
    case noTrustedCertificate(secret: String)

    var description: String {
        switch self {
        case .missingSecret(let secret): "the keystore Secret \(secret) does not exist"
        case .missingKey(let secret, let key): "the keystore Secret \(secret) has no \(key)"
        case .unreadable(let secret, let key, let reason):
            "\(key) of Secret \(secret) cannot be read: \(reason)"
        case .noPrivateKey(let secret): "keystore.jks of Secret \(secret) holds no private key entry"
        case .noTrustedCertificate(let secret):
            "truststore.jks of Secret \(secret) holds no trusted certificate"
        }
    }
}
