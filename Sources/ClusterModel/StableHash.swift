#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// FNV-1a (64-bit) over bytes, and over a value's sorted-key JSON.
///
/// The hash names objects and marks their desired content, so it must be the same on every
/// run, machine and Swift version: Swift's `Hasher` is seeded per process and cannot be used.
/// FNV-1a is enough here: the input is our own rendering, not an adversary's, and a collision
/// costs at most one missed update that the next change of content repairs. A cryptographic
/// hash would buy nothing the annotation needs.
public struct StableHash: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var hash = Self.offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* Self.prime
        }
        value = hash
    }

    public init(_ text: String) { self.init(bytes: text.utf8) }

    /// The hash of `value` encoded as JSON with sorted keys, so member order never matters.
    public init<Value: Encodable>(json value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding the operator's own value types cannot fail; an empty input still gives a
        // stable (if uninformative) hash rather than a crash if it ever did.
        let data = (try? encoder.encode(value)) ?? Data()
        self.init(bytes: data)
    }

    /// All 64 bits as 16 lower-case hex digits: the spec-hash annotation.
    public var description: String { Self.hex(value, digits: 16) }

    /// The high 32 bits as 8 hex digits: the suffix in object names, short enough to keep names
    /// well inside the 63-character label limit.
    public var short: String { Self.hex(value >> 32, digits: 8) }

    private static func hex(_ number: UInt64, digits: Int) -> String {
        let text = String(number, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
