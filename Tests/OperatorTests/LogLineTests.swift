import Foundation
import Logging
import Testing

@testable import kafka_operator

@Suite struct LogLineTests {
    let line = LogLine(
        time: "2026-11-24T17:00:17.451Z", level: "info", logger: "kafka-operator",
        message: "alert \"received\"\n", fields: ["peer": "127.0.0.1:5000", "note": "a=b c", "empty": ""])

    @Test func logfmtQuotesOnlyValuesThatNeedIt() {
        #expect(
            line.logfmt()
                == #"time=2026-11-24T17:00:17.451Z level=info logger=kafka-operator msg="alert \"received\"\n" empty="" note="a=b c" peer=127.0.0.1:5000"#
        )
    }

    @Test func jsonLinesAreValidJSONWithEveryField() throws {
        let object = try JSONSerialization.jsonObject(with: Data(line.json().utf8)) as? [String: String]
        #expect(
            object == [
                "time": "2026-11-24T17:00:17.451Z", "level": "info", "logger": "kafka-operator",
                "msg": "alert \"received\"\n", "peer": "127.0.0.1:5000", "note": "a=b c", "empty": "",
            ])
    }

    @Test func controlCharactersAreEscapedInJSON() {
        #expect(LogLine.jsonString("a\u{01}b") == #""a\u0001b""#)
    }

    @Test func handlerMergesMetadataAndWritesOneLinePerEvent() {
        let captured = LockedLines()
        var handler = StructuredLogHandler(
            label: "test", format: .json, level: .debug, sink: { captured.append($0) })
        handler[metadataKey: "cluster"] = "kafka"
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .debug
        logger.info("one", metadata: ["step": "1"])
        logger.debug("two")
        let lines = captured.lines
        #expect(lines.count == 2)
        #expect(lines[0].contains(#""cluster":"kafka""#) && lines[0].contains(#""step":"1""#))
        #expect(lines[1].contains(#""level":"debug""#))
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        let stamp = StructuredLogHandler.timestamp()
        #expect(stamp.count == 24)
        #expect(stamp.hasSuffix("Z"))
        #expect(ISO8601DateFormatter.withFractionalSeconds.date(from: stamp) != nil)
    }
}

extension ISO8601DateFormatter {
    static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

final class LockedLines: @unchecked Sendable {
    // Every access to `storage` holds `lock`.
    private var storage: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { storage.append(line) } }
    var lines: [String] { lock.withLock { storage } }
}
