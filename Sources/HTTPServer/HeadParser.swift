/// Parses the request line and header fields of one request head (without its final CRLF CRLF).
enum HeadParser {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPRequestHead {
        var lines = LineIterator(bytes: bytes)
        guard let requestLine = lines.next() else { throw .malformedRequestLine("empty") }
        let (method, target, version) = try parseRequestLine(requestLine)
        let (path, query) = try RequestTarget.parse(target, method: method)

        var headers = HTTPHeaders()
        while let line = lines.next() {
            let (name, value) = try parseField(line)
            headers.add(name: name, value: value)
        }

        let hosts = headers.values(of: "Host")
        if version == .http11 && hosts.count != 1 {
            throw .malformedHeader(
                hosts.isEmpty ? "HTTP/1.1 requests need a Host field" : "more than one Host field")
        }
        if hosts.count > 1 { throw .malformedHeader("more than one Host field") }
        if let host = hosts.first, !HostField.isValid(host) {
            throw .malformedHeader("the Host field is not a valid host[:port]")
        }

        let connectionTokens = headers.values(of: "Connection").flatMap(Tokens.list)
        let keepAlive: Bool
        if connectionTokens.contains(where: { $0.caseInsensitiveEquals("close") }) {
            keepAlive = false
        } else if version == .http10 {
            keepAlive = connectionTokens.contains { $0.caseInsensitiveEquals("keep-alive") }
        } else {
            keepAlive = true
        }

        var expectation = HTTPRequestHead.Expectation.none
        if let expect = headers["Expect"] {
            expectation =
                expect.caseInsensitiveEquals("100-continue") ? .continueBeforeBody : .unsupported(expect)
        }

        return HTTPRequestHead(
            method: method, target: target, path: path, query: query, version: version, headers: headers,
            keepAlive: keepAlive, expectation: expectation, hasBody: false)
    }

    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (
        HTTPMethod, String, HTTPVersion
    ) {
        guard let firstSpace = line.firstIndex(of: 32) else { throw .malformedRequestLine("no spaces") }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: 32) else {
            throw .malformedRequestLine("expected METHOD TARGET VERSION")
        }
        let methodBytes = line[..<firstSpace]
        let targetBytes = line[(firstSpace + 1)..<secondSpace]
        let versionBytes = line[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(Tokens.isTokenByte) else {
            throw .malformedRequestLine("the method is not a token")
        }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw .malformedRequestLine("the target is empty or holds spaces or control characters")
        }
        let versionText = String(decoding: versionBytes, as: UTF8.self)
        guard let version = HTTPVersion(rawValue: versionText) else {
            // A well-formed version we do not speak (HTTP/2.0, HTTP/1.2) earns 505; anything else 400.
            let shape = Array(versionBytes)
            if shape.count == 8, shape.starts(with: Array("HTTP/".utf8)), (48...57).contains(shape[5]),
                shape[6] == UInt8(ascii: "."), (48...57).contains(shape[7])
            {
                throw .unsupportedVersion(versionText)
            }
            throw .malformedRequestLine("'\(versionText.prefix(32))' is not an HTTP version")
        }
        return (
            HTTPMethod(rawValue: String(decoding: methodBytes, as: UTF8.self)),
            String(decoding: targetBytes, as: UTF8.self), version
        )
    }

    private static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (
        String, String
    ) {
        guard let first = line.first else { throw .malformedHeader("empty line") }
        if first == 32 || first == 9 { throw .malformedHeader("obsolete line folding is not accepted") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .malformedHeader("no colon") }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(Tokens.isTokenByte) else {
            throw .malformedHeader("the field name is empty or not a token (no whitespace before the colon)")
        }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        // Field values: visible characters, spaces, tabs and obs-text; never NUL, CR, LF or DEL.
        guard value.allSatisfy({ $0 >= 32 || $0 == 9 }), !value.contains(127) else {
            throw .malformedHeader(
                "control character in the value of '\(String(decoding: name, as: UTF8.self))'")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}

/// Splits a head into its CRLF-separated lines (the parser has already checked every LF has its CR).
struct LineIterator: IteratorProtocol {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        guard position < bytes.count else { return nil }
        var end = position
        while end < bytes.count, bytes[end] != 10 { end += 1 }
        // The line's CR (before LF) is dropped; a line at the very end has none.
        let lineEnd = end < bytes.count ? end - 1 : end
        let line = UnsafeBufferPointer(rebasing: bytes[position..<max(position, lineEnd)])
        position = end + 1
        return line
    }
}

/// Token grammar (RFC 9110 §5.6.2) and comma-separated lists.
enum Tokens {
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// The non-empty, trimmed elements of a comma-separated field value.
    static func list(_ value: String) -> [String] {
        value.split(separator: ",").map { element in
            String(
                element.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
                    .reversed())
        }.filter { !$0.isEmpty }
    }
}

/// The `Host` field's grammar (RFC 9110 §7.2, RFC 3986 §3.2.2): `uri-host [ ":" port ]`, where
/// the host is a reg-name (unreserved, sub-delims, percent-encoded) or a bracketed IP literal.
/// An empty value is allowed (a target without authority).
enum HostField {
    static func isValid(_ value: String) -> Bool {
        var bytes = Substring(value).utf8[...]
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = bytes[bytes.index(after: bytes.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy(isIPLiteralByte) else { return false }
            bytes = bytes[bytes.index(after: close)...]
        } else {
            let hostEnd = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.endIndex
            guard bytes[..<hostEnd].allSatisfy(isRegNameByte) else { return false }
            bytes = bytes[hostEnd...]
        }
        guard let colon = bytes.first else { return true }
        guard colon == UInt8(ascii: ":") else { return false }
        let port = bytes.dropFirst()
        return port.count <= 5 && port.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func isRegNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-._~%!$&'()*+,;=".utf8).contains(byte)
        }
    }

    private static func isIPLiteralByte(_ byte: UInt8) -> Bool {
        isRegNameByte(byte) || byte == UInt8(ascii: ":")
    }
}
