import LocalKafka
import Testing

/// `${provider:path:key}` values resolve as Kafka resolves them: through registered providers
/// only, and left as written when they cannot be.
@Suite struct KafkaConfigVariablesTests {
    static let files: [String: [UInt8]] = ["/secrets/a/password": Array("s3cret\n".utf8)]
    static func read(_ path: String) -> [UInt8]? { files[path] }

    static let registered = KafkaConfigVariables([
        "config.providers": "env, dir",
        "config.providers.dir.class": KafkaConfigVariables.directoryProviderClass,
        "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
    ])

    @Test func onlyProvidersRegisteredWithTheDirectoryClassAreKnown() {
        #expect(Self.registered.directoryProviders == ["dir"])
        let unregistered = KafkaConfigVariables([
            "config.providers.dir.class": KafkaConfigVariables.directoryProviderClass
        ])
        #expect(unregistered.directoryProviders.isEmpty)
        #expect(
            unregistered.resolve("${dir:/secrets/a:password}", readFile: Self.read)
                == "${dir:/secrets/a:password}")
    }

    @Test(arguments: [
        // The file's bytes, as DirectoryConfigProvider reads them (its newline included).
        ("${dir:/secrets/a:password}", "s3cret\n"),
        ("${dir:/secrets/a/:password}", "s3cret\n"),
        ("pre-${dir:/secrets/a:password}-post", "pre-s3cret\n-post"),
        // Unknown provider, missing file, no key, a key that is a path, an unclosed variable.
        ("${env:PASSWORD}", "${env:PASSWORD}"),
        ("${dir:/secrets/a:missing}", "${dir:/secrets/a:missing}"),
        ("${dir:/secrets/a}", "${dir:/secrets/a}"),
        ("${dir:/secrets:a/password}", "${dir:/secrets:a/password}"),
        ("${dir:/secrets/a:password", "${dir:/secrets/a:password"),
        ("plain", "plain"),
    ])
    func variablesResolveOrStayAsWritten(value: String, resolved: String) {
        #expect(Self.registered.resolve(value, readFile: Self.read) == resolved)
    }
}
