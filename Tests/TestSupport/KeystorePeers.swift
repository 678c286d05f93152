import Foundation

/// Keys and certificates made by the openssl CLI, and keystores made of them by real writers:
/// pyjks for JKS, `openssl pkcs12 -export` for PKCS#12. Files live in one temporary directory.
public struct KeystorePeers {
    public enum KeyAlgorithm: String, CaseIterable, Sendable {
        case ecP256 = "EC P-256"
        case rsa2048 = "RSA 2048"

        public var genpkeyOptions: [String] {
            switch self {
            case .ecP256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
            }
        }
    }

    /// One entry of a JKS keystore pyjks writes; paths are of DER files.
    public struct JKSEntry: Encodable, Sendable {
        public var alias: String
        public var key: String? = nil
        public var chain: [String]? = nil
        public var certificate: String? = nil
        /// Protects the key with another password than the store's.
        public var keyPassword: String? = nil
        /// Stores a key entry whose EncryptedPrivateKeyInfo names this algorithm instead.
        public var keyProtectionOID: String? = nil

        public init(
            alias: String, key: String? = nil, chain: [String]? = nil, certificate: String? = nil,
            keyPassword: String? = nil, keyProtectionOID: String? = nil
        ) {
            self.alias = alias
            self.key = key
            self.chain = chain
            self.certificate = certificate
            self.keyPassword = keyPassword
            self.keyProtectionOID = keyProtectionOID
        }

        public static func key(_ alias: String, key: String, chain: [String]) -> JKSEntry {
            JKSEntry(alias: alias, key: key, chain: chain)
        }

        public static func trusted(_ alias: String, certificate: String) -> JKSEntry {
            JKSEntry(alias: alias, certificate: certificate)
        }
    }

    private struct JKSSpec: Encodable {
        var out: String
        var password: String
        var version: Int
        var entries: [JKSEntry]
    }

    public let directory: TemporaryDirectory

    public init() throws { directory = try TemporaryDirectory(prefix: "keystores") }

    public func path(_ name: String) -> String { directory.file(name).path }

