import ResourceQuantity
import Testing

@testable import ClusterModel

@Suite struct QuantityTests {
    static let accepted: [(text: String, milli: Int64)] = [
        ("0", 0),
        ("100", 100_000),
        ("500m", 500),
        ("1.5", 1_500),
        ("10Gi", 10 * (1 << 30) * 1000),
        ("1.5Gi", 1_610_612_736_000),
        ("2G", 2_000_000_000_000),
        ("100Mi", 100 * (1 << 20) * 1000),
        ("1k", 1_000_000),
        ("1e3", 1_000_000),
        ("2Ti", 2 * (1 << 40) * 1000),
    ]

    @Test(arguments: accepted)
    func parsesQuantities(_ row: (text: String, milli: Int64)) throws {
        #expect(try Quantity(parsing: row.text).milliValue == row.milli)
    }

    static let refused: [(text: String, error: QuantityError)] = [
        ("", .malformed("")),
        ("10Gx", .malformed("10Gx")),
        ("Gi", .malformed("Gi")),
        ("-1Gi", .negative("-1Gi")),
        ("1..5", .malformed("1..5")),
        ("1.", .malformed("1.")),
        (" 1Gi", .malformed(" 1Gi")),
        ("1e400", .malformed("1e400")),
        ("99999999999999999999", .tooLarge("99999999999999999999")),
        ("9000000Ei", .tooLarge("9000000Ei")),
        ("10gi", .malformed("10gi")),
        ("١٠Gi", .malformed("١٠Gi")),
    ]

    @Test(arguments: refused)
    func refusesHostileQuantities(_ row: (text: String, error: QuantityError)) {
        #expect(throws: row.error) { try Quantity(parsing: row.text) }
    }

    @Test func comparesNumerically() throws {
        #expect(try Quantity(parsing: "1Gi") > Quantity(parsing: "1G"))
        #expect(try Quantity(parsing: "1000Mi") < Quantity(parsing: "1Gi"))
        #expect(try Quantity(parsing: "1000m") == Quantity(parsing: "1"))
    }
}
