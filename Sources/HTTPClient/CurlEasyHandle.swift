import CCurl

/// libcurl's process-wide setup, run once before the first handle is made.
let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// One libcurl easy handle set up for one request, and what arrives for it.
///
/// Made on the caller's thread, then handed to a `CurlMulti`, whose thread alone touches it
/// (callbacks included) until the transfer ends; the multi's lock orders the hand-over.
/// Connections, DNS and TLS session caches outlive the handle: they belong to the multi handle
/// and the `CurlShare`.
final class CurlEasyHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// Ends the transfer when no byte arrives for this long.
    let idleTimeout: Duration?
    private let maxResponseBytes: Int?
    /// Set when the body passed `maxResponseBytes`: the transfer was ended for it.
    private var overflowed = false
    /// When a byte last arrived, or the transfer started.
    private var lastReceived = ContinuousClock.now
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>?] = []
    /// Held so that the share outlives every handle attached to it: `deinit` cleans the easy
    /// handle up before this reference goes.
    private let share: CurlShare?
    private let onLine: (@Sendable ([UInt8]) -> Void)?
    private var body: [UInt8] = []
    private var streaming: Bool?
    private var splitter = LineSplitter()

    /// Nil only when libcurl cannot make a handle. With `onLine`, a 2xx body is cut into lines
    /// handed over as they arrive instead of being collected.
    init?(
        _ request: HTTPClientRequest, settings: HTTPClientConfiguration, share: CurlShare?,
        onLine: (@Sendable ([UInt8]) -> Void)? = nil
    ) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.share = share
        self.onLine = onLine
        idleTimeout = request.idleTimeout
        maxResponseBytes = request.maxResponseBytes
        errorBuffer = .allocate(capacity: Int(ccurl_error_size()))
        errorBuffer[0] = 0
        configure(request, settings: settings)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// When the transfer is to be ended for silence; nil for never.
    var idleDeadline: ContinuousClock.Instant? { idleTimeout.map { lastReceived + $0 } }

    /// Starts the idle clock: called as the transfer starts.
    func markStarted(at now: ContinuousClock.Instant) { lastReceived = now }

    /// The transfer's outcome once libcurl reports it done with `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPClientResponse, HTTPTransferError> {
        if overflowed || code == CURLE_FILESIZE_EXCEEDED, let limit = maxResponseBytes {
            var failure = failure(code, "the answer is longer than \(limit) bytes")
            failure.reason = .responseTooLarge(limit: limit)
            return .failure(failure)
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failure(
                failure(code, detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        if streaming == true, let onLine, let rest = splitter.finish() { onLine(rest) }
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPClientResponse(status: status, headers: responseHeaders(), body: body))
    }

    /// A failure of this transfer, ended by libcurl or by its owner (cancelled, idle).
    func failure(_ code: CURLcode, _ message: String) -> HTTPTransferError {
        var sent = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &sent)
        return HTTPTransferError(code: code, message: message, requestSent: sent > 0)
    }

    /// Takes what arrived; false ends the transfer (the body passed its bound).
    private func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastReceived = .now
        if streaming == nil {
            var code = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            streaming = onLine != nil && (200..<300).contains(code)
        }
        if streaming == true, let onLine {
            for line in splitter.feed(bytes) { onLine(line) }
        } else {
            if let maxResponseBytes, body.count + bytes.count > maxResponseBytes {
                overflowed = true
                return false
            }
            body.append(contentsOf: bytes)
        }
        return true
    }

    private func configure(_ request: HTTPClientRequest, settings: HTTPClientConfiguration) {
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
        if settings.maxIdleConnections <= 0 { setLong(CURLOPT_FORBID_REUSE, 1) }
        if request.freshConnection { setLong(CURLOPT_FRESH_CONNECT, 1) }
        if let maxResponseBytes = request.maxResponseBytes {
            // Refuses at once an answer whose Content-Length already says it is too long.
            _ = ccurl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes))
        }

        switch request.method {
        case "GET" where request.body == nil: setLong(CURLOPT_HTTPGET, 1)
        case "HEAD": setLong(CURLOPT_NOBODY, 1)
        default: setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
        let body = request.body ?? (["POST", "PUT", "PATCH"].contains(request.method) ? [] : nil)
        if let body {
            // libcurl keeps its own copy, so the array may go once this returns.
            _ = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                _ = ccurl_easy_setopt_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)))
            }
        }

        var headers: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            headers = curl_slist_append(headers, "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before a large body.
        headers = curl_slist_append(headers, "Expect:")
        lists.append(headers)
        _ = ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)

        let tls = settings.tls
        if let ca = tls.certificateAuthority { setBlob(CURLOPT_CAINFO_BLOB, ca) }
        if let certificate = tls.clientCertificate {
            setBlob(CURLOPT_SSLCERT_BLOB, certificate)
            setString(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = tls.clientKey {
            setBlob(CURLOPT_SSLKEY_BLOB, key)
            setString(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if tls.insecureSkipVerify {
            setLong(CURLOPT_SSL_VERIFYPEER, 0)
            setLong(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let route = settings.route {
            let list = curl_slist_append(nil, route.curlEntry)
            lists.append(list)
            _ = ccurl_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, list)
        }

        _ = ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let context else { return 0 }
            let length = size * count
            guard let buffer else { return length }
            let taken = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
                .receive(UnsafeRawBufferPointer(start: buffer, count: length))
            // Less than offered makes libcurl end the transfer (CURLE_WRITE_ERROR).
            return taken ? length : 0
        }
        // Unretained: the multi holds the handle for as long as libcurl may call back.
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The header fields of the last answer (after any 1xx), as libcurl kept them.
    private func responseHeaders() -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        var previous: UnsafeMutablePointer<curl_header>?
        while let field = curl_easy_nextheader(handle, UInt32(CURLH_HEADER), -1, previous) {
            fields.append((String(cString: field.pointee.name), String(cString: field.pointee.value)))
            previous = field
        }
        return fields
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
