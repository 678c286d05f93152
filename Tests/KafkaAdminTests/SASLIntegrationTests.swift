import KafkaAdmin
import TestSupport
import Testing

/// SASL against tansu started with `--authentication`. tansu offers SCRAM only, and its SCRAM
/// users cannot be created on an in-memory broker that already demands authentication, so
/// these tests pin the precise failures of a real exchange; the SCRAM computation itself is
/// checked against the RFC test vectors in `SCRAMClientTests`.
@Suite(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
final class SASLIntegrationTests {
    let broker: TansuBroker

    init() async throws {
        broker = try await TansuBroker(extraArguments: ["--authentication"])
    }

    deinit { broker.stop() }

    private func failure(_ mechanism: SASLCredentials.Mechanism) async throws -> KafkaAdminError? {
        let client = try KafkaProtocolAdminClient(
            bootstrap: broker.bootstrap,
            options: KafkaAdminOptions(
                connectTimeout: .seconds(3), requestTimeout: .seconds(3), attempts: 1,
                sasl: SASLCredentials(mechanism: mechanism, username: "alice", password: "secret")))
        do {
            _ = try await client.metadata(topics: [])
            await client.close()
            return nil
        } catch let error as KafkaAdminError {
            await client.close()
            return error
        }
    }

    /// A broker that does not offer PLAIN should answer the handshake with
    /// UNSUPPORTED_SASL_MECHANISM; tansu 0.6 closes the connection instead.
    @Test func plainIsRefusedByTansuClosingTheConnection() async throws {
        let error = try await failure(.plain)
        #expect(error == .noBrokerReachable(attempts: ["127.0.0.1:\(broker.port): connection closed"]))
    }

    @Test(arguments: [SASLCredentials.Mechanism.scramSHA256, .scramSHA512])
    func scramWithAnUnknownUserFailsWithTheServersReason(mechanism: SASLCredentials.Mechanism) async throws {
        let error = try await failure(mechanism)
        guard case .saslFailed(_, mechanism.rawValue, let reason)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(reason.contains("unknown-user"))
    }
}
