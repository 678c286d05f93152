import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serialises responses into the bytes sent on the wire, appending to one buffer so a response
/// (and a pipelined run of them) goes out in as few writes as possible.
enum ResponseEncoder {
    static func encode(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, omitBody: Bool,
        into out: inout [UInt8]
    ) {
        out.reserveCapacity(out.count + 160 + response.body.count)
        let hasContentType = appendStatusAndFields(response, version: version, into: &out)
        if !hasContentType && !response.body.isEmpty {
            out.append(contentsOf: "Content-Type: application/octet-stream\r\n".utf8)
        }
        let bodiless =
            response.status.code < 200 || response.status.code == 204 || response.status.code == 304
        if !bodiless {
            out.append(contentsOf: contentLengthPrefix)
            out.append(contentsOf: String(response.body.count).utf8)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: DateField.current())
        if !keepAlive {
            out.append(contentsOf: connectionClose)
        } else if version == .http10 {
            out.append(contentsOf: connectionKeepAlive)
        }
        out.append(contentsOf: crlf)
        if !omitBody && !bodiless { out.append(contentsOf: response.body) }
    }

    /// The head of a response whose body is streamed: chunked on HTTP/1.1; on HTTP/1.0, which
    /// has no chunking, the body runs until the connection closes (so `keepAlive` must be false).
    static func encodeStreamingHead(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, into out: inout [UInt8]
    ) {
        if !appendStatusAndFields(response, version: version, into: &out) {
            out.append(contentsOf: "Content-Type: application/octet-stream\r\n".utf8)
        }
        if version == .http11 { out.append(contentsOf: transferEncodingChunked) }
        out.append(contentsOf: DateField.current())
        if !keepAlive { out.append(contentsOf: connectionClose) }
        out.append(contentsOf: crlf)
    }

    /// One chunk of a chunked body (RFC 9112 §7.1); an empty chunk would end the body, so
    /// callers skip empty elements.
    static func encodeChunk(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: String(bytes.count, radix: 16).utf8)
        out.append(contentsOf: crlf)
        out.append(contentsOf: bytes)
        out.append(contentsOf: crlf)
    }

    /// The last chunk, with no trailer fields.
    static let lastChunk = Array("0\r\n\r\n".utf8)

    /// Writes the status line and the handler's fields (less those the server owns); returns
    /// whether the handler gave a `Content-Type`.
    @inline(__always)
    private static func appendStatusAndFields(
        _ response: HTTPResponse, version: HTTPVersion, into out: inout [UInt8]
    ) -> Bool {
        out.append(contentsOf: version == .http10 ? http10Prefix : http11Prefix)
        out.append(contentsOf: String(response.status.code).utf8)
        out.append(32)
        out.append(contentsOf: response.status.reason.utf8)
        out.append(contentsOf: crlf)
        var hasContentType = false
        for field in response.headers {
            // The server owns the framing and connection fields; a handler's copies would conflict.
            if field.name.caseInsensitiveEquals("Content-Length")
                || field.name.caseInsensitiveEquals("Connection")
                || field.name.caseInsensitiveEquals("Transfer-Encoding")
                || field.name.caseInsensitiveEquals("Date")
            {
                continue
            }
            if field.name.caseInsensitiveEquals("Content-Type") { hasContentType = true }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: colonSpace)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: crlf)
        }
        return hasContentType
    }

    /// A plain-text error response for a request the server refused itself.
    static func errorResponse(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: message + "\n")
    }

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let http11Prefix = Array("HTTP/1.1 ".utf8)
    private static let http10Prefix = Array("HTTP/1.0 ".utf8)
    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = [58, 32]
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
    private static let transferEncodingChunked = Array("Transfer-Encoding: chunked\r\n".utf8)
}

/// The `Date` field (RFC 9110 §6.6.1), formatted once per second rather than per response.
enum DateField {
    private static let cache = Mutex<(second: Int, field: [UInt8])>((-1, []))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    static func current() -> [UInt8] {
        let now = time(nil)
        return cache.withLock { cached in
            if cached.second == now { return cached.field }
            cached = (now, Array("Date: \(format(now))\r\n".utf8))
            return cached.field
        }
    }

    static func format(_ seconds: Int) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
