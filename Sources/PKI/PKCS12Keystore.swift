import Crypto
import CryptoExtras
import SwiftASN1
import X509

/// A password-protected PKCS#12 keystore (RFC 7292) holding one private key and its certificate
/// chain under one alias: the keystore Java servers without PEM support read (Cruise Control's
/// Jetty web server, `webserver.ssl.keystore.type=PKCS12`).
///
/// Written as current Java and OpenSSL write theirs: the key in a PKCS#8 shrouded key bag
/// encrypted with PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC), the certificates in plain
/// certificate bags, the whole under an HMAC-SHA-256 integrity MAC keyed by the PKCS#12 key
/// derivation. The key bag and the leaf share a `localKeyId`, which is how Java pairs them
/// into one private key entry, named by `friendlyName`.
public enum PKCS12Keystore {
    /// PBKDF2 rounds for the key's encryption, the floor swift-crypto recommends.
    static let keyIterations = 210_000
    /// Iterations of the MAC's key derivation, Java's default for PKCS#12.
    static let macIterations = 10_000

    /// The DER bytes of a keystore with `privateKeyPEM` (unencrypted PKCS#8) and the
    /// certificates of `chainPEM` (leaf first), the entry named `alias`.
    public static func encode(
        privateKeyPEM: String, chainPEM: String, alias: String, password: String
    ) throws(PKIError) -> [UInt8] {
        do {
            let key = try PEMDocument(pemString: privateKeyPEM)
            guard key.discriminator == "PRIVATE KEY" else {
                throw PKIError.unreadable(item: "the private key", reason: "not a PKCS#8 PEM private key")
            }
            let chain = try PEMReader.certificates(chainPEM, item: "the certificate chain")
            let certificates = try chain.map { certificate in
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return serializer.serializedBytes
            }
            let localKeyID = Array(SHA256.hash(data: certificates[0]))
            let keyBag = try shroudedKeyBag(
                key.derBytes, password: password, attributes: attributes(alias: alias, localKeyID: localKeyID)
            )
            let certificateBags = try certificates.enumerated().map { index, der in
                try certificateBag(
                    der, attributes: index == 0 ? attributes(alias: alias, localKeyID: localKeyID) : nil)
            }
            let authenticatedSafe = try der { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try dataContentInfo(try der { sequence(of: certificateBags, &$0) }, &coder)
                    try dataContentInfo(try der { sequence(of: [keyBag], &$0) }, &coder)
                }
            }
            let macData = try mac(authenticatedSafe, password: password)
            return try der { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(3)
                    try dataContentInfo(authenticatedSafe, &coder)
                    coder.serializeRawBytes(macData)
                }
            }
        } catch let error as PKIError {
            throw error
        } catch {
            throw .unreadable(item: "the keystore's material", reason: "\(error)")
        }
    }

    // Object identifiers (RFC 7292, RFC 8018, RFC 5652, NIST).
    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 1]
    static let shroudedKeyBagID: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 12, 10, 1, 2]
    static let certificateBagID: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 12, 10, 1, 3]
    static let x509Certificate: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 22, 1]
    static let friendlyName: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 20]
    static let localKeyID: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 21]
    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 12]
    static let hmacWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 2, 9]
    static let aes256CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 42]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]

    private static func der(_ body: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try body(&serializer)
        return serializer.serializedBytes
    }

    private static func sequence(of encoded: [[UInt8]], _ coder: inout DER.Serializer) {
        coder.appendConstructedNode(identifier: .sequence) { coder in
            for element in encoded { coder.serializeRawBytes(element) }
        }
    }

    /// ContentInfo of type data: `content` in an OCTET STRING under an explicit [0].
    private static func dataContentInfo(_ content: [UInt8], _ coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(data)
            try coder.serialize(
                ASN1OctetString(contentBytes: content[...]), explicitlyTaggedWithTagNumber: 0,
                tagClass: .contextSpecific)
        }
    }

    /// The bag attributes that name the entry and pair the key with its certificate.
    private static func attributes(alias: String, localKeyID id: [UInt8]) throws -> [UInt8] {
        let name = bmpString(alias)
        return try der { coder in
            try coder.appendConstructedNode(identifier: .set) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(friendlyName)
                    try coder.appendConstructedNode(identifier: .set) { coder in
                        try coder.serialize(ASN1BMPString(contentBytes: name[...]))
                    }
                }
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(localKeyID)
                    try coder.appendConstructedNode(identifier: .set) { coder in
                        try coder.serialize(ASN1OctetString(contentBytes: id[...]))
                    }
                }
            }
        }
    }

    private static func certificateBag(_ certificate: [UInt8], attributes: [UInt8]?) throws -> [UInt8] {
        try der { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(certificateBagID)
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(x509Certificate)
                        try coder.serialize(
                            ASN1OctetString(contentBytes: certificate[...]), explicitlyTaggedWithTagNumber: 0,
                            tagClass: .contextSpecific)
                    }
                }
                if let attributes { coder.serializeRawBytes(attributes) }
            }
        }
    }

    /// The PKCS#8 key encrypted with PBES2 (RFC 8018): PBKDF2-HMAC-SHA-256 over the UTF-8
    /// password, AES-256-CBC with PKCS#7 padding.
    private static func shroudedKeyBag(_ pkcs8: [UInt8], password: String, attributes: [UInt8]) throws
        -> [UInt8]
    {
        let salt = random(16)
        let iv = random(16)
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: keyIterations)
        let encrypted = try AES._CBC.encrypt(pkcs8, using: key, iv: AES._CBC.IV(ivBytes: iv))
        return try der { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(shroudedKeyBagID)
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(pbes2)
                            try coder.appendConstructedNode(identifier: .sequence) { coder in
                                try coder.appendConstructedNode(identifier: .sequence) { coder in
                                    try coder.serialize(pbkdf2)
                                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                                        try coder.serialize(ASN1OctetString(contentBytes: salt[...]))
                                        try coder.serialize(keyIterations)
                                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                                            try coder.serialize(hmacWithSHA256)
                                            try coder.serialize(ASN1Null())
                                        }
                                    }
                                }
                                try coder.appendConstructedNode(identifier: .sequence) { coder in
                                    try coder.serialize(aes256CBC)
                                    try coder.serialize(ASN1OctetString(contentBytes: iv[...]))
                                }
                            }
                        }
                        try coder.serialize(ASN1OctetString(contentBytes: Array(encrypted)[...]))
                    }
                }
                coder.serializeRawBytes(attributes)
            }
        }
    }

    /// MacData: HMAC-SHA-256 over the authenticated safe, keyed by the PKCS#12 derivation.
    private static func mac(_ authenticatedSafe: [UInt8], password: String) throws -> [UInt8] {
        let salt = random(16)
        let key = PKCS12KeyDerivation.macKey(password: password, salt: salt, iterations: macIterations)
        let digest = HMAC<SHA256>.authenticationCode(for: authenticatedSafe, using: SymmetricKey(data: key))
        return try der { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(sha256)
                        try coder.serialize(ASN1Null())
                    }
                    try coder.serialize(ASN1OctetString(contentBytes: Array(digest)[...]))
                }
                try coder.serialize(ASN1OctetString(contentBytes: salt[...]))
                try coder.serialize(macIterations)
            }
        }
    }

    /// A BMPString's content bytes: UTF-16, big-endian, as PKCS#12 writes names and passwords.
    static func bmpString(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)] }
    }

    private static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// The key derivation of RFC 7292 appendix B with SHA-256, as the integrity MAC uses it: the
