import ClusterModel
import Kubernetes
import Logging

/// Leader election on a `coordination.k8s.io/v1` Lease, with client-go's rules and timings, so
/// one replica of several reconciles while every replica serves alerts.
///
/// A candidate tries to take the lease every `retryPeriod`, and at once when a watch shows the
/// lease changed (a released lease is taken in well under a second). The leader renews every
/// `retryPeriod` with one write of the lease it last wrote, as client-go's fast path does (a GET
/// first only when that write is refused), and does not watch meanwhile: the only changes it
/// would see are its own, and each would wake the process. Its term (`Leadership`) ends `renewDeadline` after the start of its last
/// successful renewal, which is before any other replica can see the lease expire
/// (`leaseDuration` after it last saw it change). When the term ends the leader stops: its
/// writes are refused from that instant (`LeaderOnlyWrites`) and the work is cancelled. At
/// shutdown the leader finishes its work, then releases the lease.
public actor LeaderElector {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name: String
        /// This replica: its pod name on Kubernetes.
        public var identity: String
        public var leaseDuration: Duration
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        /// client-go's and controller-runtime's defaults: 15 s, 10 s and 2 s.
        public init(
            namespace: String, name: String = "kafka-operator-leader", identity: String,
            leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
            retryPeriod: Duration = .seconds(2)
        ) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }

        /// Why these timings cannot keep one writer at a time, or nil when they can.
        public var problem: String? {
            if identity.isEmpty { return "the leader election identity is empty" }
            if leaseDuration < .seconds(1) { return "the lease duration must be at least 1 s" }
            if renewDeadline >= leaseDuration {
                return "the renew deadline must be shorter than the lease duration"
            }
            if retryPeriod >= renewDeadline {
                return "the retry period must be shorter than the renew deadline"
            }
            return nil
        }
    }

    public nonisolated let leadership: Leadership
    public nonisolated let configuration: Configuration
    private let api: any KubernetesAPI
    private let logger: Logger
    private let onChange: @Sendable (_ leading: Bool) -> Void
    private var observation = LeaseObservation(now: .now)
    /// The lease as this replica last wrote it, while it leads: the next renewal updates it.
    private var written: Lease?
    /// The watch that nudges a candidate when the lease changes; none while leading.
    private var watcher: Task<Void, Never>?
    private var nudged = false
    private var waiter: CheckedContinuation<Void, Never>?

    /// `api` must not be gated by `leadership`: the elector's own writes keep the lease.
    public init(
        api: any KubernetesAPI, configuration: Configuration, leadership: Leadership = Leadership(),
        logger: Logger = Logger(label: "kafka-operator.leader-election"),
        onChange: @escaping @Sendable (_ leading: Bool) -> Void = { _ in }
    ) {
        self.api = api
        self.configuration = configuration
        self.leadership = leadership
        self.logger = logger
        self.onChange = onChange
    }

    /// Campaigns until cancelled, running `lead` for each term this replica wins. Cancelling
    /// ends the campaign: a leader lets `lead` finish, then releases the lease.
    public func run(lead: @escaping @Sendable () async -> Void) async {
        defer { stopWatching() }
        while !Task.isCancelled {
            let attempt = ContinuousClock.now
            if await tryAcquireOrRenew() {
                stopWatching()
                await leadTerm(startedAt: attempt, lead)
                written = nil
            } else {
                if watcher == nil { watcher = Task { await watchLease() } }
                await waitForChange(atMost: configuration.retryPeriod)
            }
        }
    }

    // MARK: - Terms

    private func leadTerm(startedAt: ContinuousClock.Instant, _ lead: @escaping @Sendable () async -> Void)
        async
    {
        leadership.extend(to: startedAt + configuration.renewDeadline)
        logger.info(
            "leading: this replica reconciles",
            metadata: ["identity": "\(configuration.identity)", "lease": "\(leaseName)"])
        onChange(true)
        let work = Task { await lead() }
        var lost = false
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.retryPeriod)
            if Task.isCancelled { break }
            guard let end = leadership.validUntil else {
                lost = true
                break
            }
            let attempt = ContinuousClock.now
            if await renewed(before: end) {
                leadership.extend(to: attempt + configuration.renewDeadline)
            } else if leadership.validUntil == nil {
                lost = true
                break
            }
        }
        if lost {
            // Writes stop first, then the work is told to stop.
            leadership.end()
            work.cancel()
            await work.value
            logger.warning(
                "leadership lost: the lease could not be renewed in time; reconciling stopped",
                metadata: ["identity": "\(configuration.identity)", "lease": "\(leaseName)"])
            onChange(false)
            return
        }
        // Shutdown: the work finishes as leader, then the lease is handed back.
        work.cancel()
        await work.value
        await Task { await release() }.value
        leadership.end()
        onChange(false)
    }

    /// One renewal, given up at the term's end (a hanging API server must not keep us leading).
    private func renewed(before end: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await self.renew() }
            group.addTask {
                try? await Task.sleep(until: end, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next().flatMap { $0 } ?? false
        }
    }

    private var leaseName: String { "\(configuration.namespace)/\(configuration.name)" }

    // MARK: - The lease

    /// The leader's renewal: its own last write updated in place; when that is refused (someone
    /// else wrote the lease), the full read-then-claim of a candidate.
    private func renew() async -> Bool {
        if var lease = written, let spec = lease.spec {
            lease.spec = LeaseClaim.claiming(
                spec, identity: configuration.identity,
                durationSeconds: Int32(configuration.leaseDuration.components.seconds),
                now: UTCTimestamp.now(fractionDigits: 6))
            do {
                let renewed = try await api.update(lease)
                observation.observe(renewed.spec, at: .now)
                written = renewed
                return true
            } catch {
                logger.debug(
                    "renewing the lease in place failed; reading it", metadata: ["error": "\(error)"])
                written = nil
            }
        }
        return await tryAcquireOrRenew()
    }

    /// Takes or renews the lease; false when another replica holds it or the API refused.
    private func tryAcquireOrRenew() async -> Bool {
        let now = ContinuousClock.now
        let stamp = UTCTimestamp.now(fractionDigits: 6)
        let seconds = Int32(configuration.leaseDuration.components.seconds)
        let current: Lease
        do {
            current = try await api.get(
                Lease.self, namespace: configuration.namespace, name: configuration.name)
        } catch .notFound {
            let lease = Lease(
                metadata: ObjectMeta(name: configuration.name, namespace: configuration.namespace),
                spec: LeaseClaim.claiming(
                    nil, identity: configuration.identity, durationSeconds: seconds, now: stamp))
            do {
                let created = try await api.create(lease)
                observation.observe(created.spec, at: .now)
                written = created
                return true
            } catch {
                logger.debug("creating the lease failed", metadata: ["error": "\(error)"])
                return false
            }
        } catch {
            logger.debug("reading the lease failed", metadata: ["error": "\(error)"])
            return false
        }
        observation.observe(current.spec, at: now)
        if observation.isHeld(byOtherThan: configuration.identity, at: now) { return false }
        var claimed = current
        claimed.spec = LeaseClaim.claiming(
            current.spec, identity: configuration.identity, durationSeconds: seconds, now: stamp)
        do {
            let updated = try await api.update(claimed)
            observation.observe(updated.spec, at: .now)
            written = updated
            return true
        } catch {
            logger.debug("writing the lease failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func release() async {
        guard
            let current = try? await api.get(
                Lease.self, namespace: configuration.namespace, name: configuration.name),
            current.spec?.holderIdentity == configuration.identity, let spec = current.spec
        else { return }
        var released = current
        released.spec = LeaseClaim.released(spec, now: UTCTimestamp.now(fractionDigits: 6))
        do {
            _ = try await api.update(released)
            logger.info(
                "leadership released",
                metadata: ["identity": "\(configuration.identity)", "lease": "\(leaseName)"])
        } catch {
            logger.warning(
                "releasing the lease failed; another replica takes it when it expires",
                metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Waiting for a change

    private func stopWatching() {
        watcher?.cancel()
        watcher = nil
        nudged = false
    }

    private func watchLease() async {
        let watcher = ResourceWatcher(
            api: api, Lease.self, namespace: configuration.namespace,
            options: .init(
                watchTimeoutSeconds: 300, initialBackoff: .milliseconds(200), maximumBackoff: .seconds(5)),
            onError: { _ in })
        for await event in watcher {
            switch event {
            case .listed(let leases):
                if leases.contains(where: { $0.metadata.name == configuration.name }) { nudge() }
            case .changed(let change):
                if change.object.metadata.name == configuration.name { nudge() }
            }
        }
    }

    private func nudge() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            nudged = true
        }
    }

    /// Returns when the lease changes, after `atMost`, or on cancellation.
    private func waitForChange(atMost limit: Duration) async {
        if nudged {
            nudged = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            await self?.nudge()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.nudge() }
        }
        timer.cancel()
        nudged = false
    }
}
