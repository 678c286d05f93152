// libFuzzer entry for the HTTP connection state machine; built by scripts/fuzz-connection.
//
// The input is a script: opcodes interleaving arbitrary bytes from the client (several
// pipelined requests, chunked bodies, split anywhere) with what else happens to a connection:
// the client reading or not, handlers answering late, time passing, the peer half-closing,
// shutdown. The invariants are the server's promises to a hostile client: bounded buffers,
// no request answered twice or out of order, nothing after close, and progress without
// recursion.

@_cdecl("LLVMFuzzerTestOneInput")
public func connectionFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var script = FuzzScript(Array(UnsafeBufferPointer(start: data, count: size)))
    var limits = ConnectionStateMachine.Limits()
    limits.maxHeadBytes = 512
    limits.maxBodyBytes = 1024
    limits.maxPipelinedBytes = 256
    limits.maxOutputBacklog = 512
    limits.maxStreamBacklog = 2048
    limits.canLinger = script.next() & 1 == 0
    var harness = FuzzHarness(machine: ConnectionStateMachine(limits: limits, now: 0))
    while let opcode = script.nextOrNil() {
        switch opcode {
        case 0..<160:
            let count = Int(opcode % 32) + 1
            let bytes = script.take(count)
            guard !bytes.isEmpty else { break }
            // A real shell reads only while the machine wants input.
            guard harness.machine.wantsInput else { break }
            harness.perform(bytes.withUnsafeBytes { harness.machine.received($0, now: harness.now) })
        case 160..<176:
            harness.clientReads.toggle()
            if harness.clientReads {
                harness.machine.writeUnblocked()
                harness.perform(nil)
            }
        case 176..<200:
            harness.answerOne(streaming: opcode >= 196)
        case 200..<216:
            harness.perform(harness.machine.streamChunk(Array(repeating: opcode, count: Int(opcode))))
        case 216..<224:
            harness.perform(harness.machine.streamEnded(now: harness.now))
        case 224..<244:
            harness.now += UInt64(opcode - 223) * 1_000_000_000
            if let deadline = harness.machine.nextDeadline, deadline <= harness.now {
                harness.perform(
                    harness.machine.deadlinePassed(now: harness.now, transportReady: opcode & 1 == 0))
            }
        case 244..<250:
            harness.perform(harness.machine.peerClosedInput())
        default:
            harness.perform(harness.machine.beginShutdown())
        }
        harness.checkInvariants()
    }
    return 0
}

struct FuzzScript {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> UInt8 { nextOrNil() ?? 0 }

    mutating func nextOrNil() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, index + count)
        defer { index = end }
        return Array(bytes[index..<end])
    }
}

/// Plays the server's shell, as `Connection` does, minus the socket.
struct FuzzHarness {
    var machine: ConnectionStateMachine
    var now: UInt64 = 0
    var clientReads = true
    var pending = 0
    var dispatched = 0
    var answered = 0
    var closed = false
    var streaming = false

    mutating func answerOne(streaming stream: Bool) {
        guard pending > 0 else { return }
        pending -= 1
        answered += 1
        if stream {
            let (body, _) = AsyncStream<[UInt8]>.makeStream()
            perform(machine.responseReady(HTTPResponse(status: .ok, bodyStream: body), now: now))
        } else {
            perform(
                machine.responseReady(
                    HTTPResponse(status: .ok, body: Array(repeating: 65, count: 100)), now: now))
        }
    }

    mutating func perform(_ first: ConnectionStateMachine.Command?) {
        var next = first
        var steps = 0
        while true {
            steps += 1
            precondition(steps < 100_000, "the machine does not settle")
            if next == nil, !closed, machine.unsentByteCount > 0, !machine.isWriteBlocked {
                if clientReads {
                    let count = machine.withUnsentOutput { $0.count }
                    next = machine.wrote(count, now: now)
                } else {
                    machine.writeBlocked(now: now)
                }
            }
            guard let command = next else { return }
            next = nil
            precondition(!closed, "a command after close")
            switch command {
            case .dispatch:
                precondition(pending == 0, "a second request dispatched while one is handled")
                pending += 1
                dispatched += 1
            case .relay: streaming = true
            case .cancelStream, .refused, .shutdownWrite: break
            case .close: closed = true
            }
        }
    }

    func checkInvariants() {
        let limits = machine.limits
        // One response (at most 100 bytes of body plus its head, or a stream chunk) past a bound.
        let bound = max(limits.maxOutputBacklog, limits.maxStreamBacklog) + 1024
        precondition(
            machine.unsentByteCount <= bound, "output grew past its bound: \(machine.unsentByteCount)")
        precondition(answered <= dispatched, "answered more than was asked")
        if closed { precondition(machine.isClosed, "closed but the machine does not know") }
    }
}
