import HTTPClient
import Testing

@Suite struct ServerURLTests {
    @Test(arguments: [
        ("https://k8s:6443", "https", "k8s", 6443, ""),
        ("http://cc.kafka.svc:8090/kafkacruisecontrol/", "http", "cc.kafka.svc", 8090, "/kafkacruisecontrol"),
        ("HTTPS://host/prefix//", "https", "host", 443, "/prefix"),
        ("http://host", "http", "host", 80, ""),
        ("https://[::1]:6443", "https", "[::1]", 6443, ""),
        ("https://[fe80::1]/p", "https", "[fe80::1]", 443, "/p"),
    ])
    func aServerURLIsCutIntoItsParts(text: String, scheme: String, host: String, port: Int, prefix: String)
        throws
    {
        let url = try ServerURL(text)
        #expect(url.scheme == scheme && url.host == host && url.port == port && url.prefix == prefix)
    }

    @Test(arguments: [
        ("ftp://host", ServerURL.Invalid.notHTTP), ("host:80", .notHTTP), ("https://", .noHostAndPort),
        ("https://host:0", .noHostAndPort), ("https://host:99999", .noHostAndPort),
        ("https://host:x", .noHostAndPort),
        ("https://[::1", .unclosedIPv6), ("https://[::1]:", .noHostAndPort),
    ])
    func aTextThatIsNoServerURLSaysWhy(text: String, invalid: ServerURL.Invalid) {
        #expect(throws: invalid) { _ = try ServerURL(text) }
    }

    @Test func theHostNameDropsIPv6Brackets() throws {
        #expect(try ServerURL("http://[::1]:80").hostName == "::1")
        #expect(try ServerURL("http://cc:80").hostName == "cc")
    }

    @Test func percentEncodingKeepsOnlyUnreservedCharacters() {
        #expect(PercentEncoding.encode("a-z.A_Z~09") == "a-z.A_Z~09")
        #expect(PercentEncoding.encode("1-/kafka logs,é") == "1-%2Fkafka%20logs%2C%C3%A9")
        #expect(PercentEncoding.query([("a b", "c&d"), ("e", "")]) == "a%20b=c%26d&e=")
        #expect(PercentEncoding.decode("1-%2Fkafka%20logs%2C%C3%A9") == "1-/kafka logs,é")
        #expect(PercentEncoding.decode("a+b%2c") == "a b,")
        for malformed in ["%", "%2", "%ZZ", "%C3"] {
            #expect(PercentEncoding.decode(Substring(malformed)) == nil)
        }
    }
}
