import ClusterModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The KRaft cluster id every node formats its storage with, derived from the KafkaCluster's
/// uid so it is stable across reconciles and restarts without being stored: the uid's 16
/// bytes in URL-safe base64 without padding, the form Kafka's `Uuid` prints. (Koperator draws
/// a random one and keeps it in the status.) A uid that is not a UUID is hashed to 16 bytes.
public struct KRaftClusterID: Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(uid: String) {
        var bytes: [UInt8] = []
        let hex = Array(uid.filter { $0 != "-" })
        if hex.count == 32, hex.allSatisfy(\.isHexDigit) {
            bytes = stride(from: 0, to: 32, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16) ?? 0 }
        } else {
            for word in [StableHash(uid).value, StableHash("kraft:" + uid).value] {
                bytes += (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) }
            }
        }
        description = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
