import AddressResolution
import Dispatch
import KafkaProtocol

/// One open connection to one broker: TCP (and TLS), the negotiated API versions, SASL, and
/// request/response round trips matched by correlation id.
///
/// All socket work runs on the connection's own serial queue, so blocking poll() waits never
/// occupy the Swift concurrency pool and two callers can never interleave frames on the socket.
final class BrokerConnection: @unchecked Sendable {
    // `stream`, `nextCorrelationId` and `apiVersions` are only touched on `queue`.
    let address: BrokerAddress
    private let options: KafkaAdminOptions
    private let queue: DispatchQueue
    private var stream: (any ByteStream)?
    private var nextCorrelationId: Int32 = 1
    private var apiVersions = ApiVersionsResponse(errorCode: 0, apiKeys: [], throttleTimeMs: 0)

    private init(address: BrokerAddress, options: KafkaAdminOptions) {
        self.address = address
        self.options = options
        self.queue = DispatchQueue(label: "kafka-admin.connection.\(address)")
    }

    /// Connects, negotiates versions through ApiVersions and authenticates when SASL is
    /// configured; every step ends by its own timeout and by `deadline`, the call's.
    static func open(
        to address: BrokerAddress, options: KafkaAdminOptions,
        deadline: Deadline? = CallBudget.current?.deadline
    )
        async throws -> BrokerConnection
    {
        let connection = BrokerConnection(address: address, options: options)
        try await connection.onQueue { try connection.establish(within: deadline) }
        return connection
    }

