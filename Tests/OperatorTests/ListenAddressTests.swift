import Testing

@testable import kafka_operator

@Suite struct ListenAddressTests {
    static let accepted: [(text: String, host: String, port: UInt16)] = [
        ("0.0.0.0:8080", "0.0.0.0", 8080),
        ("127.0.0.1:0", "127.0.0.1", 0),
        (":9090", "0.0.0.0", 9090),
        ("[::1]:8443", "::1", 8443),
        ("[::]:80", "::", 80),
        ("localhost:65535", "localhost", 65535),
    ]

    @Test(arguments: accepted)
    func parsesHostAndPort(_ row: (text: String, host: String, port: UInt16)) throws {
        let address = try ListenAddress(parsing: row.text)
        #expect(address == ListenAddress(host: row.host, port: row.port))
    }

    static let refused: [(text: String, error: ListenAddressError)] = [
        ("8080", .malformed("8080")),
        ("::1:8080", .malformed("::1:8080")),
        ("[::1]8080", .malformed("[::1]8080")),
        ("[::1", .malformed("[::1")),
        ("host:", .badPort("host:")),
        ("host:65536", .badPort("host:65536")),
        ("host:-1", .badPort("host:-1")),
        ("host:http", .badPort("host:http")),
        ("", .malformed("")),
    ]

    @Test(arguments: refused)
    func refusesMalformedAddresses(_ row: (text: String, error: ListenAddressError)) {
        #expect(throws: row.error) { try ListenAddress(parsing: row.text) }
    }

    @Test func printsIPv6HostsInBrackets() {
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
        #expect(ListenAddress(host: "10.0.0.1", port: 80).description == "10.0.0.1:80")
    }
}
