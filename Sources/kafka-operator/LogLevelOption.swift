import ArgumentParser
import Logging

/// `--log-level` values; a type of our own because `Logger.Level` belongs to swift-log.
enum LogLevelOption: String, CaseIterable, ExpressibleByArgument, Sendable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
