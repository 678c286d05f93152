import Synchronization

/// Hands a handler's response back to the connection: inline when the handler finished before
/// `Task.immediate` returned, through the connection's queue when it suspended.
final class ResponseHandoff: Sendable {
    private enum State {
        case pending
        case completed(HTTPResponse)
        case asynchronous
    }

    private let state = Mutex<State>(.pending)

    /// Called by the handler's task with its response; false means the caller has moved on and
    /// the task must deliver the response itself.
    func completeSynchronously(_ response: HTTPResponse) -> Bool {
        state.withLock { state in
            guard case .pending = state else { return false }
            state = .completed(response)
            return true
        }
    }

    /// Called right after starting the task: the response if it is already there, otherwise
    /// nil, and from then on the task delivers it.
    func takeSynchronousResponse() -> HTTPResponse? {
        state.withLock { state in
            if case .completed(let response) = state { return response }
            state = .asynchronous
            return nil
        }
    }
}
