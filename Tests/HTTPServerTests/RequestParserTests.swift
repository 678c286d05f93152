import Testing

@testable import HTTPServer

@Suite struct RequestParserTests {
    /// Feeds `input` (whole, or a byte at a time) and collects every request until more bytes are needed.
    static func parse(
        _ input: String, limits: RequestParser.Limits = .init(maxHeadBytes: 1024, maxBodyBytes: 64),
        byteAtATime: Bool = false
    ) throws(HTTPParseError) -> [(head: HTTPRequestHead, body: [UInt8])] {
        var parser = RequestParser(limits: limits)
        var requests: [(HTTPRequestHead, [UInt8])] = []
        var head: HTTPRequestHead?
        let bytes = Array(input.utf8)
        let pieces = byteAtATime ? bytes.map { [$0] } : [bytes]
        for piece in pieces {
            parser.append(piece)
            while let event = try parser.next() {
                switch event {
                case .head(let parsed): head = parsed
                case .body(let body):
                    requests.append((head!, body))
                    head = nil
                }
            }
        }
        return requests
    }

    /// A query is form-decoded: `+` is a space and `%2B` a plus, while a `+` in the path stays.
    @Test func aPlusInTheQueryIsASpace() throws {
        let requests = try Self.parse(
            "GET /a+b?labelSelector=brokerId+in+(0,2)&sum=1%2B1&plain=x HTTP/1.1\r\nHost: h\r\n\r\n",
            byteAtATime: false)
        let head = try #require(requests.first?.head)
        #expect(head.path == "/a+b")
        #expect(
            head.query.map { "\($0.name)=\($0.value)" } == [
                "labelSelector=brokerId in (0,2)", "sum=1+1", "plain=x",
            ])
    }

    @Test(arguments: [false, true])
    func parsesAGetRequest(byteAtATime: Bool) throws {
        let requests = try Self.parse(
            "GET /api/v1/x%20y?dryRun=true&a=%41 HTTP/1.1\r\nHost: h\r\nX-Tag:  spaced value \t\r\n\r\n",
            byteAtATime: byteAtATime)
        let head = try #require(requests.first?.head)
        #expect(requests.count == 1)
        #expect(head.method == .get)
        #expect(head.target == "/api/v1/x%20y?dryRun=true&a=%41")
        #expect(head.path == "/api/v1/x y")
        #expect(head.query.map { "\($0.name)=\($0.value)" } == ["dryRun=true", "a=A"])
        #expect(head.headers["x-tag"] == "spaced value")
        #expect(head.keepAlive)
        #expect(requests[0].body.isEmpty)
    }

    @Test(arguments: [false, true])
    func parsesContentLengthAndChunkedBodies(byteAtATime: Bool) throws {
        let fixed = try Self.parse(
            "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", byteAtATime: byteAtATime)
        #expect(fixed.map { String(decoding: $0.body, as: UTF8.self) } == ["hello"])
        let chunked = try Self.parse(
            "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 \r\n world\r\n0\r\nTrailer-Field: x\r\n\r\n",
            byteAtATime: byteAtATime)
        #expect(chunked.map { String(decoding: $0.body, as: UTF8.self) } == ["hello world"])
        #expect(chunked.first?.head.hasBody == true)
    }

    @Test(arguments: [false, true])
    func acceptsWhatRFC9112Allows(byteAtATime: Bool) throws {
        let accepted = [
            "GET / HTTP/1.1\r\nHost: kafka-operator.kafka.svc:8080\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: \r\n\r\n",
            "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 00000000000000000005\r\n\r\nhello",
            "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        ]
        for request in accepted {
            #expect(
                try Self.parse(request, byteAtATime: byteAtATime).count == 1, "\(request.debugDescription)")
        }
        let padded = try Self.parse(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 00000000000000000005\r\n\r\nhello")
        #expect(padded.first?.body == Array("hello".utf8))
    }

    @Test func parsesPipelinedRequestsInOrder() throws {
        let requests = try Self.parse(
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /3 HTTP/1.1\r\nHost: h\r\n\r\n"
        )
        #expect(requests.map(\.head.path) == ["/1", "/2", "/3"])
        #expect(requests[1].body == Array("ok".utf8))
    }

    @Test func ignoresEmptyLinesBeforeARequest() throws {
        #expect(try Self.parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").count == 1)
    }

    static let connectionRows: [(request: String, keepAlive: Bool)] = [
        ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
    ]

    @Test(arguments: connectionRows)
    func decidesKeepAliveByVersionAndConnection(_ row: (request: String, keepAlive: Bool)) throws {
        #expect(try Self.parse(row.request).first?.head.keepAlive == row.keepAlive)
    }

    @Test func recognisesExpectations() throws {
        let body = "Content-Length: 1\r\n\r\nx"
        #expect(
            try Self.parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\(body)").first?.head
                .expectation
                == .continueBeforeBody)
        #expect(
            try Self.parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\(body)").first?.head.expectation
                == .unsupported("teapot"))
    }

    static let refused: [(name: String, request: String, error: HTTPParseError)] = [
        ("bare LF", "GET / HTTP/1.1\nHost: h\n\n", .bareLineFeed),
        ("bare LF in a field", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", .bareLineFeed),
        ("no spaces", "GARBAGE\r\n\r\n", .malformedRequestLine("no spaces")),
        (
            "space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
            .malformedRequestLine("'b HTTP/1.1' is not an HTTP version")
        ),
        (
            "method not a token", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
            .malformedRequestLine("the method is not a token")
        ),
        (
            "control byte in target", "GET /\u{01} HTTP/1.1\r\nHost: h\r\n\r\n",
            .malformedRequestLine("the target is empty or holds spaces or control characters")
        ),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion("HTTP/2.0")),
        (
            "HTTP/1.1x", "GET / HTTP/1.1x\r\nHost: h\r\n\r\n",
            .malformedRequestLine("'HTTP/1.1x' is not an HTTP version")
        ),
        (
            "relative target", "GET a HTTP/1.1\r\nHost: h\r\n\r\n",
            .invalidTarget("expected a path starting with '/'")
        ),
        (
            "bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n",
            .invalidTarget("bad percent-encoding")
        ),
        (
            "NUL in decoded path", "GET /a%00 HTTP/1.1\r\nHost: h\r\n\r\n",
            .invalidTarget("the path decodes to a NUL byte")
        ),
        ("missing Host", "GET / HTTP/1.1\r\n\r\n", .malformedHeader("HTTP/1.1 requests need a Host field")),
        (
            "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            .malformedHeader("more than one Host field")
        ),
        (
            "obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",
            .malformedHeader("obsolete line folding is not accepted")
        ),
        (
            "space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
            .malformedHeader("the field name is empty or not a token (no whitespace before the colon)")
        ),
        ("no colon", "GET / HTTP/1.1\r\nHost: h\r\nJunk\r\n\r\n", .malformedHeader("no colon")),
        (
            "NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n",
            .malformedHeader("control character in the value of 'X'")
        ),
        (
            "CR in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
            .malformedHeader("control character in the value of 'X'")
        ),
        (
            "both framings",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            .conflictingFraming("both Transfer-Encoding and Content-Length are present")
        ),
        (
            "differing lengths",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            .conflictingFraming("differing Content-Length values")
        ),
        (
            "length list differing", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n",
            .conflictingFraming("differing Content-Length values")
        ),
        (
            "negative length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            .invalidContentLength("-1")
        ),
        (
            "signed length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
            .invalidContentLength("+1")
        ),
        (
            "hex length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n",
            .invalidContentLength("0x10")
        ),
        (
            "overflowing length",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            .bodyTooLarge(limit: 64)
        ),
        (
            "length over limit", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n",
            .bodyTooLarge(limit: 64)
        ),
        ("POST without length", "POST / HTTP/1.1\r\nHost: h\r\n\r\n", .lengthRequired),
        ("PUT without length", "PUT / HTTP/1.0\r\n\r\n", .lengthRequired),
        (
            "Host with a space and a slash", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n",
            .malformedHeader("the Host field is not a valid host[:port]")
        ),
        (
            "Host with userinfo", "GET / HTTP/1.1\r\nHost: user@h\r\n\r\n",
            .malformedHeader("the Host field is not a valid host[:port]")
        ),
        (
            "Host with a bad port", "GET / HTTP/1.1\r\nHost: h:8x\r\n\r\n",
            .malformedHeader("the Host field is not a valid host[:port]")
        ),
        (
            "Host with an unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
            .malformedHeader("the Host field is not a valid host[:port]")
        ),
        (
            "two Hosts in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
            .malformedHeader("more than one Host field")
        ),
        (
            "chunked in two fields",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .conflictingFraming("chunked is applied more than once")
        ),
        (
            "chunked twice in one field",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
            .conflictingFraming("chunked is applied more than once")
        ),
        (
            "leading zeros over the limit",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0000000000000000000065\r\n\r\n",
            .bodyTooLarge(limit: 64)
        ),
        (
            "gzip coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
            .unsupportedTransferCoding("gzip")
        ),
        (
            "gzip then chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            .unsupportedTransferCoding("gzip")
        ),
        (
            "chunked then identity",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
            .unsupportedTransferCoding("identity")
        ),
        (
            "chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            .conflictingFraming("Transfer-Encoding is not allowed in an HTTP/1.0 request")
        ),
        (
            "bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            .malformedChunk("missing chunk size")
        ),
        (
            "huge chunk size",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
            .malformedChunk("chunk size is too large")
        ),
        (
            "chunks over limit",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n"
                + String(repeating: "a", count: 64) + "\r\n1\r\n", .bodyTooLarge(limit: 64)
        ),
        (
            "chunk without CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY",
            .malformedChunk("chunk data is not followed by CRLF")
        ),
        (
            "junk after size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\n",
            .malformedChunk("unexpected characters after the chunk size")
        ),
        (
            "head over limit",
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 1100) + "\r\n\r\n",
            .headTooLarge(limit: 1024)
        ),
        (
            "endless head", "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: y\r\n", count: 300),
            .headTooLarge(limit: 1024)
        ),
    ]

    @Test(arguments: refused)
    func refusesHostileInput(_ row: (name: String, request: String, error: HTTPParseError)) {
        #expect(throws: row.error, "\(row.name)") { try Self.parse(row.request) }
        #expect(throws: row.error, "\(row.name), byte at a time") {
            try Self.parse(row.request, byteAtATime: true)
        }
    }

    @Test func errorsMapToTheirStatus() {
        #expect(HTTPParseError.headTooLarge(limit: 1).status.code == 431)
        #expect(HTTPParseError.bodyTooLarge(limit: 1).status.code == 413)
        #expect(HTTPParseError.lengthRequired.status.code == 411)
        #expect(HTTPParseError.unsupportedTransferCoding("gzip").status.code == 501)
        #expect(HTTPParseError.unsupportedVersion("HTTP/2.0").status.code == 505)
        #expect(HTTPParseError.bareLineFeed.status.code == 400)
    }

    @Test func aFailedParserStaysFailed() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\nHost: h\n\n".utf8))
        #expect(throws: HTTPParseError.bareLineFeed) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bareLineFeed) { try parser.next() }
    }
}
