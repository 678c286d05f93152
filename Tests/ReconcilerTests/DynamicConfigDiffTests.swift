import KafkaAdmin
import KafkaProtocol
import Testing

@testable import Reconciler

/// What one resource needs, from the spec, the keys the operator keeps and what Kafka reports.
struct DynamicConfigDiffTests {
    static func entry(_ key: String, _ value: String?, _ source: ConfigEntry.Source, sensitive: Bool = false)
        -> ConfigEntry
    {
        ConfigEntry(
            name: key, value: value, isReadOnly: false, sourceCode: source.rawValue, isSensitive: sensitive,
            synonyms: [])
    }

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var target: ConfigTarget
        var desired: [String: String]
        var owned: Set<String>
        var actual: [ConfigEntry]
        var operations: [ConfigOperation]
        var ownedAfter: Set<String>
    }

    static let rows: [Row] = [
        Row(
            description: "a missing key is set", target: .broker(1), desired: ["a": "1"], owned: [],
            actual: [],
            operations: [.set(key: "a", value: "1")], ownedAfter: []),
        Row(
            description: "a different value is set whatever its level", target: .broker(1),
            desired: ["a": "2"],
            owned: [], actual: [entry("a", "1", .staticBroker)], operations: [.set(key: "a", value: "2")],
            ownedAfter: []),
        Row(
            description: "the value from server.properties is in place and not the operator's to delete",
            target: .broker(1), desired: ["a": "1"], owned: [], actual: [entry("a", "1", .staticBroker)],
            operations: [], ownedAfter: []),
        Row(
            description: "a kept key the spec dropped is deleted", target: .broker(1), desired: [:],
            owned: ["a"], actual: [entry("a", "1", .dynamicBroker)], operations: [.delete(key: "a")],
            ownedAfter: ["a"]),
        Row(
            description: "a key someone else set is left alone", target: .broker(1), desired: [:],
            owned: [], actual: [entry("t", "9", .dynamicBroker)], operations: [], ownedAfter: []),
        Row(
            description: "a kept key now only from a lower level is forgotten, not deleted",
            target: .broker(1), desired: [:], owned: ["a"], actual: [entry("a", "1", .dynamicDefaultBroker)],
            operations: [], ownedAfter: []),
        Row(
            description: "the cluster default reports only its own level", target: .clusterDefault,
            desired: ["a": "1"], owned: ["b"],
            actual: [entry("a", "1", .dynamicDefaultBroker), entry("b", "2", .dynamicDefaultBroker)],
            operations: [.delete(key: "b")], ownedAfter: ["a", "b"]),
        Row(
            description: "a sensitive key set at its own level counts as in place", target: .broker(1),
            desired: ["p": "secret"], owned: ["p"],
            actual: [entry("p", nil, .dynamicBroker, sensitive: true)],
            operations: [], ownedAfter: ["p"]),
        Row(
            description: "a sensitive key only in server.properties is set", target: .broker(1),
            desired: ["p": "secret"], owned: [], actual: [entry("p", nil, .staticBroker, sensitive: true)],
            operations: [.set(key: "p", value: "secret")], ownedAfter: []),
    ]

    @Test(arguments: rows) func operationsAndKeptKeys(_ row: Row) {
        let diff = DynamicConfigDiff(
            target: row.target, desired: row.desired, owned: row.owned, actual: row.actual)
        #expect(diff.operations == row.operations)
        #expect(diff.ownedKeys(refused: []) == row.ownedAfter)
    }

    @Test func aRefusedKeyIsNotKept() {
        let diff = DynamicConfigDiff(
            target: .broker(0), desired: ["a": "x"], owned: [], actual: [Self.entry("a", "x", .dynamicBroker)]
        )
        #expect(diff.ownedKeys(refused: ["a"]) == [])
    }
}
