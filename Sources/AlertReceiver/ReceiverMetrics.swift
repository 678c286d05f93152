import ActionEngine
import CoreMetrics
import Synchronization

/// `alerts_total{outcome}` and `actions_total{command,outcome}`, with handles cached: making a
/// metric through the factory on every alert costs more than handling a duplicate alert.
/// The command label only takes registered command names (or `unknown`), so alerts cannot
/// grow the label set.
final class ReceiverMetrics: Sendable {
    private let alerts = Mutex<[String: Counter]>([:])
    private let actions = Mutex<[String: Counter]>([:])
    private let commands: Set<String>

    init(commands: [String]) {
        self.commands = Set(commands.map { $0.lowercased() })
    }

    func alert(_ outcome: ActionOutcome) {
        let name = outcome.name
        alerts.withLock { cache in
            if let counter = cache[name] { return counter }
            let counter = Counter(label: "alerts_total", dimensions: [("outcome", name)])
            cache[name] = counter
            return counter
        }.increment()
    }

    func action(command: String, _ outcome: ActionOutcome) {
        let label = commands.contains(command.lowercased()) ? command.lowercased() : "unknown"
        let key = "\(label) \(outcome.name)"
        actions.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "actions_total", dimensions: [("command", label), ("outcome", outcome.name)])
            cache[key] = counter
            return counter
        }.increment()
    }
}
