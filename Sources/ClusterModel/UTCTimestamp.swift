#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The current time as RFC 3339 in UTC with milliseconds (`2026-11-24T17:00:17.451Z`), the form
/// Alertmanager and Prometheus use, formatted without Foundation for hot paths such as logging.
public enum UTCTimestamp {
    /// `fractionDigits` is 3 (milliseconds) or 6 (microseconds, Kubernetes' MicroTime).
    public static func now(fractionDigits: Int = 3) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let fraction =
            fractionDigits == 6
            ? ".\(pad(Int32(now.tv_nsec / 1_000), 6))" : ".\(pad(Int32(now.tv_nsec / 1_000_000), 3))"
        return dateAndTime(seconds: now.tv_sec) + fraction + "Z"
    }

    /// Milliseconds since the epoch, now.
    public static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec / 1_000_000)
    }

    /// `milliseconds` since the epoch as RFC 3339 in UTC, to the second as Kubernetes writes
    /// `metav1.Time` (`2026-11-24T17:00:17Z`), or with `fractionDigits` 3 to the millisecond.
    public static func format(milliseconds: Int64, fractionDigits: Int = 0) -> String {
        let seconds = milliseconds.quotientRoundingDown(by: 1_000)
        let fraction = fractionDigits == 3 ? ".\(pad(Int32(milliseconds - seconds * 1_000), 3))" : ""
        return dateAndTime(seconds: time_t(seconds)) + fraction + "Z"
    }

    /// `2026-11-24T17:00:17`, in UTC.
    private static func dateAndTime(seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Milliseconds since the epoch of an RFC 3339 time in UTC (`2026-11-24T17:00:17Z`, with or
    /// without a fraction); nil for anything else.
    public static func milliseconds(of text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int32(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, UInt8)] = [
            (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")),
            (16, UInt8(ascii: ":")),
        ]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 || bytes[$0.0] == $0.1 | 0x20 }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21,
                let digits = number(20..<min(bytes.count - 1, 23)),
                bytes[20..<(bytes.count - 1)].allSatisfy({
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                })
            else { return nil }
            let width = min(bytes.count - 21, 3)
            fraction = Int64(digits) * [100, 10, 1][width - 1]
        }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts)) * 1_000 + fraction
    }
}

extension Int64 {
    fileprivate func quotientRoundingDown(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
