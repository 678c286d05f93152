import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension JSONValue {
    static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// A double as Java prints it in JSON: always with a fraction (`1.0`), never NaN.
    static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .number("0.0") }
        let rounded = (value * 1000).rounded() / 1000
        let text = String(rounded)
        return .number(text.contains(".") || text.contains("e") ? text : text + ".0")
    }

    static func ints(_ values: [Int32]) -> JSONValue { .array(values.map { .int($0) }) }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
