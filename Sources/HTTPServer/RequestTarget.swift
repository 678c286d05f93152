/// The parts of a request target (RFC 9112 §3.2) the router needs: decoded path and query.
enum RequestTarget {
    static func parse(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> (
        path: String, query: [(name: String, value: String)]
    ) {
        if target == "*" {
            guard method == .options else { throw .invalidTarget("'*' is only for OPTIONS") }
            return ("*", [])
        }
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            // absolute-form: scheme://authority/path?query
            let lowered = rest.lowercased()
            let scheme = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : 0
            guard scheme > 0 else { throw .invalidTarget("expected a path starting with '/'") }
            rest = rest.dropFirst(scheme)
            rest = rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map { rest[$0...] } ?? ""
            if !rest.hasPrefix("/") { rest = "/" + rest }
        }
        let rawPath: Substring
        var query: [(name: String, value: String)] = []
        if let mark = rest.firstIndex(of: "?") {
            rawPath = rest[..<mark]
            // Form decoding, as Go's url.ParseQuery and every web framework read a query: `+`
            // is a space (kubectl sends `brokerId+in+(0,2)`), `%2B` a plus.
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = try percentDecode(parts[0], plusIsSpace: true)
                let value = parts.count > 1 ? try percentDecode(parts[1], plusIsSpace: true) : ""
                query.append((name, value))
            }
        } else {
            rawPath = rest
        }
        if rawPath.contains("#") { throw .invalidTarget("a target carries no fragment") }
        let path = try percentDecode(rawPath)
        guard !path.utf8.contains(0) else { throw .invalidTarget("the path decodes to a NUL byte") }
        return (path, query)
    }

    static func percentDecode(_ text: Substring, plusIsSpace: Bool = false) throws(HTTPParseError) -> String {
        let plus = UInt8(ascii: "+")
        guard text.utf8.contains(UInt8(ascii: "%")) || (plusIsSpace && text.utf8.contains(plus)) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(plusIsSpace && byte == plus ? UInt8(ascii: " ") : byte)
                continue
            }
            guard let high = iterator.next().flatMap(RequestParser.hexValue),
                let low = iterator.next().flatMap(RequestParser.hexValue)
            else { throw .invalidTarget("bad percent-encoding") }
            bytes.append(UInt8(high * 16 + low))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
