import CCurl
import Synchronization

/// libcurl's process-wide setup, run once before the first handle is made.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// One transfer for a `CurlEasyHandle` to perform.
struct CurlRequest: Sendable {
    var url: String
    var method: String
    var headers: [String]
    var body: [UInt8]?
    /// The bound on the whole transfer; nil for none (a watch).
    var timeout: Duration?
    /// Ends the transfer when no byte arrives for this long.
    var idleTimeout: Duration?
}

/// A complete answer, whatever its status code.
struct CurlResponse: Sendable {
    var code: Int
    var body: [UInt8]
    /// `Retry-After` in seconds, when the server sent it in that form.
    var retryAfterSeconds: Int?

    var isSuccess: Bool { (200..<300).contains(code) }
}

/// A transfer that got no complete answer.
struct CurlFailure: Error, Sendable {
    var code: CURLcode
    var message: String
    /// Whether any byte of the request went out; when not, even a POST may be sent again.
    var requestSent: Bool

    var wasCancelled: Bool { code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_WRITE_ERROR }

    /// Failures of the connection rather than of the configuration: worth another attempt.
    var isConnectionFailure: Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return true
        default:
            return false
        }
    }
}

/// The TLS and routing settings every transfer of one client shares.
struct CurlConnectionSettings: Sendable {
    var certificateAuthority: [UInt8]?
    var clientCertificate: [UInt8]?
    var clientKey: [UInt8]?
    var insecureSkipTLSVerify: Bool
    /// `host:port:connect-host:connect-port`, for a TLS server name other than the URL's host.
    var connectTo: String?
    var connectTimeout: Duration
}

/// Asks a running transfer to stop: checked by libcurl's progress and write callbacks.
final class TransferControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    func cancel() { cancelled.store(true, ordering: .relaxed) }
}

/// Where a transfer's callbacks put what arrives. Lives for one `perform` and is touched only
/// by the thread running it.
private final class TransferSink {
    let handle: UnsafeMutableRawPointer
    let control: TransferControl
    let onLine: (([UInt8]) -> Void)?
    var body: [UInt8] = []
    var streaming: Bool?
    var splitter = LineSplitter()

    init(handle: UnsafeMutableRawPointer, control: TransferControl, onLine: (([UInt8]) -> Void)?) {
        self.handle = handle
        self.control = control
        self.onLine = onLine
    }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        if streaming == nil {
            var code = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            streaming = onLine != nil && (200..<300).contains(code)
        }
        if streaming == true, let onLine {
            for line in splitter.feed(bytes) { onLine(line) }
        } else {
            body.append(contentsOf: bytes)
        }
    }

    func finish() {
        if streaming == true, let onLine, let rest = splitter.finish() { onLine(rest) }
    }
}

