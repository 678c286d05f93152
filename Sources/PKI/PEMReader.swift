import SwiftASN1
import X509

/// Reading PEM text into certificates and keys; every failure becomes a `PKIError` that names
/// the item (`"the CA certificate"`), so a message says which Secret key to fix.
enum PEMReader {
    static let certificateLabel = "CERTIFICATE"

    /// Every `CERTIFICATE` block of `pem`, in order. Other blocks (a key kept beside the chain, as
    /// in Kafka's PEM keystore file) are skipped; no certificate at all is an error.
    static func certificates(_ pem: String, item: String) throws(PKIError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw .unreadable(item: item, reason: readable(error))
        }
        let blocks = documents.filter { $0.discriminator == certificateLabel }
        guard !blocks.isEmpty else { throw .missing(item: item, expected: certificateLabel) }
        var certificates: [Certificate] = []
        for block in blocks {
            do {
                certificates.append(try Certificate(derEncoded: block.derBytes))
            } catch {
                throw .unreadable(item: item, reason: readable(error))
            }
        }
        return certificates
    }

    /// The one private key in `pem`: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1
    /// (`RSA PRIVATE KEY`), the forms swift-certificates reads.
    static func privateKey(_ pem: String, item: String) throws(PKIError) -> Certificate.PrivateKey {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw .unreadable(item: item, reason: readable(error))
        }
        let keys = documents.filter { $0.discriminator.hasSuffix("PRIVATE KEY") }
        guard let key = keys.first else { throw .missing(item: item, expected: "PRIVATE KEY") }
        guard keys.count == 1 else {
            throw .unreadable(item: item, reason: "it holds \(keys.count) private keys; one is expected")
        }
        guard key.discriminator != "ENCRYPTED PRIVATE KEY" else {
            throw .unreadable(item: item, reason: "the key is encrypted; give it unencrypted (PKCS#8)")
        }
        do {
            return try Certificate.PrivateKey(pemDocument: key)
        } catch {
            throw .unreadable(item: item, reason: readable(error))
        }
    }

    /// The error's message without the source location swift-asn1 and swift-certificates append.
    static func readable(_ error: any Error) -> String {
        let text = "\(error)"
        guard let lastSpace = text.lastIndex(of: " "),
            text[text.index(after: lastSpace)...].contains(".swift:")
        else { return text }
        return String(text[..<lastSpace])
    }
}
