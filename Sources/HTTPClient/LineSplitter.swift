/// Cuts a byte stream into newline-delimited records, as a watch sends its events: one JSON
/// object per line, arriving in pieces that need not end at a line boundary.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// The complete lines in `bytes` (plus what was pending), without their line ends; empty
    /// lines are dropped.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            pending.append(contentsOf: bytes[start..<index])
            start = index + 1
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if !pending.isEmpty { lines.append(pending) }
            pending.removeAll(keepingCapacity: true)
        }
        pending.append(contentsOf: bytes[start..<bytes.count])
        return lines
    }

    /// What is left after the stream ended without a final line end.
    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: " ") }) ? nil : pending
    }
}
