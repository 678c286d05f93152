/// The `${provider:path:key}` values of a broker's configuration, resolved as Kafka resolves
/// them when it reads the file (KIP-297, KIP-421): only through a provider `config.providers`
/// registers with `config.providers.<name>.class`. The simulated broker knows Kafka's
/// `DirectoryConfigProvider` (KIP-632), which reads the file `key` in the directory `path`; a
/// variable of any other provider, or naming a file that does not exist, stays as written, as
/// in Kafka, so a store opened with it fails on its password.
public struct KafkaConfigVariables: Equatable, Sendable {
    public static let directoryProviderClass =
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider"

    /// The names registered with Kafka's directory provider.
    public var directoryProviders: Set<String>

    public init(directoryProviders: Set<String> = []) { self.directoryProviders = directoryProviders }

    /// The providers `properties` registers.
    public init(_ properties: [String: String]) {
        let names = (properties["config.providers"] ?? "").split(separator: ",").map {
            String($0.filter { !$0.isWhitespace })
        }
        directoryProviders = Set(
            names.filter {
                properties["config.providers.\($0).class"]?.filter { !$0.isWhitespace }
                    == Self.directoryProviderClass
            })
    }

    /// `value` with each variable of a known provider replaced; `readFile` gives a file's bytes.
    public func resolve(_ value: String, readFile: (String) -> [UInt8]?) -> String {
        guard !directoryProviders.isEmpty, value.contains("${") else { return value }
        var result = ""
        var rest = value[...]
        while let dollar = rest.indices.first(where: {
            rest[$0] == "$" && rest[rest.index(after: $0)...].first == "{"
        }) {
            result += rest[..<dollar]
            let body = rest.index(dollar, offsetBy: 2)
            guard let end = rest[body...].firstIndex(of: "}") else {
                rest = rest[dollar...]
                break
            }
            result += replacement(rest[body..<end], readFile: readFile) ?? String(rest[dollar...end])
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// `provider:path:key` → the file `path/key` when the provider is the directory one.
    private func replacement(_ body: Substring, readFile: (String) -> [UInt8]?) -> String? {
        let parts = body.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, directoryProviders.contains(String(parts[0])), !parts[1].isEmpty,
            !parts[2].isEmpty, !parts[2].contains("/")
        else { return nil }
        let directory = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : String(parts[1])
        return readFile("\(directory)/\(parts[2])").map { String(decoding: $0, as: UTF8.self) }
    }
}
