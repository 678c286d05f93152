/// Hands out service cluster IPs from 10.96.0.0/12, as a cluster's default service range;
/// 10.96.0.1 is left for the `kubernetes` service, as in a real cluster.
struct ClusterIPAllocator: Sendable {
    private var used: Set<UInt32> = []
    private var next: UInt32 = Self.base + 10
    private static let base: UInt32 = 10 << 24 | 96 << 16
    private static let size: UInt32 = 1 << 20

    mutating func allocate() -> String? {
        for _ in 0..<Self.size {
            let candidate = next
            next = next + 1 >= Self.base + Self.size - 1 ? Self.base + 10 : next + 1
            if !used.contains(candidate) {
                used.insert(candidate)
                return Self.format(candidate)
            }
        }
        return nil
    }

    /// Marks an address as taken; false when it already was.
    @discardableResult
    mutating func reserve(_ address: String) -> Bool {
        guard let value = Self.parse(address) else { return true }
        return used.insert(value).inserted
    }

    mutating func release(_ address: String) {
        if let value = Self.parse(address) { used.remove(value) }
    }

    private static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    private static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
