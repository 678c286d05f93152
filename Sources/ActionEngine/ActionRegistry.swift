/// The actions the operator knows, by command. Commands match without regard to case, so a rule
/// written `addPVC` (as Koperator's examples spell it) finds `addPvc`.
public struct ActionRegistry: Sendable {
    private var actions: [String: any Action] = [:]

    /// The built-in actions: upScale, downScale, addPvc, resizePvc, rebalance.
    public static let builtIn = ActionRegistry(actions: [
        UpScaleAction(), DownScaleAction(), AddPvcAction(), ResizePvcAction(), RebalanceAction(),
    ])

    public init(actions: [any Action]) {
        for action in actions { register(action) }
    }

    /// Adds an action; a later one with the same command replaces the earlier.
    public mutating func register(_ action: any Action) {
        actions[action.command.lowercased()] = action
    }

    public func action(for command: String) -> (any Action)? { actions[command.lowercased()] }

    public var commands: [String] { actions.values.map(\.command).sorted() }
}
