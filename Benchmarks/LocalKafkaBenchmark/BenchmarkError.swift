/// Why the benchmark could not run.
enum BenchmarkError: Error, CustomStringConvertible {
    case helpRequested
    case missingValue(option: String)
    case invalidValue(option: String, value: String)
    case unknownOption(String)
    case setupFailed(step: String, reason: String)
    case requestFailed(what: String, reason: String)

    var description: String {
        switch self {
        case .helpRequested: return BenchmarkOptions.usage
        case .missingValue(let option): return "The option \(option) needs a value."
        case .invalidValue(let option, let value): return "The value \"\(value)\" is not valid for \(option)."
        case .unknownOption(let option): return "There is no option \(option).\n\(BenchmarkOptions.usage)"
        case .setupFailed(let step, let reason):
            return "Setting up the benchmark failed while \(step): \(reason)."
        case .requestFailed(let what, let reason): return "\(what) failed: \(reason)."
        }
    }

    var isHelp: Bool {
        if case .helpRequested = self { return true }
        return false
    }
}
