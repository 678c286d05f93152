/// A connected, blocking-with-deadline byte stream to one broker: plain TCP or TLS over it.
/// Used from one thread at a time (the owning connection's queue).
protocol ByteStream: AnyObject {
    var address: BrokerAddress { get }
    func write(_ bytes: [UInt8], deadline: Deadline, operation: String) throws
    /// Reads up to `maximum` bytes, waiting until at least one is available.
    func readSome(maximum: Int, deadline: Deadline, operation: String) throws -> [UInt8]
    func close()
}

extension ByteStream {
    /// Reads exactly `count` bytes in bounded chunks, so a peer that announces a large frame and
    /// then stalls costs no more memory than it actually sent.
    func read(exactly count: Int, deadline: Deadline, operation: String) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 64 * 1024))
        while result.count < count {
            let chunk = try readSome(
                maximum: min(count - result.count, 64 * 1024), deadline: deadline, operation: operation)
            result.append(contentsOf: chunk)
        }
        return result
    }
}
