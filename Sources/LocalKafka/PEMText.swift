/// PEM text as OpenSSL reads it, from PEM as Kafka accepts it in `server.properties`: a value
/// written over continued lines arrives as one line with spaces (Java's `Properties` joins
/// them), or with `\n` escapes left as written; Kafka ignores the whitespace inside a block,
/// OpenSSL needs the base64 on lines of its own.
enum PEMText {
    /// Every `-----BEGIN …-----` … `-----END …-----` block with its body rewrapped at 64
    /// characters; text outside the blocks is dropped.
    static func normalized(_ text: String) -> String {
        let unescaped = text.replacing("\\n", with: "\n").replacing("\\r", with: "\n")
        var output = ""
        var rest = Substring(unescaped)
        while let begin = rest.firstRange(of: "-----BEGIN "),
            let beginEnd = rest[begin.upperBound...].firstRange(of: "-----"),
            let end = rest[beginEnd.upperBound...].firstRange(of: "-----END "),
            let endEnd = rest[end.upperBound...].firstRange(of: "-----")
        {
            let label = rest[begin.upperBound..<beginEnd.lowerBound]
            let body = Array(rest[beginEnd.upperBound..<end.lowerBound].filter { !$0.isWhitespace })
            output += "-----BEGIN \(label)-----\n"
            for start in stride(from: 0, to: body.count, by: 64) {
                output += String(body[start..<min(start + 64, body.count)]) + "\n"
            }
            output += "-----END \(rest[end.upperBound..<endEnd.lowerBound])-----\n"
            rest = rest[endEnd.upperBound...]
        }
        return output
    }
}
