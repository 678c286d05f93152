import ArgumentParser

/// How log lines are written: `logfmt` for people and grep, `json` for log pipelines.
enum LogFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case logfmt
    case json
}
