/// A Kubernetes resource quantity (`10Gi`, `500m`, `1.5G`, `100`, `1e3`), parsed strictly.
///
/// The value is kept as an exact count of thousandths (milli-units), which covers every
/// quantity the operator deals with (disk sizes, CPU) without floating-point rounding.
public struct Quantity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value in thousandths of the unit (bytes for storage, cores for CPU).
    public let milliValue: Int64
    public let text: String

    public var description: String { text }

    /// The value in whole units, rounded up (a disk of 1.5 bytes needs 2).
    public var value: Int64 { (milliValue + 999) / 1000 }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.milliValue < rhs.milliValue }
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.milliValue == rhs.milliValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(milliValue) }

    private static let binarySuffixes: [(String, Int64)] = [
        ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("Pi", 1 << 50), ("Ei", 1 << 60),
    ]
    private static let decimalSuffixes: [(String, Int64)] = [
        ("k", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000), ("E", 1_000_000_000_000_000_000),
    ]

    /// How a whole number of units (bytes) is written: with the largest binary suffix that
    /// divides it exactly (`16Ti`, `1536Mi`), or as plain digits when none does.
    public static func text(units: Int64) -> String {
        guard units != 0 else { return "0" }
        for (suffix, factor) in binarySuffixes.reversed() where units % factor == 0 {
            return "\(units / factor)\(suffix)"
        }
        return String(units)
    }

    public init(parsing text: String) throws(QuantityError) {
        guard !text.isEmpty, text.utf8.count <= 64 else { throw .malformed(String(text.prefix(64))) }
        var number = Substring(text)
        var milliPerUnit: Int64 = 1000
        if let (suffix, factor) = (Self.binarySuffixes + Self.decimalSuffixes).first(where: {
            text.hasSuffix($0.0)
        }) {
            number = number.dropLast(suffix.count)
            // Scale to milli-units after the multiplication, so factors up to 2^60 fit.
            self.text = text
            self.milliValue = try Self.scaled(number, by: factor, thenMilli: true, original: text)
            return
        } else if text.hasSuffix("m") {
            number = number.dropLast()
            milliPerUnit = 1
        } else if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let exponent = Int(text[text.index(after: e)...]), (0...18).contains(exponent) else {
                throw .malformed(text)
            }
            number = text[..<e]
            var factor: Int64 = 1
            for _ in 0..<exponent { factor *= 10 }
            self.text = text
            self.milliValue = try Self.scaled(number, by: factor, thenMilli: true, original: text)
            return
        }
        self.text = text
        self.milliValue = try Self.scaled(number, by: milliPerUnit, thenMilli: false, original: text)
    }

    /// `number × factor` (× 1000 when `thenMilli`), with the decimal fraction applied exactly.
    private static func scaled(_ number: Substring, by factor: Int64, thenMilli: Bool, original: String)
        throws(QuantityError) -> Int64
    {
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2,
            whole.allSatisfy(\.isASCIIDigit), parts.count == 1 || parts[1].allSatisfy(\.isASCIIDigit),
            !(parts.count == 2 && parts[1].isEmpty)
        else {
            throw original.hasPrefix("-") ? .negative(original) : .malformed(original)
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = whole + fraction
        guard digits.count <= 19, let mantissa = Int64(digits.isEmpty ? "0" : String(digits)) else {
            throw .tooLarge(original)
        }
        var scale: Int64 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        let multiplier =
            thenMilli ? factor.multipliedReportingOverflow(by: 1000) : (partialValue: factor, overflow: false)
        guard !multiplier.overflow else { throw .tooLarge(original) }
        let product = mantissa.multipliedReportingOverflow(by: multiplier.partialValue)
        guard !product.overflow else { throw .tooLarge(original) }
        return product.partialValue / scale
    }
}

public enum QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case negative(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .malformed(let text): return "'\(text)' is not a quantity like 10Gi, 500m or 1.5G"
        case .negative(let text): return "'\(text)' is negative; a quantity here must be zero or more"
        case .tooLarge(let text): return "'\(text)' is too large"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
