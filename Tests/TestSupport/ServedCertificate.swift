import Foundation

/// What openssl s_client, a real TLS client, is served by a fresh connection to a loopback port.
public struct ServedCertificate: Sendable {
    /// s_client's output: status 0 when the handshake (and, with `-verify_return_error`, the
    /// verification) succeeded.
    public let session: ProcessOutput
    /// The leaf certificate as PEM, ending in a newline; nil when none was served.
    public let certificatePEM: String?

    /// Connects to `127.0.0.1:port` with `arguments` (CA file, client certificate and key, ...).
    public init(port: Int, arguments: [String]) async throws {
        session = try await runOffPool(
            "openssl", ["s_client", "-connect", "127.0.0.1:\(port)"] + arguments, input: Data())
        let text = session.stdout
        if let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex)
        {
            certificatePEM = String(text[begin.lowerBound..<end.upperBound]) + "\n"
        } else {
            certificatePEM = nil
        }
    }
}
