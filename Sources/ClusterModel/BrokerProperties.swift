/// `server.properties` text (Java properties format) as a key → value map.
///
/// Handles `key=value`, `key: value` and `key value`, `#`/`!` comments, blank lines, lines
/// continued with a trailing backslash, and backslash escapes; a later key wins, as in Java.
public enum BrokerProperties {
    public static func parse(_ text: String?) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var result: [String: String] = [:]
        var logical = ""
        // `\r\n` is one Character in Swift, so split on any line break, not only "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            // Leading white space goes, on continuation lines too (Java's rule).
            let line = rawLine.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            if logical.isEmpty && (line.isEmpty || line.first == "#" || line.first == "!") { continue }
            if endsWithContinuation(line) {
                logical += line.dropLast()
                continue
            }
            logical += line
            let (key, value) = split(logical)
            if !key.isEmpty { result[key] = value }
            logical = ""
        }
        if !logical.isEmpty {
            let (key, value) = split(logical)
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    /// An odd number of trailing backslashes continues the line.
    private static func endsWithContinuation(_ line: Substring) -> Bool {
        line.reversed().prefix { $0 == "\\" }.count % 2 == 1
    }

    private static func split(_ line: String) -> (String, String) {
        var key = ""
        var index = line.startIndex
        var escaped = false
        while index < line.endIndex {
            let character = line[index]
            if escaped {
                key.append(unescape(character))
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "=" || character == ":" || character == " " || character == "\t" {
                break
            } else {
                key.append(character)
            }
            index = line.index(after: index)
        }
        // Skip the separator: spaces, then at most one = or :, then spaces.
        var rest = line[index...].drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" || rest.first == ":" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        var value = ""
        escaped = false
        for character in rest {
            if escaped {
                value.append(unescape(character))
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                value.append(character)
            }
        }
        return (key, value)
    }

    private static func unescape(_ character: Character) -> Character {
        switch character {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "f": return "\u{0C}"
        default: return character
        }
    }
}

extension KafkaClusterSpec {
    /// The read-only properties rendered into broker `id`'s server.properties: the cluster's
    /// `readOnlyConfig`, overridden by the broker's own `readOnlyConfig`.
    public func readOnlyProperties(of broker: Broker) -> [String: String] {
        BrokerProperties.parse(readOnlyConfig).merging(BrokerProperties.parse(broker.readOnlyConfig)) {
            _, own in own
        }
    }

    /// The per-broker configuration: the broker's config group `config`, overridden by its own
    /// `brokerConfig.config`.
    public func perBrokerProperties(of broker: Broker) -> [String: String] {
        let group = broker.brokerConfigGroup.flatMap { brokerConfigGroups?[$0] }
        return BrokerProperties.parse(group?.config).merging(
            BrokerProperties.parse(broker.brokerConfig?.config)
        ) {
            _, own in own
        }
    }

    /// The cluster-wide dynamic configuration.
    public var clusterWideProperties: [String: String] { BrokerProperties.parse(clusterWideConfig) }
}
