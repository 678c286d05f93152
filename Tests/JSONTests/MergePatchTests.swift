import Testing

@testable import JSON

@Suite struct MergePatchTests {
    /// The examples of RFC 7386 §3 (the appendix), as (target, patch, result).
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, "null", "null"),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        ("{}", #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func appliesTheRFCExamples(_ target: String, _ patch: String, _ result: String) throws {
        let merged = try parse(target).applyingMergePatch(try parse(patch))
        #expect(merged == (try JSONReader.parse(Array(result.utf8))), "\(target) + \(patch)")
    }

    /// The patch `mergePatch(to:)` makes turns the one value into the other, and says nothing
    /// when they are equal. (A `null` member of a target cannot be said in a merge patch, so the
    /// targets here have none.)
    @Test(arguments: [
        (#"{"a":1}"#, #"{"a":1}"#),
        (#"{"a":1,"b":2}"#, #"{"b":2,"a":1}"#),
        (#"{"a":1}"#, #"{"a":2}"#),
        (#"{"a":1,"b":2}"#, #"{"a":1}"#),
        (#"{"a":{"x":1,"y":2}}"#, #"{"a":{"x":1,"z":3}}"#),
        (#"{"a":[1,2]}"#, #"{"a":[2]}"#),
        (#"{"a":{"x":1}}"#, #"{"a":"flat"}"#),
        (#"{"a":"flat"}"#, #"{"a":{"x":1}}"#),
        (#"{}"#, #"{"brokersState":{"0":{"readiness":"Ready"}}}"#),
        (
            #"{"brokersState":{"0":{"readiness":"Ready"},"1":{}}}"#,
            #"{"brokersState":{"0":{"readiness":"Ready"}}}"#
        ),
        (#"[1]"#, #"{"a":1}"#),
    ])
    func aComputedPatchLeadsToTheTarget(_ current: String, _ target: String) throws {
        let from = try parse(current)
        let to = try parse(target)
        let patch = from.mergePatch(to: to)
        #expect((patch == nil) == (from == to))
        #expect(from.applyingMergePatch(patch ?? .object([])) == to, "\(current) → \(target)")
    }

    @Test func onlyWhatChangedIsInThePatch() throws {
        let patch = try parse(#"{"keep":{"deep":[1,2]},"change":{"a":1,"b":2},"drop":true}"#)
            .mergePatch(to: try parse(#"{"keep":{"deep":[1,2]},"change":{"a":1,"b":3},"add":"x"}"#))
        #expect(patch == (try parse(#"{"change":{"b":3},"add":"x","drop":null}"#)))
    }

    private func parse(_ text: String) throws -> JSONValue { try JSONReader.parse(Array(text.utf8)) }
}
