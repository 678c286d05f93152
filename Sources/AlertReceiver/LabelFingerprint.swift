/// Prometheus's label-set fingerprint (`model.LabelSet.Fingerprint()` in prometheus/common), for
/// alerts that arrive without one: FNV-1a 64 over the label names in byte order, each name and
/// each value followed by the separator byte 0xFF, printed as 16 lowercase hex digits.
/// Alertmanager reports the same number for the same labels, so one firing is recognised
/// whichever path it arrives by.
enum LabelFingerprint {
    /// Cannot occur in valid UTF-8, so `a=bc` and `ab=c` hash differently.
    static let separator: UInt8 = 0xFF

    static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        // Go's sort.Strings orders by bytes; Swift's `<` on String orders by Unicode scalars
        // after normalisation, which differs for some non-ASCII names.
        let names = labels.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            for byte in name.utf8 { add(byte) }
            add(separator)
            for byte in (labels[name] ?? "").utf8 { add(byte) }
            add(separator)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
