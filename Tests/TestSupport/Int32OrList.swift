/// A JSON array element that is a number or a list of numbers, as the confluent-kafka scripts
/// in the tests print partitions: `[id, leader, [replicas], [isr]]`.
public enum Int32OrList: Decodable, Equatable, Sendable {
    case one(Int32)
    case list([Int32])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int32.self) {
            self = .one(value)
        } else {
            self = .list(try container.decode([Int32].self))
        }
    }
}
