#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Defaults for command-line options read from environment variables, so a container can be
/// configured without arguments. An explicit flag always wins over the environment.
enum EnvironmentDefault {
    static func string(_ name: String, _ fallback: String) -> String {
        value(name) ?? fallback
    }

    /// A comma-separated list, e.g. `KAFKA_OPERATOR_LISTEN=0.0.0.0:8080,[::]:8080`.
    static func list(_ name: String, _ fallback: [String]) -> [String] {
        guard let raw = value(name) else { return fallback }
        return raw.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    static func int(_ name: String, _ fallback: Int) -> Int {
        value(name).flatMap { Int($0) } ?? fallback
    }

    static func double(_ name: String, _ fallback: Double) -> Double {
        value(name).flatMap { Double($0) } ?? fallback
    }

    private static func value(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        let value = String(cString: pointer)
        return value.isEmpty ? nil : value
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
