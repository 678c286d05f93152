/// An incremental HTTP/1.x request parser (RFC 9112), strict where leniency enables request
/// smuggling: lines end in CRLF, no obs-fold, no whitespace before a field's colon, one framing.
///
/// Feed bytes with `append`, then call `next()` until it returns nil (more bytes needed). Each
/// request yields `.head` once its line and fields are complete, then `.body` with the whole
/// body (empty when there is none). Any thrown error leaves the parser failed: the connection
/// must answer with the error's status and close. Depends only on the standard library, so it
/// can be fuzzed on its own.
public struct RequestParser: Sendable {
    public struct Limits: Sendable {
        public var maxHeadBytes: Int
        public var maxBodyBytes: Int
        /// Longest chunk-size line, extensions included.
        public var maxChunkLineBytes: Int

        public init(maxHeadBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20, maxChunkLineBytes: Int = 4096)
        {
            self.maxHeadBytes = maxHeadBytes
            self.maxBodyBytes = maxBodyBytes
            self.maxChunkLineBytes = maxChunkLineBytes
        }
    }

    public enum Event: Sendable {
        case head(HTTPRequestHead)
        /// The complete body; the request is complete and the parser moves on to the next one.
        case body([UInt8])
    }

    private enum State: Sendable {
        case head(scanned: Int)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case failed(HTTPParseError)
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state: State = .head(scanned: 0)
    private var body: [UInt8] = []

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes received but not consumed yet (the rest of a pipelined stream, say).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Whether the parser sits between requests with nothing of the next one received.
    public var isIdle: Bool {
        if case .head(let scanned) = state { return scanned == 0 && bufferedByteCount == 0 }
        return false
    }

    /// Whether the parser is reading a request's body (for choosing the body timeout).
    public var isReadingBody: Bool {
        switch state {
        case .head, .failed: return false
        default: return true
        }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4096 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        switch state {
        case .failed(let error):
            throw error
        case .head(let scanned):
            return try parseHead(scanned: scanned)
        case .fixedBody(let remaining):
            guard bufferedByteCount >= remaining else { return nil }
            let bytes = Array(buffer[readIndex..<readIndex + remaining])
            readIndex += remaining
            state = .head(scanned: 0)
            return .body(bytes)
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return try parseChunked()
        }
    }

    // MARK: - Head

    private mutating func parseHead(scanned: Int) throws(HTTPParseError) -> Event? {
        // RFC 9112 §2.2: ignore empty lines before the request line, however the packets split them.
        if scanned == 0 {
            while bufferedByteCount >= 2, buffer[readIndex] == 13, buffer[readIndex + 1] == 10 {
                readIndex += 2
            }
            if bufferedByteCount == 1 {
                if buffer[readIndex] == 10 { throw .bareLineFeed }
                // A lone CR may be the first half of an empty line: wait for its LF.
                if buffer[readIndex] == 13 { return nil }
            }
        }
        let start = readIndex
        var index = start + scanned
        var headEnd: Int?
        while index < buffer.count {
            if buffer[index] == 10 {
                guard index > start, buffer[index - 1] == 13 else { throw .bareLineFeed }
                // An empty line (CRLF right after the previous line's LF) ends the head.
                if index - start >= 3, buffer[index - 2] == 10 {
                    headEnd = index + 1
                    break
                }
            }
            index += 1
            if index - start > limits.maxHeadBytes { throw .headTooLarge(limit: limits.maxHeadBytes) }
        }
        guard let headEnd else {
            state = .head(scanned: index - start)
            return nil
        }
        let head = try buffer.withUnsafeBufferPointer { all throws(HTTPParseError) in
            try HeadParser.parse(UnsafeBufferPointer(rebasing: all[start..<headEnd - 2]))
        }
        readIndex = headEnd
        let framing = try BodyFraming(head: head, maxBodyBytes: limits.maxBodyBytes)
        var result = head
        switch framing {
        case .none:
            result.hasBody = false
            state = .fixedBody(remaining: 0)
        case .length(let length):
            result.hasBody = length > 0
            state = .fixedBody(remaining: length)
        case .chunked:
            result.hasBody = true
            body = []
            state = .chunkSize
        }
        return .head(result)
    }

    // MARK: - Chunked body (RFC 9112 §7.1)

    private mutating func parseChunked() throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .chunkSize:
                guard let line = try takeLine(limit: limits.maxChunkLineBytes, what: "chunk size line") else {
                    return nil
                }
                let size = try Self.chunkSize(line)
                if size == 0 {
                    state = .trailers(bytes: 0)
                } else {
                    guard size <= limits.maxBodyBytes - body.count else {
                        throw .bodyTooLarge(limit: limits.maxBodyBytes)
                    }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, bufferedByteCount)
                guard available > 0 else { return nil }
                body.append(contentsOf: buffer[readIndex..<readIndex + available])
                readIndex += available
                state = available == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[readIndex] == 13, buffer[readIndex + 1] == 10 else {
                    throw .malformedChunk("chunk data is not followed by CRLF")
                }
                readIndex += 2
                state = .chunkSize
            case .trailers(let bytes):
                let remainingAllowance = limits.maxHeadBytes - bytes
                guard let line = try takeLine(limit: remainingAllowance, what: "trailer section") else {
                    return nil
                }
                if line.isEmpty {
                    state = .head(scanned: 0)
                    let complete = body
                    body = []
                    return .body(complete)
                }
                // Trailer fields are read and dropped: nothing we serve depends on them.
                guard line.contains(UInt8(ascii: ":")), line.first != 32, line.first != 9 else {
                    throw .malformedChunk("malformed trailer field")
                }
                state = .trailers(bytes: bytes + line.count + 2)
            case .head, .fixedBody, .failed:
                return try step()
            }
        }
    }

    /// The next CRLF-terminated line without its CRLF, or nil when it has not fully arrived.
    private mutating func takeLine(limit: Int, what: String) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        var index = readIndex
        while index < buffer.count {
            if buffer[index] == 10 {
                guard index > readIndex, buffer[index - 1] == 13 else { throw .bareLineFeed }
                let line = buffer[readIndex..<index - 1]
                readIndex = index + 1
                return line
            }
            index += 1
            if index - readIndex > limit {
                if what == "trailer section" { throw .headTooLarge(limit: limits.maxHeadBytes) }
                throw .malformedChunk("\(what) longer than \(limit) bytes")
            }
        }
        return nil
    }

    /// `chunk-size [ chunk-ext ]`: hex digits, then optionally whitespace and `;` extensions.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexValue(line[index]) {
            guard digits < 15 else { throw .malformedChunk("chunk size is too large") }
            size = size * 16 + digit
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .malformedChunk("missing chunk size") }
        while index < line.endIndex, line[index] == 32 || line[index] == 9 { index += 1 }
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else {
            throw .malformedChunk("unexpected characters after the chunk size")
        }
        for byte in line[index...] where byte < 32 && byte != 9 || byte == 127 {
            throw .malformedChunk("control character in a chunk extension")
        }
        return size
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: return Int(byte - 48)
        case 65...70: return Int(byte - 55)
        case 97...102: return Int(byte - 87)
        default: return nil
        }
    }
}
