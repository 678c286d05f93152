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
