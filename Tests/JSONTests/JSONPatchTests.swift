import JSON
import Testing

/// JSON patch as RFC 6902 defines it, on the cases of its Appendix A.
struct JSONPatchTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONReader.parse(Array(text.utf8)) }

    @Test(arguments: [
        // A.1 to A.10, A.16: each operation, arrays and objects, escapes.
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (
            #"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#,
            #"{"foo":["bar","qux","baz"]}"#
        ),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (
            #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
            #"{"baz":"boo","foo":"bar"}"#
        ),
        (
            #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#
        ),
        (
            #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            #"{"foo":["all","cows","eat","grass"]}"#
        ),
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
            #"{"foo":"bar","child":{"grandchild":{}}}"#
        ),
        (
            #"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
            #"{"foo":["bar",["abc","def"]]}"#
        ),
        (
            #"{"/":9,"~1":10}"#,
            #"[{"op":"test","path":"/~01","value":10},{"op":"copy","from":"/~1","path":"/x"}]"#,
            #"{"/":9,"~1":10,"x":9}"#
        ),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"","value":[1]}]"#, #"[1]"#),
    ])
    func appliesTheRFCsExamples(document: String, patch: String, expected: String) throws {
        #expect(try Self.parse(document).applyingJSONPatch(Self.parse(patch)) == Self.parse(expected))
    }

    @Test(arguments: [
        // A.9 and A.12 to A.15: a failed test, a missing parent, bad indices; and documents that are
        // not patches.
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, "testing value /baz failed"),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, #"no member "baz""#),
        (
            #"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/3","value":"x"}]"#,
            #"array index "3" is out of range"#
        ),
        (#"{"foo":["bar"]}"#, #"[{"op":"remove","path":"/foo/01"}]"#, #"array index "01" is out of range"#),
        (#"{"foo":"bar"}"#, #"[{"op":"remove","path":"/missing"}]"#, #"no member "missing""#),
        (
            #"{"foo":{"a":1}}"#, #"[{"op":"move","from":"/foo","path":"/foo/b"}]"#,
            "cannot move /foo into one of its own children"
        ),
        (
            #"{"foo":1}"#, #"{"op":"add","path":"/a","value":1}"#,
            "a JSON patch must be an array of operations"
        ),
        (#"{"foo":1}"#, #"[{"op":"jump","path":"/a"}]"#, #"unknown operation "jump""#),
        (#"{"foo":1}"#, #"[{"op":"add","path":"/a"}]"#, #"the "add" operation needs a "value""#),
        (#"{"foo":1}"#, #"[{"op":"add","path":"a","value":1}]"#, #"the pointer "a" does not start with /"#),
        (#"{"foo":1}"#, #"[{"op":"remove","path":"/a~2"}]"#, #"the pointer "/a~2" has an invalid escape ~2"#),
    ])
    func refusesWhatCannotApplyAndChangesNothing(document: String, patch: String, reason: String) throws {
        let original = try Self.parse(document)
        #expect {
            _ = try original.applyingJSONPatch(Self.parse(patch))
        } throws: { error in
            (error as? JSONPatchError)?.description == reason
        }
    }

    @Test func everyOperationAppliesToTheResultOfTheOneBefore() throws {
        let document = try Self.parse(#"{"spec":{"containers":[{"name":"kafka","image":"a"}]}}"#)
        let patch = try Self.parse(
            #"[{"op":"test","path":"/spec/containers/0/name","value":"kafka"},{"op":"replace","path":"/spec/containers/0/image","value":"b"},{"op":"copy","from":"/spec/containers/0","path":"/spec/containers/-"},{"op":"replace","path":"/spec/containers/1/name","value":"sidecar"}]"#
        )
        #expect(
            try document.applyingJSONPatch(patch)
                == Self.parse(
                    #"{"spec":{"containers":[{"name":"kafka","image":"b"},{"name":"sidecar","image":"b"}]}}"#)
        )
    }
}
