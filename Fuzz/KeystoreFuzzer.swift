// libFuzzer entry for the Java keystore readers (a Secret's `keystore.jks` and
// `truststore.jks`); built by scripts/fuzz-keystore together with Sources/Keystores, which needs
// OpenSSL and the standard library alone.
//
// The first byte picks what the rest of the input is:
// - 0: a whole keystore file, as a Secret holds it;
// - 1: a JKS body (magic to the last entry), to which the harness appends the SHA-1 trailer
//   that matches it, so changed entries, lengths, aliases, key blobs and certificates get past
//   the integrity check into entry parsing, key recovery and certificate checks;
// - 2: a PKCS#12 file, its first byte made the DER SEQUENCE tag so it takes that path; when
//   OpenSSL can take it apart, the harness replaces its MAC with the right one (one iteration),
//   so changed bags get past the MAC into decryption, key and certificate checks.
// Whatever the bytes, a read either fails with a `KeystoreError` (typed throws allow nothing
// else) or gives PEM text; a JKS body with its own trailer never fails the integrity check.

import COpenSSL

private let password = "changeit"
private let passwordUTF16BE = password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
private let whitener = Array("Mighty Aphrodite".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func keystoreFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let mode = data[0] % 3
    var keystore = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch mode {
    case 0:
        break
    case 1:
        guard let trailer = try? SHA1.hash(passwordUTF16BE[...], whitener[...], keystore[...]) else {
            fatalError("SHA-1 is unavailable in this OpenSSL")
        }
        keystore += trailer
    default:
        guard !keystore.isEmpty else { break }
        keystore[0] = 0x30
        keystore = withRightMAC(keystore) ?? keystore
    }
    let contents: KeystoreContents
    do throws(KeystoreError) {
        contents = try JavaKeystore.read(keystore, password: password)
    } catch .integrityCheckFailed where mode == 1 && keystore.starts(with: [0xFE, 0xED, 0xFE, 0xED]) {
        // Reading stops at the last entry: there the appended trailer is the right digest; before
        // or after it, the file is refused as truncated or as having trailing bytes.
        fatalError("a JKS body with its own SHA-1 trailer failed the integrity check")
    } catch {
        return 0
    }
    for entry in contents.keyEntries {
        precondition(isPEM(entry.privateKeyPEM, label: "PRIVATE KEY"), "a key that is not PEM")
        precondition(
            entry.certificateChainPEM.isEmpty || isPEM(entry.certificateChainPEM, label: "CERTIFICATE"),
            "a certificate chain that is not PEM")
    }
    precondition(
        contents.trustedCertificatesPEM.isEmpty
            || isPEM(contents.trustedCertificatesPEM, label: "CERTIFICATE"),
        "trusted certificates that are not PEM")
    return 0
}

private func isPEM(_ text: String, label: String) -> Bool {
    text.hasPrefix("-----BEGIN \(label)-----\n") && text.hasSuffix("-----END \(label)-----\n")
}

/// `pkcs12` with its MAC made again under the password, or nil when OpenSSL cannot take the
/// file apart or MAC its contents (they are not `data`).
private func withRightMAC(_ pkcs12: [UInt8]) -> [UInt8]? {
    defer { ERR_clear_error() }
    let parsed = pkcs12.withUnsafeBufferPointer { buffer -> OpaquePointer? in
        var cursor = buffer.baseAddress
        return d2i_PKCS12(nil, &cursor, buffer.count)
    }
    guard let p12 = parsed else { return nil }
    defer { PKCS12_free(p12) }
    guard PKCS12_set_mac(p12, password, -1, nil, 0, 1, nil) == 1 else { return nil }
    let length = i2d_PKCS12(p12, nil)
    guard length > 0 else { return nil }
    var der = [UInt8](repeating: 0, count: Int(length))
    let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor = buffer.baseAddress
        return i2d_PKCS12(p12, &cursor)
    }
    return written == length ? der : nil
}
