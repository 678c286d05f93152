/// The grammar of a container image reference (the distribution project's `reference`
/// package): `[domain[:port]/]component(/component)*[:tag][@digest]`.
enum ImageReference {
    static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 512 else { return false }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            guard isDigest(rest[rest.index(after: at)...]) else { return false }
            rest = rest[..<at]
        }
        // A tag follows the last ':' when no '/' comes after it (else that ':' is a port).
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            guard isTag(rest[rest.index(after: colon)...]) else { return false }
            rest = rest[..<colon]
        }
        guard rest.utf8.count <= 255 else { return false }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = components.first else { return false }
        if components.count > 1, first.contains(".") || first.contains(":") || first == "localhost" {
            guard isDomain(first) else { return false }
            components.removeFirst()
        }
        return components.allSatisfy(isPathComponent)
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
    private static func isPathComponent(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first),
            isLowerAlphanumeric(last)
        else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlphanumeric(bytes[index]) {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, !isLowerAlphanumeric(bytes[end]) { end += 1 }
            let separator = bytes[index..<end]
            let allowed =
                separator.elementsEqual(".".utf8) || separator.elementsEqual("_".utf8)
                || separator.elementsEqual("__".utf8) || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            guard allowed else { return false }
            index = end
        }
        return true
    }

    /// `host[:port]`, the host's dot-separated parts letters, digits and inner hyphens.
    private static func isDomain(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), parts[1].allSatisfy(\.isASCII) else {
                return false
            }
        }
        return parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last, first != "-", last != "-" else {
                return false
            }
            return label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
    private static func isTag(_ text: Substring) -> Bool {
        guard let first = text.first, text.count <= 128, first != ".", first != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// `algorithm:hex`, the hex part at least 32 digits.
    private static func isDigest(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts[0].first, first.isASCII, first.isLetter,
            parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_+.".contains($0)) }),
            parts[1].count >= 32, parts[1].count <= 128, parts[1].allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return false }
        return true
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
