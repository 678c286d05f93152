import ClusterModel
import KafkaAdmin
import KafkaProtocol

/// After the brokers' certificate or trust bundle changes (a renewal, a CA rollover step), each
/// broker is asked to reload its keystore and truststore without a restart: an
/// IncrementalAlterConfigs setting every SSL listener's `ssl.keystore.location` and
/// `ssl.truststore.location` to the paths they already have, which Kafka (KIP-226) takes as
/// "read the files again if they changed". The kubelet writes a renewed Secret into the pods within
/// its sync period, not at once, so the request is repeated each pass after the renewal
/// (`windowMilliseconds`, five minutes); a request while the file is unchanged costs
/// Kafka nothing. A broker that refuses (a certificate with other names, on a Kafka that does not
/// allow it) is restarted instead: see `BrokerState.keystoreRestart`.
struct KeystoreReload {
    let kafka: any KafkaAdminClient
    static let windowMilliseconds: Int64 = 5 * 60 * 1_000

    /// The listener settings each broker is sent: the keystore locations the operator renders.
    static func operations(_ spec: KafkaClusterSpec) -> [ConfigOperation] {
        ServerProperties.sslSettings(BrokerListeners(spec))
            .filter {
                $0.key.hasSuffix(".ssl.keystore.location") || $0.key.hasSuffix(".ssl.truststore.location")
            }
            .sorted { $0.key < $1.key }
            .map { .set(key: $0.key, value: $0.value) }
    }

    /// Why a broker did not reload.
    enum Failure: Equatable {
        /// The broker answered that it cannot take the files: only a restart loads them.
        case refused(String)
        /// The broker was not reached; asking again may work.
        case unreachable(String)
    }

    /// Asks each of `brokers` to reload; the brokers that did not, with why.
    func run(_ spec: KafkaClusterSpec, brokers: [Int32]) async -> [Int32: Failure] {
        let operations = Self.operations(spec)
        guard !operations.isEmpty else { return [:] }
        var failed: [Int32: Failure] = [:]
        for broker in brokers {
            do {
                try await kafka.incrementalAlterConfigs(.broker(broker), operations: operations)
            } catch let error as KafkaAdminError {
                // Kafka answers a keystore it cannot take live with INVALID_REQUEST ("Invalid
                // config value for resource ..."), a value it refuses with INVALID_CONFIG; any
                // other error may pass, so the broker is asked again.
                if case .brokerError(_, let code, _, _) = error,
                    [KafkaErrorCode.invalidRequest, KafkaErrorCode.invalidConfig].contains(code)
                {
                    failed[broker] = .refused("\(error)")
                } else {
                    failed[broker] = .unreachable("\(error)")
                }
            } catch {
                failed[broker] = .unreachable("\(error)")
            }
        }
        return failed
    }
}
