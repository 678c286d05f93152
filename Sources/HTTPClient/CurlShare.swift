import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A libcurl share handle: the DNS cache and TLS sessions common to all of one client's easy
/// handles. Each transfer has an easy handle of its own, so without the share a new connection
/// would start with a full TLS handshake instead of resuming a session.
///
/// libcurl calls the lock callbacks from the thread attaching a handle as well as from the one
/// running transfers; one mutex per kind of shared data serialises them.
final class CurlShare: @unchecked Sendable {
    // The handle and the mutexes are made in `init`, only read afterwards, and freed in
    // `deinit`; libcurl guards the shared data with the mutexes.
    let handle: UnsafeMutableRawPointer
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private let lockCount = Int(CURL_LOCK_DATA_LAST.rawValue) + 1

    init?() {
        guard let handle = curl_share_init() else { return nil }
        self.handle = handle
        locks = .allocate(capacity: lockCount)
        for index in 0..<lockCount { pthread_mutex_init(locks + index, nil) }
        _ = ccurl_share_setopt_pointer(handle, CURLSHOPT_USERDATA, locks)
        _ = ccurl_share_setopt_lock(handle) { _, data, _, context in
            guard let context else { return }
            pthread_mutex_lock(context.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
        }
        _ = ccurl_share_setopt_unlock(handle) { _, data, context in
            guard let context else { return }
            pthread_mutex_unlock(context.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
        }
        _ = ccurl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
        _ = ccurl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
    }

    /// Only once no easy handle uses the share any more: each easy handle holds the share.
    deinit {
        curl_share_cleanup(handle)
        for index in 0..<lockCount { pthread_mutex_destroy(locks + index) }
        locks.deallocate()
    }
}
