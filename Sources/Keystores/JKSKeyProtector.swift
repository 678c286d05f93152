/// Sun's proprietary key protection, the only one a JKS private key entry has: an
/// `EncryptedPrivateKeyInfo` whose data is salt ‖ ciphertext ‖ check, the ciphertext being the
/// PKCS#8 key XORed with SHA-1 blocks chained from the password and the salt, and the check
/// SHA-1(password ‖ plaintext), which tells a wrong password from a right one.
enum JKSKeyProtector {
    /// 1.3.6.1.4.1.42.2.17.1.1, JavaSoft's identifier for it.
    static let algorithm: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0x2A, 0x02, 0x11, 0x01, 0x01]
    private static let saltLength = 20

    /// The PKCS#8 `PrivateKeyInfo` DER `encryptedPrivateKeyInfo` protects.
    /// - Parameter password: the password as Java digests it, UTF-16BE code units.
    static func recover(
        _ encryptedPrivateKeyInfo: ArraySlice<UInt8>, password: [UInt8], alias: String
    ) throws(KeystoreError) -> [UInt8] {
        let (algorithm, protected) = try parse(encryptedPrivateKeyInfo, alias: alias)
        guard algorithm.elementsEqual(Self.algorithm) else {
            throw .unsupportedKeyProtection(
                algorithm: DERReader.dotted(objectIdentifier: algorithm), alias: alias)
        }
        guard protected.count >= saltLength + SHA1.length else {
            throw .malformedPrivateKey(
                alias: alias, reason: "\(protected.count) protected bytes are fewer than a salt and a check")
        }
        let salt = protected.prefix(saltLength)
        let ciphertext = protected.dropFirst(saltLength).dropLast(SHA1.length)
        let check = protected.suffix(SHA1.length)
        let passwordBytes = password[...]
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(ciphertext.count)
        var block = Array(salt)
        var index = ciphertext.startIndex
        while index < ciphertext.endIndex {
            block = try SHA1.hash(passwordBytes, block[...])
            for byte in block where index < ciphertext.endIndex {
                plaintext.append(ciphertext[index] ^ byte)
                index += 1
            }
        }
        guard SHA1.equal(try SHA1.hash(passwordBytes, plaintext[...]), check) else {
            throw .keyCheckFailed(alias: alias)
        }
        return plaintext
    }

    /// The algorithm's identifier and the encrypted data of an `EncryptedPrivateKeyInfo`
    /// (SEQUENCE { SEQUENCE { OID, parameters OPTIONAL }, OCTET STRING }).
    private static func parse(
        _ der: ArraySlice<UInt8>, alias: String
    ) throws(KeystoreError) -> (algorithm: ArraySlice<UInt8>, data: ArraySlice<UInt8>) {
        do throws(DERReader.Malformed) {
            var outer = DERReader(der)
            var info = DERReader(try outer.read(.sequence))
            var algorithmIdentifier = DERReader(try info.read(.sequence))
            let data = try info.read(.octetString)
            let algorithm = try algorithmIdentifier.read(.objectIdentifier)
            if !algorithmIdentifier.isAtEnd { _ = try algorithmIdentifier.readAny() }
            guard outer.isAtEnd, info.isAtEnd, algorithmIdentifier.isAtEnd else {
                throw DERReader.Malformed(reason: "unexpected bytes after an element")
            }
            return (algorithm, data)
        } catch {
            throw .malformedPrivateKey(alias: alias, reason: "EncryptedPrivateKeyInfo: \(error.reason)")
        }
    }
}
