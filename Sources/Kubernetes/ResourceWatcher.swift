import JSON

/// What a `ResourceWatcher` reports: a full listing (at the start, and again whenever the watch
/// could not resume), or one change after it.
public enum ResourceWatcherEvent<Object: KubernetesObject>: Sendable {
    /// Every object that exists now; anything known before and absent here is gone.
    case listed([Object])
    /// An added, modified or deleted object. Bookmarks and errors are handled inside.
    case changed(WatchEvent<Object>)
}

/// Lists objects, then watches them from the list's `resourceVersion`, for as long as it is
/// iterated.
///
/// - When a watch ends (the server's timeout) or fails (a transport error, a 5xx), it resumes
///   from the last `resourceVersion` seen, bookmarks included, after a backoff that doubles up
///   to `maximumBackoff` and resets once events flow again.
/// - When the server answers 410 Gone (as an HTTP error or an `ERROR` event), the version is
///   too old: it lists again and reports `.listed`.
/// - Cancelling the iterating task stops it.
///
/// Failures are passed to `onError` (for a log line) and retried; nothing is thrown.
public struct ResourceWatcher<Object: KubernetesObject>: AsyncSequence, Sendable {
    public typealias Element = ResourceWatcherEvent<Object>

    public struct Options: Sendable {
        /// `key=value,...`: only matching objects.
        public var labelSelector: String?
        /// How long one watch call may last before the server ends it and we resume.
        public var watchTimeoutSeconds: Int
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// Objects per list page; nil lists everything in one answer.
        public var listPageSize: Int?

        public init(
            labelSelector: String? = nil, watchTimeoutSeconds: Int = 300,
            initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(30),
            listPageSize: Int? = 500
        ) {
            self.listPageSize = listPageSize
            self.labelSelector = labelSelector
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }
    }

    let api: any KubernetesAPI
    let namespace: String?
    let options: Options
    let onError: @Sendable (KubernetesError) -> Void

    /// `namespace` nil watches every namespace.
    public init(
        api: any KubernetesAPI, _ type: Object.Type = Object.self, namespace: String?,
        options: Options = Options(), onError: @escaping @Sendable (KubernetesError) -> Void = { _ in }
    ) {
        self.api = api
        self.namespace = namespace
        self.options = options
        self.onError = onError
    }

    public func makeAsyncIterator() -> AsyncStream<Element>.Iterator {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .unbounded)
        let task = Task { [self] in
            await run(continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream.makeAsyncIterator()
    }

    /// Every matching object, page by page, and the version the listing is consistent at. An
    /// expired continue token (410) fails the whole listing, which is then started again.
    private func listAll() async throws(KubernetesError) -> ([Object], String) {
        var items: [Object] = []
        var next: String?
        repeat {
            var page = ListOptions(labelSelector: options.labelSelector)
            page.limit = options.listPageSize
            page.continue = next
            let list = try await api.list(Object.self, namespace: namespace, options: page)
            items += list.items
            next = list.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
            if next == nil { return (items, list.metadata.resourceVersion ?? "") }
        } while !Task.isCancelled
        throw .transport("the listing was cancelled")
    }

    private func run(_ continuation: AsyncStream<Element>.Continuation) async {
        var resourceVersion: String?
        var backoff = options.initialBackoff
        func pause() async {
            try? await Task.sleep(for: backoff)
            backoff = Swift.min(backoff * 2, options.maximumBackoff)
        }

        while !Task.isCancelled {
            guard let version = resourceVersion else {
                do {
                    let (items, listed) = try await listAll()
                    continuation.yield(.listed(items))
                    resourceVersion = listed
                    backoff = options.initialBackoff
                } catch {
                    if Task.isCancelled { return }
                    onError(error)
                    await pause()
                }
                continue
            }
            var watch = ListOptions(labelSelector: options.labelSelector, resourceVersion: version)
            watch.allowWatchBookmarks = true
            watch.timeoutSeconds = options.watchTimeoutSeconds
            var received = false
            do {
                for try await event in api.watchEvents(Object.self, namespace: namespace, options: watch) {
                    if let next = event.object.metadata.resourceVersion, !next.isEmpty {
                        resourceVersion = next
                    }
                    received = true
                    backoff = options.initialBackoff
                    if event.type != .bookmark { continuation.yield(.changed(event)) }
                }
                // The server ended the watch: resume at once, unless it keeps ending at once.
                if !received { await pause() }
            } catch let error as KubernetesError {
                if Task.isCancelled { return }
                onError(error)
                if case .gone = error {
                    resourceVersion = nil
                } else {
                    await pause()
                }
            } catch {
                if Task.isCancelled { return }
                onError(.transport("the watch failed: \(error)"))
                await pause()
            }
        }
    }
}