/// password as a BMPString with its two terminating zero bytes.
enum PKCS12KeyDerivation {
    static func macKey(password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let bmp = PKCS12Keystore.bmpString(password) + [0, 0]
        return derive(id: 3, password: bmp, salt: salt, iterations: iterations, count: 32)
    }

    static func derive(id: UInt8, password: [UInt8], salt: [UInt8], iterations: Int, count: Int) -> [UInt8] {
        let u = SHA256.byteCount
        let v = 64
        func stretched(_ bytes: [UInt8]) -> [UInt8] {
            guard !bytes.isEmpty else { return [] }
            let length = v * ((bytes.count + v - 1) / v)
            return (0..<length).map { bytes[$0 % bytes.count] }
        }
        let d = [UInt8](repeating: id, count: v)
        var i = stretched(salt) + stretched(password)
        var output: [UInt8] = []
        while output.count < count {
            var a = Array(SHA256.hash(data: d + i))
            for _ in 1..<iterations { a = Array(SHA256.hash(data: a)) }
            output += a
            let b = (0..<v).map { a[$0 % u] }
            // Each v-byte block of I becomes (block + B + 1) mod 2^(8v).
            for start in stride(from: 0, to: i.count, by: v) {
                var carry: UInt16 = 1
                for index in stride(from: v - 1, through: 0, by: -1) {
                    let sum = UInt16(i[start + index]) + UInt16(b[index]) + carry
                    i[start + index] = UInt8(sum & 0xff)
                    carry = sum >> 8
                }
            }
        }
        return Array(output.prefix(count))
    }
}
