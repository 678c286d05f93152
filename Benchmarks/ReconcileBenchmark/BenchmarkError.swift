/// Why the benchmark could not run, or found a reconcile that is not idempotent.
enum BenchmarkError: Error, CustomStringConvertible {
    case helpRequested
    case missingValue(option: String)
    case invalidValue(option: String, value: String)
    case unknownOption(String)
    case unreadableManifest(path: String, reason: String)
    case setupFailed(step: String, reason: String)
    case reconcileFailed(brokers: Int, pass: Int, reason: String)
    case notConverged(brokers: Int, passes: Int)

    var description: String {
        switch self {
        case .helpRequested: return BenchmarkOptions.usage
        case .missingValue(let option): return "The option \(option) needs a value."
        case .invalidValue(let option, let value): return "The value \"\(value)\" is not valid for \(option)."
        case .unknownOption(let option): return "There is no option \(option).\n\(BenchmarkOptions.usage)"
        case .unreadableManifest(let path, let reason):
            return "The manifest \(path) could not be read: \(reason)."
        case .setupFailed(let step, let reason):
            return "Setting up the benchmark failed while \(step): \(reason)."
        case .reconcileFailed(let brokers, let pass, let reason):
            return "Reconcile pass \(pass) of the \(brokers)-broker cluster failed: \(reason)."
        case .notConverged(let brokers, let passes):
            return "The \(brokers)-broker cluster did not converge in \(passes) passes."
        }
    }
}
