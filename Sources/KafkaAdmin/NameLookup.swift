import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One socket address a host name resolved to, copied out of getaddrinfo's list.
struct ResolvedAddress: Sendable, Equatable {
    let family: Int32
    let socketType: Int32
    let protocolNumber: Int32
    /// The `sockaddr` itself.
    let bytes: [UInt8]
}

/// Name lookup bounded by a deadline. getaddrinfo cannot be interrupted and may wait for a slow
/// DNS server far longer than any timeout of ours, so it runs on another thread and the caller
/// stops waiting at the deadline; a late answer is dropped by that thread.
enum NameLookup {
    /// A blocking resolver: the system's getaddrinfo, or a stand-in in tests.
    typealias Resolver = @Sendable (_ host: String, _ port: UInt16) -> Result<[ResolvedAddress], Failure>

    /// Why a name did not resolve, in getaddrinfo's words.
    struct Failure: Error, Sendable {
        let reason: String
    }

    static func resolve(
        _ address: BrokerAddress, deadline: Deadline, using resolver: @escaping Resolver = system
    ) throws(KafkaAdminError) -> [ResolvedAddress] {
        let waitMilliseconds = Int(deadline.remainingMilliseconds)
        guard waitMilliseconds > 0 else {
            throw .timedOut(broker: address, operation: "name lookup")
        }
        let answer = Answer()
        DispatchQueue.global().async {
            let result = resolver(address.host, address.port)
            answer.result.withLock { $0 = result }
            answer.ready.signal()
        }
        guard answer.ready.wait(timeout: .now() + .milliseconds(waitMilliseconds)) == .success else {
            throw .timedOut(broker: address, operation: "name lookup")
        }
        switch answer.result.withLock({ $0 }) {
        case .success(let addresses) where !addresses.isEmpty: return addresses
        case .success: throw .addressResolutionFailed(broker: address, reason: "no addresses")
        case .failure(let failure): throw .addressResolutionFailed(broker: address, reason: failure.reason)
        case nil: throw .addressResolutionFailed(broker: address, reason: "no answer")
        }
    }

    /// Where the lookup thread leaves its answer; shared with a thread that may outlive the wait.
    private final class Answer: Sendable {
        let result = Mutex<Result<[ResolvedAddress], Failure>?>(nil)
        let ready = DispatchSemaphore(value: 0)
    }

    /// getaddrinfo for TCP, every family.
    static let system: Resolver = { host, port in
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { return .failure(Failure(reason: String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var entry = list
        while let info = entry {
            entry = info.pointee.ai_next
            guard let socketAddress = info.pointee.ai_addr else { continue }
            let bytes = [UInt8](
                UnsafeRawBufferPointer(start: socketAddress, count: Int(info.pointee.ai_addrlen)))
            addresses.append(
                ResolvedAddress(
                    family: info.pointee.ai_family, socketType: info.pointee.ai_socktype,
                    protocolNumber: info.pointee.ai_protocol, bytes: bytes))
        }
        return .success(addresses)
    }
}