    public func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.file(name))) }

    public func remove() { directory.remove() }

    /// openssl's standard output; a failure throws with its standard error.
    @discardableResult
    public func openssl(_ arguments: [String], input: String? = nil) async throws -> String {
        let output = try await runOffPool(
            "timeout", ["60", "openssl"] + arguments, input: input.map { Data($0.utf8) })
        guard output.status == 0 else {
            throw PeerFailure(command: "openssl \(arguments)", output: output.stderr)
        }
        return output.stdout
    }

    /// A self-signed CA as `name.pem` (and `name.der`) with its key in `name.key`.
    public func makeCA(_ name: String) async throws {
        try await openssl(["genpkey"] + KeyAlgorithm.ecP256.genpkeyOptions + ["-out", path("\(name).key")])
        try await openssl([
            "req", "-x509", "-new", "-key", path("\(name).key"), "-subj", "/CN=\(name)", "-days", "2",
            "-out", path("\(name).pem"),
        ])
        try await openssl([
            "x509", "-in", path("\(name).pem"), "-outform", "DER", "-out", path("\(name).der"),
        ])
    }

    /// A key (`name.key`, PKCS#8 PEM; `name.key.der`) and its certificate signed by `ca`
    /// (`name.pem`, `name.der`).
    public func makeLeaf(_ name: String, _ algorithm: KeyAlgorithm, signedBy ca: String) async throws {
        try await openssl(["genpkey"] + algorithm.genpkeyOptions + ["-out", path("\(name).key")])
        try await openssl([
            "pkcs8", "-topk8", "-nocrypt", "-in", path("\(name).key"), "-outform", "DER", "-out",
            path("\(name).key.der"),
        ])
        try await openssl([
            "req", "-new", "-key", path("\(name).key"), "-subj", "/CN=\(name)", "-out", path("\(name).csr"),
        ])
        try await openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
            "-set_serial", "\(Int.random(in: 1...1_000_000))", "-days", "2", "-out", path("\(name).pem"),
        ])
        try await openssl([
            "x509", "-in", path("\(name).pem"), "-outform", "DER", "-out", path("\(name).der"),
        ])
    }

    /// Writes a key and certificate made elsewhere (PEM) as `makeLeaf` leaves its own:
    /// `name.key`, `name.key.der` (PKCS#8), `name.pem` and `name.der`.
    public func writeLeaf(_ name: String, privateKeyPEM: String, certificatePEM: String) async throws {
        try Data(privateKeyPEM.utf8).write(to: directory.file("\(name).key"))
        try Data(certificatePEM.utf8).write(to: directory.file("\(name).pem"))
        try await openssl([
            "pkcs8", "-topk8", "-nocrypt", "-in", path("\(name).key"), "-outform", "DER", "-out",
            path("\(name).key.der"),
        ])
        try await openssl([
            "x509", "-in", path("\(name).pem"), "-outform", "DER", "-out", path("\(name).der"),
        ])
    }

    /// Writes a CA certificate made elsewhere (PEM) as `name.pem` and `name.der`.
    public func writeAuthority(_ name: String, certificatePEM: String) async throws {
        try Data(certificatePEM.utf8).write(to: directory.file("\(name).pem"))
        try await openssl([
            "x509", "-in", path("\(name).pem"), "-outform", "DER", "-out", path("\(name).der"),
        ])
    }

    /// A Koperator keystore Secret's files, as pyjks writes them: `keystore.jks` with the key of
    /// `leaf` and its chain to `ca`, `truststore.jks` trusting `ca`, and the `password` of both.
    public func koperatorSecret(leaf: String, ca: String, password: String) async throws -> [String: [UInt8]]
    {
        [
            "keystore.jks": try await pyjks(
                "\(leaf)-keystore.jks", password: password,
                entries: [
                    .key(leaf, key: path("\(leaf).key.der"), chain: [path("\(leaf).der"), path("\(ca).der")])
                ]),
            "truststore.jks": try await pyjks(
                "\(leaf)-truststore.jks", password: password,
                entries: [.trusted(ca, certificate: path("\(ca).der"))]),
            "password": Array(password.utf8),
        ]
    }

    /// The certificate in `name.pem` as `openssl x509` prints it.
    public func certificatePEM(_ name: String) async throws -> String {
        try await openssl(["x509", "-in", path("\(name).pem")])
    }

    /// The public key of a PEM private key, as `openssl pkey -pubout` prints it.
    public func publicKey(ofPrivateKeyPEM pem: String) async throws -> String {
        try await openssl(["pkey", "-pubout"], input: pem)
    }

    /// A JKS keystore written by pyjks as `name`; its bytes. Version 1 (which no writer still
    /// produces) is laid out by the script from pyjks's own entries and key protection.
    public func pyjks(
        _ name: String, password: String, version: Int = 2, entries: [JKSEntry]
    ) async throws -> [UInt8] {
        let spec = try JSONEncoder().encode(
            JKSSpec(out: path(name), password: password, version: version, entries: entries))
        let output = try await runOffPool("python3", ["-c", Self.pyjksScript], input: spec)
        guard output.status == 0 else { throw PeerFailure(command: "pyjks", output: output.stderr) }
        return try read(name)
    }

    /// A PKCS#12 file written by `openssl pkcs12 -export` as `name`; its bytes.
    public func pkcs12(_ name: String, password: String, arguments: [String]) async throws -> [UInt8] {
        try await openssl(
            ["pkcs12", "-export", "-out", path(name), "-passout", "pass:\(password)"] + arguments)
        return try read(name)
    }

    public struct PeerFailure: Error, CustomStringConvertible {
        public let command: String
        public let output: String
        public var description: String { "\(command) failed: \(output)" }
    }

    private static let pyjksScript = """
        import hashlib, json, struct, sys, time
        import jks
        from pyasn1.codec.der import encoder
        from pyasn1.type import univ
        from pyasn1_modules import rfc5208
        from pyasn1_modules.rfc2459 import AlgorithmIdentifier

        spec = json.load(sys.stdin)
        def der(path):
            with open(path, "rb") as f:
                return f.read()
        entries = []
        for e in spec["entries"]:
            if e.get("keyProtectionOID"):
                algorithm = AlgorithmIdentifier()
                algorithm.setComponentByName("algorithm", univ.ObjectIdentifier(e["keyProtectionOID"]))
                info = rfc5208.EncryptedPrivateKeyInfo()
                info.setComponentByName("encryptionAlgorithm", algorithm)
                info.setComponentByName("encryptedData", bytes(64))
                entry = jks.PrivateKeyEntry(
                    alias=e["alias"], timestamp=int(time.time()) * 1000,
                    cert_chain=[("X.509", der(c)) for c in e["chain"]], encrypted=encoder.encode(info))
            elif e.get("key"):
                entry = jks.PrivateKeyEntry.new(e["alias"], [der(c) for c in e["chain"]], der(e["key"]), "pkcs8")
                if e.get("keyPassword"):
                    entry.encrypt(e["keyPassword"])
            else:
                entry = jks.TrustedCertEntry.new(e["alias"], der(e["certificate"]))
            entries.append(entry)
        password = spec["password"]
        if spec["version"] == 2:
            jks.KeyStore.new("jks", entries).save(spec["out"], password)
            sys.exit(0)

        def utf(text):
            encoded = text.encode("utf-8")
            return struct.pack(">H", len(encoded)) + encoded
        def data(blob):
            return struct.pack(">I", len(blob)) + blob
        body = struct.pack(">III", 0xFEEDFEED, 1, len(entries))
        for e in entries:
            if isinstance(e, jks.TrustedCertEntry):
                body += struct.pack(">I", 2) + utf(e.alias) + struct.pack(">Q", e.timestamp) + data(e.cert)
            else:
                e.encrypt(password)
                body += struct.pack(">I", 1) + utf(e.alias) + struct.pack(">Q", e.timestamp) + data(e._encrypted)
                body += struct.pack(">I", len(e.cert_chain)) + b"".join(data(c[1]) for c in e.cert_chain)
        digest = hashlib.sha1(password.encode("utf-16be") + b"Mighty Aphrodite" + body).digest()
        with open(spec["out"], "wb") as f:
            f.write(body + digest)
        """
}
