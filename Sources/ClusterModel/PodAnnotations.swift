import JSON

/// Pod annotations given as a JSON object of strings (the `brokerAnnotations` alert annotation),
/// checked as the Kubernetes API checks them, so a bad key is refused where it arrives rather
/// than when the broker's pod is created.
public enum PodAnnotations {
    /// Kubernetes' bound on all of an object's annotation keys and values together.
    public static let maximumTotalBytes = 256 * 1024

    public static func parse(json text: String) throws(PodAnnotationsError) -> [String: String] {
        guard text.utf8.count <= maximumTotalBytes * 2 else { throw .tooLarge(limit: maximumTotalBytes) }
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(text.utf8))
        } catch {
            throw .malformed(error.description)
        }
        guard case .object(let members) = value else { throw .notAnObject(found: value.kind) }
        var annotations: [String: String] = [:]
        var total = 0
        for member in members {
            guard case .string(let string) = member.value else {
                throw .notAString(key: String(member.key.prefix(64)), found: member.value.kind)
            }
            guard isQualifiedName(member.key) else { throw .invalidKey(String(member.key.prefix(64))) }
            total += member.key.utf8.count + string.utf8.count
            guard total <= maximumTotalBytes else { throw .tooLarge(limit: maximumTotalBytes) }
            annotations[member.key] = string
        }
        return annotations
    }

    /// `[prefix/]name`: the prefix a DNS subdomain, the name at most 63 letters, digits, `-`,
    /// `_` and `.`, starting and ending with a letter or digit.
    static func isQualifiedName(_ key: String) -> Bool {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = Array(parts[parts.count - 1].utf8)
        guard let first = name.first, let last = name.last, name.count <= 63, isAlphanumeric(first),
            isAlphanumeric(last),
            name.allSatisfy({
                isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: ".")
            })
        else { return false }
        guard parts.count == 2 else { return true }
        let prefix = Array(parts[0].utf8)
        return prefix.count <= 253
            && prefix.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy {
                label in
                guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
                return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
                    && label.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}

/// Why annotations given as JSON were refused.
public enum PodAnnotationsError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case notAnObject(found: String)
    case notAString(key: String, found: String)
    case invalidKey(String)
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .malformed(let detail): return "is not JSON: \(detail)"
        case .notAnObject(let found):
            return
                #"should be a JSON object of strings such as {"prometheus.io/scrape": "true"}, not \#(found)"#
        case .notAString(let key, let found): return "'\(key)' should be a string, not \(found)"
        case .invalidKey(let key):
            return
                "'\(key)' is not an annotation key ([prefix/]name: a name of at most 63 letters, digits, '-', '_' and '.', a prefix that is a DNS name)"
        case .tooLarge(let limit):
            return "is larger than the \(limit / 1024) KiB Kubernetes allows for annotations"
        }
    }
}