    /// The broker's supported range for `key`.
    func brokerRange(for key: ApiKey) async -> ClosedRange<Int16>? {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.apiVersions.range(for: key)) }
        }
    }

    /// The version `send` uses for `Request`.
    func version<Request: KafkaRequest>(for type: Request.Type) async throws -> Int16 {
        try await onQueue { try self.negotiatedVersion(type) }
    }

    /// Sends `request` at the highest version both sides implement and returns its response,
    /// within the request timeout and the call's `deadline`.
    func send<Request: KafkaRequest>(
        _ request: Request, deadline: Deadline? = CallBudget.current?.deadline
    ) async throws
        -> Request.Response
    {
        try await onQueue {
            let version = try self.negotiatedVersion(Request.self)
            return try self.roundTrip(request, version: version, within: deadline)
        }
    }

    func close() {
        queue.async {
            self.stream?.close()
            self.stream = nil
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    // MARK: - On the queue

    private func establish(within outer: Deadline?) throws {
        let lookup = options.nameResolver
        let addresses = options.addressResolver
        let socket = try SocketStream.connect(
            to: address, deadline: Deadline(after: options.connectTimeout, within: outer),
            resolver: { host, port in
                let target = addresses.resolve(ServiceAddress(host: host, port: port))
                return lookup(target.host, target.port)
            })
        if let tls = options.tls {
            stream = try TLSStream.handshake(
                over: socket, options: tls, deadline: Deadline(after: options.connectTimeout, within: outer))
        } else {
            stream = socket
        }
        try negotiateVersions(within: outer)
        if let sasl = options.sasl { try authenticate(sasl, within: outer) }
    }

    private func negotiateVersions(within outer: Deadline?) throws {
        var response = try apiVersionsRoundTrip(
            version: ApiVersionsRequest.supportedVersions.upperBound, within: outer)
        if response.errorCode == KafkaErrorCode.unsupportedVersion {
            // The broker answered with its own ApiVersions range; ask again in a version it has.
            let theirs = response.range(for: .apiVersions)
            guard let theirs, let version = Self.highestCommon(ApiVersionsRequest.supportedVersions, theirs)
            else {
                throw KafkaAdminError.noCommonVersion(
                    broker: address, api: .apiVersions, ours: ApiVersionsRequest.supportedVersions,
                    theirs: theirs)
            }
            response = try apiVersionsRoundTrip(version: version, within: outer)
        }
        guard response.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.brokerError(
                api: .apiVersions, code: response.errorCode, message: nil, resource: nil)
        }
        apiVersions = response
    }

    /// A broker that does not know the ApiVersions version we sent answers UNSUPPORTED_VERSION
    /// with a v0 body, whatever version was asked; such an answer is accepted in v0 form.
    private func apiVersionsRoundTrip(version: Int16, within outer: Deadline?) throws -> ApiVersionsResponse {
        try roundTrip(ApiVersionsRequest(), version: version, within: outer) { payload in
            do {
                return try KafkaFrame.decodeResponse(
                    ApiVersionsRequest.self, version: version, payload: payload)
            } catch let error as KafkaCodecError {
                guard
                    let v0 = try? KafkaFrame.decodeResponse(
                        ApiVersionsRequest.self, version: 0, payload: payload),
                    v0.response.errorCode == KafkaErrorCode.unsupportedVersion
                else { throw error }
                return v0
            }
        }
    }

    private func authenticate(_ credentials: SASLCredentials, within outer: Deadline?) throws {
        let mechanism = credentials.mechanism.rawValue
        let handshake = try roundTrip(
            SaslHandshakeRequest(mechanism: mechanism),
            version: try negotiatedVersion(SaslHandshakeRequest.self), within: outer)
        guard handshake.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.saslFailed(
                broker: address, mechanism: mechanism,
                reason: "\(KafkaErrorCode.name(handshake.errorCode)); the broker offers "
                    + handshake.mechanisms.joined(separator: ", "))
        }
        var exchange = SASLExchange(credentials: credentials)
        var challenge: [UInt8]? = nil
        while let message = try exchange.next(challenge: challenge, broker: address) {
            let response = try roundTrip(
                SaslAuthenticateRequest(authBytes: message),
                version: try negotiatedVersion(SaslAuthenticateRequest.self), within: outer)
            guard response.errorCode == KafkaErrorCode.none else {
                throw KafkaAdminError.saslFailed(
                    broker: address, mechanism: mechanism,
                    reason: response.errorMessage ?? KafkaErrorCode.name(response.errorCode))
            }
            challenge = response.authBytes
        }
    }

    private func negotiatedVersion<Request: KafkaRequest>(_ type: Request.Type) throws -> Int16 {
        var ours = Request.supportedVersions
        if let cap = options.versionCaps[Request.apiKey] {
            ours = ours.lowerBound...max(ours.lowerBound, min(cap, ours.upperBound))
        }
        let theirs = apiVersions.range(for: Request.apiKey)
        guard let theirs, let version = Self.highestCommon(ours, theirs) else {
            throw KafkaAdminError.noCommonVersion(
                broker: address, api: Request.apiKey, ours: ours, theirs: theirs)
        }
        return version
    }

    static func highestCommon(_ ours: ClosedRange<Int16>, _ theirs: ClosedRange<Int16>) -> Int16? {
        let low = max(ours.lowerBound, theirs.lowerBound)
        let high = min(ours.upperBound, theirs.upperBound)
        return low <= high ? high : nil
    }

    private func roundTrip<Request: KafkaRequest>(
        _ request: Request, version: Int16, within outer: Deadline?,
        decode: (([UInt8]) throws -> (correlationId: Int32, response: Request.Response))? = nil
    ) throws -> Request.Response {
        guard let stream else { throw KafkaAdminError.connectionClosed(broker: address) }
        let correlationId = nextCorrelationId
        nextCorrelationId = nextCorrelationId == Int32.max ? 1 : nextCorrelationId + 1
        let operation = "\(Request.apiKey) v\(version)"
        do {
            let frame: [UInt8]
            do {
                frame = try KafkaFrame.encodeRequest(
                    request, version: version, correlationId: correlationId, clientId: options.clientId)
            } catch let error as KafkaCodecError {
                throw KafkaAdminError.malformedResponse(broker: address, api: Request.apiKey, problem: error)
            }
            let deadline = Deadline(after: options.requestTimeout, within: outer)
            try stream.write(frame, deadline: deadline, operation: operation)
            let prefix = try stream.read(exactly: 4, deadline: deadline, operation: operation)
            let payload: [UInt8]
            let decoded: (correlationId: Int32, response: Request.Response)
            do {
                let size = try KafkaFrame.responseSize(prefix: prefix, limit: options.maximumResponseSize)
                payload = try stream.read(exactly: size, deadline: deadline, operation: operation)
                decoded =
                    try decode?(payload)
                    ?? KafkaFrame.decodeResponse(Request.self, version: version, payload: payload)
            } catch let error as KafkaCodecError {
                throw KafkaAdminError.malformedResponse(broker: address, api: Request.apiKey, problem: error)
            }
            guard decoded.correlationId == correlationId else {
                throw KafkaAdminError.correlationMismatch(
                    broker: address, expected: correlationId, received: decoded.correlationId)
            }
            return decoded.response
        } catch {
            // After any failure the stream may sit mid-frame; never reuse it.
            stream.close()
            self.stream = nil
            throw error
        }
    }
}
