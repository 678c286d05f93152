import Foundation
import TestSupport

/// PEM texts written into a temporary directory, and the `openssl` CLI run over them.
struct OpenSSLFiles {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory(prefix: "pki") }

    /// Writes `text` as `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: directory.file(name))
        return path(name)
    }

    func path(_ name: String) -> String { directory.file(name).path }

    /// `openssl` with `arguments`, bounded by `timeout` so a wedged handshake fails the test
    /// instead of hanging it.
    func openssl(_ arguments: [String], input: String? = nil) async throws -> ProcessOutput {
        try await runOffPool("timeout", ["30", "openssl"] + arguments, input: input.map { Data($0.utf8) })
    }

    func remove() { directory.remove() }
}
