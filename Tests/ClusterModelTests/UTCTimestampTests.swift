import ClusterModel
import Testing

/// RFC 3339 in UTC both ways, without Foundation.
@Suite struct UTCTimestampTests {
    @Test func formatsAndReadsBack() {
        let instant: Int64 = 1_764_777_617_451
        #expect(UTCTimestamp.format(milliseconds: instant) == "2025-12-03T16:00:17Z")
        #expect(UTCTimestamp.format(milliseconds: instant, fractionDigits: 3) == "2025-12-03T16:00:17.451Z")
        #expect(UTCTimestamp.milliseconds(of: "2025-12-03T16:00:17.451Z") == instant)
        #expect(UTCTimestamp.milliseconds(of: "2025-12-03T16:00:17Z") == instant - 451)
        #expect(UTCTimestamp.milliseconds(of: "2025-12-03T16:00:17.4Z") == instant - 51)
        #expect(UTCTimestamp.milliseconds(of: "1970-01-01T00:00:00Z") == 0)
        #expect(UTCTimestamp.format(milliseconds: -1, fractionDigits: 3) == "1969-12-31T23:59:59.999Z")
    }

    @Test(arguments: [
        "", "2025-12-03", "2025-12-03T16:00:17", "2025-12-03T16:00:17+01:00", "2025-13-03T16:00:17Z",
        "2025-12-03T24:00:00Z", "2025-12-03T16:00:17.Z", "2025-12-03T16:00:17.4aZ", "2025-12-03 16:00:17Z",
        "x025-12-03T16:00:17Z",
    ])
    func refusesWhatIsNotUTCRFC3339(text: String) {
        #expect(UTCTimestamp.milliseconds(of: text) == nil)
    }

    @Test func nowIsWhatItFormats() throws {
        let now = UTCTimestamp.nowMilliseconds()
        let read = try #require(
            UTCTimestamp.milliseconds(of: UTCTimestamp.format(milliseconds: now, fractionDigits: 3)))
        #expect(read == now)
    }
}
