/// A number of bytes (per second) as people write it: `80MB`, `1.5GiB`, `250kB/s`, `1000000`.
/// SI units (kB, MB, GB, TB) count in thousands, binary ones (KiB, MiB, GiB, TiB) in 1024s.
enum ByteRate {
    static let units: [String: Double] = [
        "": 1, "B": 1,
        "k": 1e3, "K": 1e3, "kB": 1e3, "KB": 1e3,
        "M": 1e6, "MB": 1e6,
        "G": 1e9, "GB": 1e9,
        "T": 1e12, "TB": 1e12,
        "Ki": 1_024, "KiB": 1_024,
        "Mi": 1_048_576, "MiB": 1_048_576,
        "Gi": 1_073_741_824, "GiB": 1_073_741_824,
        "Ti": 1_099_511_627_776, "TiB": 1_099_511_627_776,
    ]

    /// The bytes `text` says, or nil when it is not a non-negative finite size.
    static func parse(_ text: String) -> Double? {
        var rest = Substring(text.trimmingSpaces())
        if rest.hasSuffix("/s") { rest = rest.dropLast(2) }
        let number = rest.prefix {
            $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+")
        }
        guard !number.isEmpty, number.first != "+", let value = Double(number),
            let unit = units[String(rest.dropFirst(number.count).drop { $0 == " " })]
        else { return nil }
        let bytes = value * unit
        return bytes.isFinite && bytes >= 0 ? bytes : nil
    }

    /// `bytes` per second in SI units with at most two decimals: `80 MB/s`, `13.33 MB/s`.
    static func describe(_ bytes: Double) -> String {
        let steps: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        let (scale, unit) = steps.first { bytes >= $0.0 } ?? (1, "B")
        var text = ((bytes / scale * 100).rounded() / 100).description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return "\(text) \(unit)/s"
    }
}
