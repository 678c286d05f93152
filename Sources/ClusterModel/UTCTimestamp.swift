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
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + (fractionDigits == 6
                ? ".\(pad(Int32(now.tv_nsec / 1_000), 6))Z" : ".\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z")
    }
}
