import JSON

/// Reads a Cruise Control answer into typed fields, naming the field that is missing or of the
/// wrong type: `summary.numReplicaMovements: expected an integer, found a string`.
struct ResponseReader {
    let value: JSONValue
    /// Where `value` sits in the document, for messages; empty at the top.
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    /// Why a document does not have the expected shape.
    struct Mismatch: Error, CustomStringConvertible {
        var path: String
        var reason: String

        var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func mismatch(_ expected: String) -> Mismatch {
        Mismatch(path: path, reason: "expected \(expected), found \(value.kind)")
    }

    /// The member `key`, which must be present (null counts as absent).
    func field(_ key: String) throws -> ResponseReader {
        guard let member = try optionalField(key) else {
            throw Mismatch(path: child(key), reason: "missing")
        }
        return member
    }

    /// The member `key`, or nil when it is absent or null. This must be an object.
    func optionalField(_ key: String) throws -> ResponseReader? {
        guard case .object = value else { throw mismatch("an object") }
        guard let member = value[key], member != .null else { return nil }
        return ResponseReader(member, path: child(key))
    }

    func string() throws -> String {
        guard case .string(let text) = value else { throw mismatch("a string") }
        return text
    }

    func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("a boolean") }
        return flag
    }

    func double() throws -> Double {
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            throw mismatch("a number")
        }
        return number
    }

    /// A whole number; Java prints some counts as `3.0`, which is accepted.
    func int() throws -> Int {
        guard case .number(let text) = value else { throw mismatch("an integer") }
        if let number = Int(text) { return number }
        guard let number = Double(text), number.rounded() == number, abs(number) < 9e15 else {
            throw Mismatch(path: path, reason: "expected an integer, found \(text.prefix(32))")
        }
        return Int(number)
    }

    func int32() throws -> Int32 {
        let number = try int()
        guard let narrow = Int32(exactly: number) else {
            throw Mismatch(path: path, reason: "\(number) is out of range")
        }
        return narrow
    }

    func array() throws -> [ResponseReader] {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return items.enumerated().map { ResponseReader($1, path: "\(path)[\($0)]") }
    }

    /// An object's members in document order.
    func members() throws -> [(key: String, value: ResponseReader)] {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return members.map { ($0.key, ResponseReader($0.value, path: child($0.key))) }
    }

    /// An object keyed by broker id (`{"0": ..., "1": ...}`).
    func byBroker<T>(_ read: (ResponseReader) throws -> T) throws -> [Int32: T] {
        var result: [Int32: T] = [:]
        for (key, member) in try members() {
            guard let id = Int32(key) else {
                throw Mismatch(path: member.path, reason: "\(key.prefix(32)) is not a broker id")
            }
            result[id] = try read(member)
        }
        return result
    }

    func strings() throws -> [String] {
        var result: [String] = []
        for item in try array() { result.append(try item.string()) }
        return result
    }

    func int32s() throws -> [Int32] {
        var result: [Int32] = []
        for item in try array() { result.append(try item.int32()) }
        return result
    }

    /// Each item of an array, read by `read`.
    func list<T>(_ read: (ResponseReader) throws -> T) throws -> [T] {
        var result: [T] = []
        for item in try array() { result.append(try read(item)) }
        return result
    }
}