/// One libcurl easy handle. libcurl keeps the handle's connections (and DNS and TLS session
/// caches) across `curl_easy_reset`, so a handle reused from the pool reuses its connection.
///
/// Not thread-safe: a handle is used by one thread at a time, handed over through
/// `CurlHandlePool`, whose lock orders the hand-over.
final class CurlEasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Held so that the share outlives every handle attached to it: `deinit` cleans the easy
    /// handle up before this reference goes.
    private let share: CurlShare?

    init?(share: CurlShare?) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.share = share
        errorBuffer = .allocate(capacity: Int(ccurl_error_size()))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Performs `request` to completion on the calling thread. With `onLine`, a 2xx body is
    /// cut into lines handed over as they arrive instead of being collected.
    func perform(
        _ request: CurlRequest, settings: CurlConnectionSettings, control: TransferControl,
        onLine: (([UInt8]) -> Void)? = nil
    ) -> Result<CurlResponse, CurlFailure> {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let sink = TransferSink(handle: handle, control: control, onLine: onLine)
        var lists: [UnsafeMutablePointer<curl_slist>?] = []
        defer { for list in lists { curl_slist_free_all(list) } }

        setLong(CURLOPT_NOSIGNAL, 1)
        if let share { _ = ccurl_easy_setopt_share(handle, share.handle) }
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        setString(CURLOPT_URL, request.url)
        setLong(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        setString(CURLOPT_ACCEPT_ENCODING, "")
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_TCP_KEEPIDLE, 30)
        setLong(CURLOPT_TCP_KEEPINTVL, 15)
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
        setLong(CURLOPT_TIMEOUT_MS, request.timeout.map(Self.milliseconds) ?? 0)
        if let idle = request.idleTimeout {
            setLong(CURLOPT_LOW_SPEED_LIMIT, 1)
            setLong(CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(idle) / 1000))
        }

        switch request.method {
        case "GET" where request.body == nil: setLong(CURLOPT_HTTPGET, 1)
        case "HEAD": setLong(CURLOPT_NOBODY, 1)
        default: setString(CURLOPT_CUSTOMREQUEST, request.method)
        }

        var headers: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headers = curl_slist_append(headers, header) }
        // No `Expect: 100-continue` round trip before a large body.
        headers = curl_slist_append(headers, "Expect:")
        lists.append(headers)
        _ = ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)

        if let ca = settings.certificateAuthority { setBlob(CURLOPT_CAINFO_BLOB, ca) }
        if let certificate = settings.clientCertificate {
            setBlob(CURLOPT_SSLCERT_BLOB, certificate)
            setString(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = settings.clientKey {
            setBlob(CURLOPT_SSLKEY_BLOB, key)
            setString(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if settings.insecureSkipTLSVerify {
            setLong(CURLOPT_SSL_VERIFYPEER, 0)
            setLong(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let connectTo = settings.connectTo {
            let list = curl_slist_append(nil, connectTo)
            lists.append(list)
            _ = ccurl_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, list)
        }

        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let context else { return 0 }
            let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
            if sink.control.isCancelled { return 0 }
            let length = size * count
            if let buffer { sink.receive(UnsafeRawBufferPointer(start: buffer, count: length)) }
            return length
        }
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        setLong(CURLOPT_NOPROGRESS, 0)
        _ = ccurl_easy_setopt_xferinfo_callback(handle) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue().control.isCancelled
                ? 1 : 0
        }
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)

        let result: CURLcode = withExtendedLifetime(sink) {
            guard let body = request.body else {
                if ["POST", "PUT", "PATCH"].contains(request.method) {
                    _ = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0)
                    setString(CURLOPT_COPYPOSTFIELDS, "")
                }
                return curl_easy_perform(handle)
            }
            // libcurl reads POSTFIELDS in place during the transfer, so the bytes stay pinned.
            return body.withUnsafeBytes { bytes in
                _ = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                _ = ccurl_easy_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)))
                return curl_easy_perform(handle)
            }
        }
        guard result == CURLE_OK else {
            var sent = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &sent)
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
            return .failure(CurlFailure(code: result, message: message, requestSent: sent > 0))
        }
        sink.finish()
        var code = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return .success(CurlResponse(code: code, body: sink.body, retryAfterSeconds: retryAfterSeconds()))
    }

    private func retryAfterSeconds() -> Int? {
        var header: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(handle, "Retry-After", 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
            let value = header?.pointee.value
        else { return nil }
        // The HTTP-date form is not used by the API server; only seconds are read.
        return Int(String(cString: value).filter { !$0.isWhitespace }).map { max(0, $0) }
    }

    private func setLong(_ option: CURLoption, _ value: Int) {
        _ = ccurl_easy_setopt_long(handle, option, value)
    }

    private func setString(_ option: CURLoption, _ value: String) {
        _ = ccurl_easy_setopt_string(handle, option, value)
    }

    private func setBlob(_ option: CURLoption, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { ccurl_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Idle easy handles, and so idle connections, kept for the next transfer.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let capacity: Int
    let share: CurlShare?

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        share = CurlShare()
    }

    /// An idle handle, or a new one; nil only when libcurl cannot make one.
    func take() -> CurlEasyHandle? {
        idle.withLock { $0.popLast() } ?? CurlEasyHandle(share: share)
    }

    /// A handle of its own for a long transfer (a watch), sharing DNS and TLS sessions.
    func makeDedicated() -> CurlEasyHandle? { CurlEasyHandle(share: share) }

    /// Keeps `handle` for reuse, unless the pool is full.
    func give(_ handle: CurlEasyHandle) {
        idle.withLock { handles in
            if handles.count < capacity { handles.append(handle) }
        }
    }
}
