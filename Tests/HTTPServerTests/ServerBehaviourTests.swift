import Foundation
import HTTPServer
import TestSupport
import Testing

/// The server as clients see it: keep-alive, pipelining, bodies, timeouts, limits, shutdown.
extension ServerTests {
    @Suite struct ServerBehaviourTests {
        @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            // The first request is the slowest: its answer must still come first.
            try socket.send(
                "GET /slow?ms=200 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /items/42?q=x HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try socket.readResponse().text == "slow done")
            #expect(try socket.readResponse().text == "abc")
            #expect(try socket.readResponse().text == "42 x")
        }

        @Test func headAnswersWithTheGetLengthAndNoBody() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\nGET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try socket.readResponse(headRequest: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "6")
            // Had HEAD carried a body, it would be read as the next response's status line.
            #expect(try socket.readResponse().text == "hello\n")
        }

        @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let closing = try server.connect()
            try closing.send("GET /hello HTTP/1.0\r\n\r\n")
            let first = try closing.readResponse()
            #expect(first.statusLine.hasPrefix("HTTP/1.0 200"))
            #expect(closing.waitForClose())

            let keeping = try server.connect()
            try keeping.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keeping.readResponse().header("Connection") == "keep-alive")
            try keeping.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try keeping.readResponse().status == 200)
        }

        @Test func expectContinueGetsA100BeforeTheBody() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send(
                "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try socket.readResponse()
            #expect(interim.status == 100)
            try socket.send("hello")
            let final = try socket.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }

        @Test func halfClosedClientStillGetsItsResponse() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /slow?ms=100 HTTP/1.1\r\nHost: h\r\n\r\n")
            socket.shutdownWrite()
            let response = try socket.readResponse()
            #expect(response.text == "slow done")
            #expect(response.header("Connection") == "close")
            #expect(socket.waitForClose())
        }

        @Test func slowlorisIsCutOffByTheHeaderTimeout() async throws {
            let server = try await TestServer(limits: .forTests(headerTimeout: .milliseconds(300)))
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /hello HTTP/1.1\r\nHost: h\r\n")
            // Dribbling more header bytes does not extend the deadline.
            try socket.send("X-A: 1\r\n")
            let response = try socket.readResponse()
            #expect(response.status == 408)
            #expect(socket.waitForClose())
        }

        @Test func aBodyThatStallsIsCutOffByTheBodyTimeout() async throws {
            let server = try await TestServer(limits: .forTests(bodyTimeout: .milliseconds(300)))
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try socket.readResponse().status == 408)
        }

        @Test func idleKeepAliveConnectionsAreClosed() async throws {
            let server = try await TestServer(limits: .forTests(idleTimeout: .milliseconds(300)))
            defer { Task { await server.stop() } }
            let socket = try server.connect(timeout: .seconds(5))
            try socket.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try socket.readResponse().status == 200)
            #expect(socket.waitForClose())
        }

        @Test func atTheCapTheLongestIdleConnectionMakesRoomForANewOne() async throws {
            let server = try await TestServer(limits: .forTests(maxConnections: 2))
            defer { Task { await server.stop() } }
            // Both are served and idle, the first for longer, before the third arrives. The client
            // reads an answer before the server has settled after writing it: wait for that.
            var served: [RawSocket] = []
            for index in 0..<2 {
                let socket = try server.connect()
                try socket.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try socket.readResponse().status == 200)
                #expect(await waitUntil { server.server.idleConnectionCount == index + 1 })
                served.append(socket)
            }
            let (first, second) = (served[0], served[1])
            let probe = try server.connect()
            try probe.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try probe.readResponse().status == 200)
            #expect(first.waitForClose(), "the longest-idle connection made room")
            try second.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try second.readResponse().status == 200)
        }

        @Test func atTheCapWithEveryConnectionBusyANewOneGets503() async throws {
            let server = try await TestServer(limits: .forTests(maxConnections: 2))
            defer { Task { await server.stop() } }
            // One waits for a handler, one is half-way through its head: neither is idle.
            let handling = try server.connect()
            try handling.send("GET /slow?ms=2000 HTTP/1.1\r\nHost: h\r\n\r\n")
            let partial = try server.connect()
            try partial.send("GET /hello HTTP/1.1\r\n")
            // Both registered and busy before the third arrives: a served request on a third
            // connection would otherwise evict nothing and prove nothing.
            let busy = await waitUntil {
                server.server.openConnectionCount == 2 && server.server.idleConnectionCount == 0
            }
            #expect(busy)
            let third = try server.connect()
            #expect(try third.readResponse().status == 503)
            #expect(try handling.readResponse().text == "slow done")
            try partial.send("Host: h\r\n\r\n")
            #expect(try partial.readResponse().status == 200)
        }

        @Test func aSlowHandlerDoesNotHoldUpOtherConnections() async throws {
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            // More slow requests than there are cores: a server that blocked a thread per handler stalls.
            let slow = try (0..<8).map { _ in try server.connect() }
            for socket in slow { try socket.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: h\r\n\r\n") }
            let fast = try server.connect()
            try fast.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try fast.readResponse().status == 200)
            #expect(slow.allSatisfy { !$0.hasDataReady }, "the slow handlers are still running")
        }

        @Test func aThousandConcurrentConnectionsAreAllServed() async throws {
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            if limit.rlim_cur < 4096 {
                limit.rlim_cur = min(4096, limit.rlim_max)
                setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            }
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let sockets = try (0..<1000).map { _ in try server.connect() }
            for (index, socket) in sockets.enumerated() {
                try socket.send("GET /items/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
            }
            var correct = 0
            for (index, socket) in sockets.enumerated() where try socket.readResponse().text == "\(index) " {
                correct += 1
            }
            #expect(correct == 1000)
        }

        @Test func gracefulShutdownFinishesInFlightRequests() async throws {
            let server = try await TestServer(limits: .forTests())
            let busy = try server.connect()
            try busy.send("GET /slow?ms=500 HTTP/1.1\r\nHost: h\r\n\r\n")
            let idle = try server.connect()
            try idle.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try idle.readResponse().status == 200)
            // Wait until the slow request is being handled, then stop.
            #expect(await waitUntil { server.server.isShuttingDown == false && !busy.hasDataReady })
            server.task.cancel()
            #expect(await waitUntil { server.server.isShuttingDown })
            let response = try busy.readResponse()
            #expect(response.text == "slow done")
            #expect(response.header("Connection") == "close")
            #expect(idle.waitForClose(), "idle keep-alive connections are closed at shutdown")
            try await server.task.value
            #expect(throws: RawSocket.Failure.self) { try server.connect() }
        }

        @Test func bindingAPortInUseIsATypedError() async throws {
            let first = try await TestServer(limits: .forTests())
            defer { Task { await first.stop() } }
            let second = HTTPServer(
                configuration: .init(listeners: [HTTPListener(host: "127.0.0.1", port: first.port)]),
                router: Router(),
                logger: .init(label: "test"))
            await #expect(
                throws: HTTPServerError.cannotBind(
                    address: "127.0.0.1:\(first.port)", reason: "Address already in use")
            ) {
                try await second.run()
            }
            await #expect(throws: HTTPServerError.self) { try await second.boundAddresses() }
        }

        @Test func listensOnIPv6Loopback() async throws {
            let server = try await TestServer(
                listeners: [HTTPListener(host: "::1", port: 0)], limits: .forTests())
            defer { Task { await server.stop() } }
            let socket = try RawSocket(host: "::1", port: server.port)
            try socket.send("GET /hello HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            #expect(try socket.readResponse().status == 200)
        }
    }
}
