import CCurl

/// The project's one HTTP client, over libcurl: HTTP/1.1 or HTTP/2 (negotiated by ALPN), TLS
/// through OpenSSL, connections kept and reused between calls. The Kubernetes and Cruise
/// Control clients are built on it; each adds its own paths, authentication, error decoding
/// and retry rules.
///
/// Every call and stream is one libcurl transfer on the client's own thread (`CurlMulti`), so
/// Swift's cooperative threads never block on I/O, and an idle client, open streams included,
/// does not wake. DNS and TLS sessions are shared between transfers, so even a new connection
/// resumes its TLS session. `execute` makes one attempt; `RetryPolicy.run` retries.
public final class CurlHTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let share: CurlShare?
    private let transfers: CurlMulti
    private let limiter: TransferLimiter

    /// Nil only when libcurl cannot make its multi handle.
    public init?(configuration: HTTPClientConfiguration) {
        guard let transfers = CurlMulti(maxIdleConnections: configuration.maxIdleConnections) else {
            return nil
        }
        self.configuration = configuration
        self.transfers = transfers
        share = CurlShare()
        limiter = TransferLimiter(limit: configuration.maxConcurrentRequests)
    }

    /// The transfer thread's kernel id, for tests that count its wake-ups.
    package var threadID: Int32 { transfers.threadID }

    /// Sends `request` once, when fewer than `maxConcurrentRequests` calls are in flight, and
    /// collects the answer, whatever its status. Cancelling the calling task ends the transfer
    /// (closing its connection) and fails it as `.cancelled`.
    public func execute(_ request: HTTPClientRequest) async -> Result<HTTPClientResponse, HTTPTransferError> {
        await limiter.acquire()
        let outcome = await executeNow(request)
        await limiter.release()
        return outcome
    }

    private func executeNow(_ request: HTTPClientRequest) async -> Result<
        HTTPClientResponse, HTTPTransferError
    > {
        guard let handle = CurlEasyHandle(request, settings: configuration, share: share) else {
            return .failure(
                HTTPTransferError(
                    code: CURLE_FAILED_INIT, message: "libcurl could not make a handle", requestSent: false))
        }
        let control = transfers.makeControl()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfers.start(handle, control: control) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// A control for one stream: `cancel()` ends it at once, closing an HTTP/1.1 connection.
    public func makeControl() -> TransferControl { transfers.makeControl() }

    /// Starts a transfer whose 2xx body is cut into newline-delimited records handed to `onLine`
    /// as they arrive (line ends removed, empty lines dropped), on the client's thread: `onLine`
    /// must not block. A non-2xx body is collected instead. `completion` gets the outcome once
    /// the transfer ends (a cancelled one included); streams do not wait for the call limit.
    public func stream(
        _ request: HTTPClientRequest, control: TransferControl, onLine: @escaping @Sendable ([UInt8]) -> Void,
        completion: @escaping @Sendable (Result<HTTPClientResponse, HTTPTransferError>) -> Void
    ) {
        guard let handle = CurlEasyHandle(request, settings: configuration, share: share, onLine: onLine)
        else {
            completion(
                .failure(
                    HTTPTransferError(
                        code: CURLE_FAILED_INIT, message: "libcurl could not make a handle",
                        requestSent: false)))
            return
        }
        transfers.start(handle, control: control, completion: completion)
    }
}
