/// The one overall deadline of a client call: every pass, address, connect, request, backoff
/// and name lookup the call makes fits inside it. Calls a call makes (Metadata to learn where a
/// broker is) share it, through a task-local value.
struct CallBudget: Sendable {
    let timeout: Duration
    let start: ContinuousClock.Instant
    let deadline: Deadline

    init(timeout: Duration) {
        self.timeout = timeout
        start = .now
        deadline = Deadline(after: timeout)
    }

    var elapsed: Duration { start.duration(to: .now) }

    /// The error for a call that ran out of time, listing what it tried.
    func exceeded(_ attempts: [String]) -> KafkaAdminError {
        .deadlineExceeded(timeout: timeout, elapsed: elapsed, attempts: attempts)
    }

    /// The budget of the call under way in this task, if any.
    @TaskLocal static var current: CallBudget?
}
