/// A stable fingerprint of a label set (FNV-1a over the sorted `name=value` pairs), for alerts
/// that arrive without one.
enum LabelFingerprint {
    static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in labels.keys.sorted() {
            for byte in name.utf8 + [0xFF] + (labels[name] ?? "").utf8 + [0xFE] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
