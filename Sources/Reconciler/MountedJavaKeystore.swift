import PKI

/// A Koperator keystore Secret (`serverSSLCertSecret`, `clientSSLCertSecret`) as a Kafka
/// listener or client reads it mounted in `directory`: `keystore.jks` and `truststore.jks` with
/// the Secret's `password`. The type is JKS because Java's JKS keystore also reads the PKCS#12
/// files modern keytool writes under that name. The password is a config provider reference
/// (`password`), never the password itself, so no ConfigMap holds it.
struct MountedJavaKeystore: Equatable, Sendable {
    let directory: String
    let password: String

    /// Read by Kafka's `DirectoryConfigProvider` from the mounted Secret's `password` file.
    static func readByKafka(directory: String) -> MountedJavaKeystore {
        MountedJavaKeystore(
            directory: directory,
            password: KafkaConfigProviders.directoryReference(
                directory: directory, file: KoperatorSecretKey.jksPassword))
    }

    /// Kafka's `ssl.*` settings for the mounted stores, unprefixed.
    var settings: [String: String] {
        [
            "ssl.keystore.type": "JKS",
            "ssl.keystore.location": "\(directory)/\(KoperatorSecretKey.jksKeystore)",
            "ssl.keystore.password": password,
            "ssl.truststore.type": "JKS",
            "ssl.truststore.location": "\(directory)/\(KoperatorSecretKey.jksTruststore)",
            "ssl.truststore.password": password,
        ]
    }
}

/// Kafka's config providers (KIP-297, KIP-421) as the operator registers them in a broker's
/// `server.properties`: a `${provider:path:key}` value is resolved when the broker reads it.
enum KafkaConfigProviders {
    static let directory = "directory"
    /// Reads `${directory:<dir>:<file>}` as the text of `<dir>/<file>` (Kafka 2.7, KIP-632).
    static let directoryClass = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"

    static func directoryReference(directory: String, file: String) -> String {
        "${\(Self.directory):\(directory):\(file)}"
    }

    /// Adds the directory provider to `properties` when one of its values refers to it,
    /// keeping the providers the user registered.
    static func registerDirectoryProvider(in properties: inout [String: String]) {
        let marker = "${\(directory):"
        guard properties.values.contains(where: { $0.contains(marker) }) else { return }
        var names = (properties["config.providers"] ?? "").split(separator: ",").map {
            String($0.filter { !$0.isWhitespace })
        }.filter { !$0.isEmpty }
        if !names.contains(directory) { names.append(directory) }
        properties["config.providers"] = names.joined(separator: ",")
        properties["config.providers.\(directory).class"] = directoryClass
    }
}
