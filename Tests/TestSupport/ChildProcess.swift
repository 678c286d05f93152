import Foundation

/// The result of running a program to completion.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs `executable` with `arguments` and waits for it, feeding `input` to its standard input.
/// Output is collected in full, so use it for short-lived tools (curl, promtool, openssl).
public func runProcess(
    _ executable: String, _ arguments: [String], input: Data? = nil,
    environment: [String: String]? = nil
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Peer.find(executable) ?? executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    // Read both pipes concurrently so neither can fill up and stall the child.
    let errData = LockedBox(Data())
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        errData.set(stderr.fileHandleForReading.readDataToEndOfFile())
    }
    let outData = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.get(), as: UTF8.self))
}

/// A long-running peer (a server) started for a test and stopped with `stop()`.
public final class BackgroundProcess: @unchecked Sendable {
    // Process is not Sendable; all access goes through `lock`.
    private let process = Process()
    private let lock = NSLock()
    public let logFile: URL

    public init(
        _ executable: String, _ arguments: [String], logFile: URL,
        environment: [String: String]? = nil
    ) throws {
        self.logFile = logFile
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.executableURL = URL(fileURLWithPath: Peer.find(executable) ?? executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var processIdentifier: Int32 { lock.withLock { process.processIdentifier } }
    public var isRunning: Bool { lock.withLock { process.isRunning } }

    /// The peer's output so far, for failure messages.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGTERM by default) and waits for the process to exit; returns its status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        lock.withLock {
            if process.isRunning { kill(process.processIdentifier, signal) }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    deinit { stop(signal: SIGKILL) }
}

/// A value shared between threads behind a lock.
public final class LockedBox<Value>: @unchecked Sendable {
    // Every access to `value` holds `lock`.
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.withLock { value } }
    public func set(_ newValue: Value) { lock.withLock { value = newValue } }
    public func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

/// `runProcess` on a Dispatch thread, so a test waiting for a child does not hold a thread of
/// Swift's small cooperative pool.
public func runOffPool(
    _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
) async throws -> ProcessOutput {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(
                with: Result { try runProcess(executable, arguments, input: input, environment: environment) }
            )
        }
    }
}
