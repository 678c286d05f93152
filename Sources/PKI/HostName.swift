/// DNS names and the subject alternative names that cover them, by RFC 6125 §6.4: equal ignoring
/// case and a trailing dot, or a `*` that is the whole leftmost label and stands for exactly one
/// label. Partial wildcards (`b*.example.com`) and wildcards below two labels (`*.com`) match
/// nothing, as browsers and Java's hostname checker refuse them too.
enum HostName {
    static let labelLimit = 63
    static let nameLimit = 253

    /// Whether `hostName` is covered by the DNS name `pattern` from a certificate.
    static func matches(pattern: String, hostName: String) -> Bool {
        let pattern = normalized(pattern)
        let host = normalized(hostName)
        guard !host.isEmpty, !pattern.isEmpty else { return false }
        guard pattern.hasPrefix("*.") else { return pattern == host }
        let parent = pattern.dropFirst(2)
        guard parent.split(separator: ".", omittingEmptySubsequences: false).count >= 2,
            !parent.contains("*"),
            let dot = host.firstIndex(of: ".")
        else { return false }
        return dot != host.startIndex && host[host.index(after: dot)...] == parent
    }

    /// Whether `pattern` may go into a certificate we issue: LDH labels of 1 to 63 characters,
    /// at most 253 in all, a `*` only as the whole leftmost label with two labels beneath it.
    static func isValidPattern(_ pattern: String) -> Bool {
        guard !pattern.isEmpty, pattern.utf8.count <= nameLimit else { return false }
        var labels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" {
            labels.removeFirst()
            guard labels.count >= 2 else { return false }
        }
        return labels.allSatisfy(isValidLabel)
    }

    private static func isValidLabel(_ label: Substring) -> Bool {
        guard (1...labelLimit).contains(label.utf8.count), label.first != "-", label.last != "-" else {
            return false
        }
        return label.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    private static func normalized(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
