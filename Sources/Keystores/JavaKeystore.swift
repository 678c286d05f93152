/// The Java keystores Koperator-style Secrets hold (`keystore.jks`, `truststore.jks` under one
/// `password`), whatever their file name says: JKS, or PKCS#12, which keytool writes by
/// default since JDK 9.
public enum JavaKeystore {
    /// Larger than any keystore of a few keys and certificates; a Secret is at most 1 MiB too.
    public static let maximumSize = 1 << 20

    private static let jceksMagic: UInt32 = 0xCECE_CECE
    private static let derSequence: UInt8 = 0x30

    /// The keys and certificates in `bytes`, opened with `password` (which also protects every
    /// JKS key, as keytool writes them for Kafka).
    public static func read(_ bytes: [UInt8], password: String) throws(KeystoreError) -> KeystoreContents {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumSize else { throw .tooLarge(size: bytes.count, limit: maximumSize) }
        if bytes[0] == derSequence { return try PKCS12Reader.read(bytes, password: password) }
        var reader = ByteReader(bytes)
        switch try reader.readUInt32() {
        case JKSReader.magic: return try JKSReader.read(bytes, password: password)
        case jceksMagic: throw .jceksNotSupported
        default: throw .unknownFormat(firstBytes: Array(bytes.prefix(4)))
        }
    }
}
