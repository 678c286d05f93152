import Testing

@testable import HTTPClient

@Suite struct LineSplitterTests {
    static func split(_ pieces: [String]) -> [String] {
        var splitter = LineSplitter()
        var lines: [String] = []
        for piece in pieces {
            let bytes = Array(piece.utf8)
            lines += bytes.withUnsafeBytes { splitter.feed($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        if let rest = splitter.finish() { lines.append(String(decoding: rest, as: UTF8.self)) }
        return lines
    }

    @Test(arguments: [
        (["{\"a\":1}\n{\"b\":2}\n"], ["{\"a\":1}", "{\"b\":2}"]),
        (["{\"a\"", ":1}\n{", "\"b\":2}\n"], ["{\"a\":1}", "{\"b\":2}"]),
        (["{\"a\":1}\r\n\r\n\n{\"b\":2}\r\n"], ["{\"a\":1}", "{\"b\":2}"]),
        (["{\"a\":1}\n{\"b\":2}"], ["{\"a\":1}", "{\"b\":2}"]),
        (["\n", "\n", ""], []),
        (["{\"a\":1}\r", "\n"], ["{\"a\":1}"]),
    ])
    func linesAreCutAtLineEndsWhereverThePiecesBreak(pieces: [String], lines: [String]) {
        #expect(Self.split(pieces) == lines)
    }

    @Test func oneByteAtATimeGivesTheSameLines() {
        let text = "{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n"
        #expect(Self.split(text.map { String($0) }) == ["{\"type\":\"ADDED\"}", "{\"type\":\"DELETED\"}"])
    }
}
