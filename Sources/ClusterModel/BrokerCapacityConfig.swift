import JSON

/// A `capacity.json` as a user writes it in `cruiseControlConfig.capacityConfig`: Cruise
/// Control's `brokerCapacities` list, each entry naming its broker by `brokerId` (a string, `-1`
/// for every broker not named). Entries are kept as written; only what the operator relies on
/// is checked.
public struct BrokerCapacityConfig: Equatable, Sendable {
    /// Each entry as written, in order.
    public let entries: [JSONValue]
    /// The `brokerId` of each entry, in order.
    public let brokerIDs: [String]

    /// The `brokerId` of the entry that stands for every broker not named.
    public static let everyOtherBroker = "-1"

    /// Whether an entry stands for every broker not named, so none needs a generated one.
    public var coversEveryBroker: Bool { brokerIDs.contains(Self.everyOtherBroker) }

    public init(parsing text: String) throws(BrokerCapacityConfigError) {
        let document: JSONValue
        do {
            document = try JSONReader.parse(Array(text.utf8))
        } catch {
            throw .notJSON(error.description)
        }
        guard case .object = document else { throw .notAnObject(document.kind) }
        guard case .array(let entries)? = document["brokerCapacities"] else {
            throw .noBrokerCapacities(document["brokerCapacities"]?.kind)
        }
        var ids: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .object = entry else { throw .entryNotAnObject(index: index, kind: entry.kind) }
            guard case .string(let id)? = entry["brokerId"] else {
                throw .brokerIDNotAString(index: index, kind: entry["brokerId"]?.kind)
            }
            guard id == Self.everyOtherBroker || Int32(id).map({ (0..<65_535).contains($0) }) == true else {
                throw .brokerIDInvalid(index: index, id: id)
            }
            guard !ids.contains(id) else { throw .brokerIDRepeated(id) }
            guard case .object? = entry["capacity"] else {
                throw .capacityNotAnObject(index: index, kind: entry["capacity"]?.kind)
            }
            ids.append(id)
        }
        self.entries = entries
        self.brokerIDs = ids
    }
}

/// Why a `capacityConfig` cannot be used; each reads as the rest of a sentence about it.
public enum BrokerCapacityConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON(String)
    case notAnObject(String)
    case noBrokerCapacities(String?)
    case entryNotAnObject(index: Int, kind: String)
    case brokerIDNotAString(index: Int, kind: String?)
    case brokerIDInvalid(index: Int, id: String)
    case brokerIDRepeated(String)
    case capacityNotAnObject(index: Int, kind: String?)

    public var description: String {
        switch self {
        case .notJSON(let why): return "is not JSON: \(why)"
        case .notAnObject(let kind): return "must be a JSON object, not \(kind)"
        case .noBrokerCapacities(let kind):
            return "must have a brokerCapacities array" + (kind.map { ", not \($0)" } ?? "")
        case .entryNotAnObject(let index, let kind):
            return "brokerCapacities[\(index)] must be an object, not \(kind)"
        case .brokerIDNotAString(let index, let kind):
            return "brokerCapacities[\(index)].brokerId must be a string"
                + (kind.map { ", not \($0)" } ?? " and is missing")
        case .brokerIDInvalid(let index, let id):
            return "brokerCapacities[\(index)].brokerId must be a broker id or -1, not '\(id)'"
        case .brokerIDRepeated(let id): return "names broker \(id) twice"
        case .capacityNotAnObject(let index, let kind):
            return "brokerCapacities[\(index)].capacity must be an object"
                + (kind.map { ", not \($0)" } ?? " and is missing")
        }
    }
}
