import Foundation
import HTTPServer
import TestSupport

/// Attacks on the server from a separate process (Python's socket and ssl modules), for what a
/// test's own blocking socket cannot do: pipeline thousands of requests while reading the
/// answers, over plain TCP or TLS, and stall a TLS handshake at a chosen point.
enum HostileClient {
    /// Sends `count` pipelined `GET /hello` and returns how many `200` answers came back.
    static func pipeline(port: UInt16, count: Int, tls: Bool) throws -> Int {
        let output = try run(["pipeline", String(port), String(count), tls ? "tls" : "plain"])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    enum HandshakeStall: String {
        /// Connect and send nothing.
        case silent
        /// Send the first bytes of a ClientHello, then nothing.
        case truncatedHello = "truncated"
        /// Send a whole ClientHello, then nothing.
        case fullHello = "full"
    }

    struct StallOutcome {
        /// Whether the server closed the connection before the client gave up (10 s).
        var closed: Bool
        /// Bytes the server sent before closing.
        var bytesReceived: Int
    }

    static func stallHandshake(port: UInt16, _ stall: HandshakeStall) throws -> StallOutcome {
        let words = try run(["stall", String(port), stall.rawValue]).split(whereSeparator: \.isWhitespace)
        return StallOutcome(
            closed: words.first == "closed", bytesReceived: words.count > 1 ? Int(words[1]) ?? -1 : -1)
    }

    private static func run(_ arguments: [String]) throws -> String {
        let output = try runProcess("python3", ["-c", script] + arguments)
        guard output.status == 0 else { throw ClientFailure(stderr: output.stderr) }
        return output.stdout
    }

    struct ClientFailure: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "the attacking client failed: \(stderr)" }
    }

    private static let script = #"""
        import select, socket, ssl, sys, time

        def client_context():
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context

        def pipeline(port, count, tls):
            sock = socket.create_connection(("127.0.0.1", port))
            if tls:
                sock = client_context().wrap_socket(sock)
            sock.setblocking(False)
            request = b"GET /hello HTTP/1.1\r\nHost: h\r\n\r\n"
            outgoing = memoryview(request * count)
            received = bytearray()
            deadline = time.monotonic() + 30
            while received.count(b"HTTP/1.1 200 ") < count and time.monotonic() < deadline:
                readable, writable, _ = select.select([sock], [sock] if outgoing else [], [], 1)
                if writable:
                    try:
                        sent = sock.send(outgoing[:16384])
                        outgoing = outgoing[sent:]
                    except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                        pass
                if readable or tls:
                    try:
                        data = sock.recv(65536)
                        if not data:
                            break
                        received += data
                    except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                        pass
                    except ConnectionResetError:
                        break
            print(received.count(b"HTTP/1.1 200 "))

        def stall(port, how):
            sock = socket.create_connection(("127.0.0.1", port))
            if how != "silent":
                incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = client_context().wrap_bio(incoming, outgoing)
                try:
                    tls.do_handshake()
                except ssl.SSLWantReadError:
                    pass
                hello = outgoing.read()
                sock.sendall(hello[:40] if how == "truncated" else hello)
            sock.settimeout(10)
            total = 0
            try:
                while True:
                    data = sock.recv(65536)
                    if not data:
                        print("closed", total)
                        return
                    total += len(data)
            except ConnectionResetError:
                print("closed", total)
            except socket.timeout:
                print("open", total)

        if sys.argv[1] == "pipeline":
            pipeline(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "tls")
        else:
            stall(int(sys.argv[2]), sys.argv[3])
        """#
}

/// A self-signed certificate for `localhost` and `127.0.0.1`, made with openssl.
struct TestCertificate {
    let directory: TemporaryDirectory
    var certificatePath: String { directory.file("cert.pem").path }
    var keyPath: String { directory.file("key.pem").path }
    var files: TLSFiles { TLSFiles(certificatePath: certificatePath, keyPath: keyPath) }

    init() throws {
        directory = try TemporaryDirectory(prefix: "certificate")
        let made = try runProcess(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                directory.file("key.pem").path,
                "-out", directory.file("cert.pem").path,
            ])
        guard made.status == 0 else { throw HostileClient.ClientFailure(stderr: made.stderr) }
    }
}
