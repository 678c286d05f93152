import SwiftASN1
import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reading PEM text into certificates and keys; every failure becomes a `PKIError` that names
/// the item (`"the CA certificate"`), so a message says which Secret key to fix.
enum PEMReader {
    static let certificateLabel = "CERTIFICATE"

    /// Every `CERTIFICATE` block of `pem`, in order. Other blocks (a key kept beside the chain, as
    /// in Kafka's PEM keystore file) are skipped; no certificate at all is an error.
    static func certificates(_ pem: String, item: String) throws(PKIError) -> [Certificate] {
        let blocks = try documents(pem, item: item).filter { $0.discriminator == certificateLabel }
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
        let keys = try documents(pem, item: item).filter { $0.discriminator.hasSuffix("PRIVATE KEY") }
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

    /// The PEM blocks of `text`, read leniently where RFC 7468 allows it: any text between
    /// blocks, CRLF or LF, and base64 lines of any length (swift-asn1's own reader insists on
    /// 64 characters, which some tools do not write). Headers (legacy encrypted PEM) are refused.
    static func documents(_ text: String, item: String) throws(PKIError) -> [PEMDocument] {
        var documents: [PEMDocument] = []
        var rest = Substring(text)
        while let begin = rest.firstRange(of: "-----BEGIN ") {
            let afterBegin = rest[begin.upperBound...]
            guard let labelEnd = afterBegin.firstRange(of: "-----"),
                !afterBegin[..<labelEnd.lowerBound].contains(where: \.isNewline)
            else {
                throw .unreadable(item: item, reason: "a BEGIN line does not end in '-----'")
            }
            let label = afterBegin[..<labelEnd.lowerBound]
            let body = afterBegin[labelEnd.upperBound...]
            guard let end = body.firstRange(of: "-----END \(label)-----") else {
                throw .unreadable(item: item, reason: "'-----BEGIN \(label)-----' has no matching END line")
            }
            let encoded = body[..<end.lowerBound]
            guard !encoded.contains(":") else {
                throw .unreadable(item: item, reason: "PEM headers (legacy encrypted PEM) are not supported")
            }
            guard let der = Data(base64Encoded: String(encoded.filter { !$0.isWhitespace })), !der.isEmpty
            else {
                throw .unreadable(item: item, reason: "the body of '\(label)' is not base64")
            }
            documents.append(PEMDocument(type: String(label), derBytes: Array(der)))
            rest = body[end.upperBound...]
        }
        return documents
    }

    /// The error's message without the source location swift-asn1 and swift-certificates append,
    /// and with their `Type.code: reason` turned into `reason (code)`, or, when they give no
    /// reason, a sentence around the code.
    static func readable(_ error: any Error) -> String {
        var text = "\(error)"
        if let lastSpace = text.lastIndex(of: " "), text[text.index(after: lastSpace)...].contains(".swift:")
        {
            text = String(text[..<lastSpace])
        }
        guard text.hasPrefix("ASN1Error.") || text.hasPrefix("CertificateError."),
            let dot = text.firstIndex(of: "."), let colon = text.firstRange(of: ":")
        else { return text }
        let code = text[text.index(after: dot)..<colon.lowerBound]
        let reason = text[colon.upperBound...].drop { $0 == " " }
        return reason.isEmpty ? "the DER encoding is malformed (\(code))" : "\(reason) (\(code))"
    }
}
