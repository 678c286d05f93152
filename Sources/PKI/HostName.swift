/// DNS names and the subject alternative names that cover them, by RFC 6125 §6.4: equal ignoring
/// case and a trailing dot, or a `*` that is the whole leftmost label and stands for exactly one
/// label. Partial wildcards (`b*.example.com`) and wildcards below two labels (`*.com`) match
/// nothing, as browsers and Java's hostname checker refuse them too.
enum HostName {
    static let labelLimit = 63
    static let nameLimit = 253

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

    /// A certificate's DNS names, read once for many hosts: exact names in a set,
    /// and the parents that wildcard names cover.
    struct Patterns {
        private var exact: Set<String> = []
        private var wildcardParents: Set<Substring> = []

        init(_ patterns: [String]) {
            for pattern in patterns.map(HostName.normalized) where !pattern.isEmpty {
                guard pattern.hasPrefix("*.") else {
                    exact.insert(pattern)
                    continue
                }
                let parent = pattern.dropFirst(2)
                if parent.split(separator: ".", omittingEmptySubsequences: false).count >= 2,
                    !parent.contains("*")
                {
                    wildcardParents.insert(parent)
                }
            }
        }

        /// Whether any of the names covers `hostName` (the rules above).
        func match(_ hostName: String) -> Bool {
            let host = HostName.normalized(hostName)
            guard !host.isEmpty else { return false }
            if exact.contains(host) { return true }
            guard let dot = host.firstIndex(of: "."), dot != host.startIndex else { return false }
            return wildcardParents.contains(host[host.index(after: dot)...])
        }
    }

    fileprivate static func normalized(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
