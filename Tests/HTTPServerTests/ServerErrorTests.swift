import Foundation
import HTTPServer
import TestSupport
import Testing

/// Every malformed or over-limit request gets its status over a real socket, the connection
/// is closed, and the server keeps answering others.
extension ServerTests {
    @Suite struct ServerErrorTests {
        static let rows: [(name: String, request: String, status: Int)] = [
            ("garbage", "HELLO\r\n\r\n", 400),
            ("bare LF", "GET /hello HTTP/1.1\nHost: h\n\n", 400),
            (
                "smuggling: both framings",
                "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
                400
            ),
            (
                "head over 16 KiB",
                "GET /hello HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 17 * 1024)
                    + "\r\n\r\n", 431
            ),
            (
                "request line over 16 KiB",
                "GET /" + String(repeating: "a", count: 17 * 1024) + " HTTP/1.1\r\nHost: h\r\n\r\n", 431
            ),
            ("POST without length", "POST /echo HTTP/1.1\r\nHost: h\r\n\r\n", 411),
            (
                "unknown transfer coding", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: br\r\n\r\n",
                501
            ),
            ("HTTP/2.0", "GET /hello HTTP/2.0\r\nHost: h\r\n\r\n", 505),
            ("unknown path", "GET /nowhere HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 404),
            ("wrong method", "DELETE /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 405),
            (
                "unmet expectation",
                "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417
            ),
        ]

        @Test(arguments: rows)
        func answersWithTheRightStatusAndCloses(_ row: (name: String, request: String, status: Int))
            async throws
        {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send(row.request)
            let response = try socket.readResponse()
            #expect(response.status == row.status, "\(row.name): \(response.statusLine) \(response.text)")
            #expect(!response.text.isEmpty, "\(row.name): error responses say what was wrong")
            if row.status >= 400 && row.status != 404 && row.status != 405 {
                #expect(response.header("Connection") == "close", "\(row.name)")
                #expect(socket.waitForClose(), "\(row.name): the server should close the connection")
            }
            // The server still answers a well-formed request on a new connection.
            let next = try server.connect()
            try next.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try next.readResponse().status == 200)
        }

        @Test func methodNotAllowedListsAllowedMethods() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("POST /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
            let response = try socket.readResponse()
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
        }

        @Test func oversizedBodyIsRefusedBeforeItIsSent() async throws {
            let server = try await TestServer(limits: .forTests(maxBodyBytes: 1024))
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            // Only the head: the 413 must come without the server waiting for 10 MB.
            try socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10485760\r\n\r\n")
            let response = try socket.readResponse()
            #expect(response.status == 413)
            #expect(response.text.contains("1024 bytes"))
            #expect(socket.waitForClose())
        }

        @Test func oversizedChunkedBodyIsRefusedMidStream() async throws {
            let server = try await TestServer(limits: .forTests(maxBodyBytes: 1024))
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
            try socket.send("400\r\n" + String(repeating: "a", count: 1024) + "\r\n1\r\n")
            #expect(try socket.readResponse().status == 413)
        }
    }
}
