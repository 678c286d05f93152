#if canImport(Glibc)
    import Glibc
#endif

/// This process's CPU time and context switches (all threads, from getrusage), its resident
/// memory and thread count (from /proc/self).
struct ProcessUsage: Sendable {
    var cpuSeconds: Double
    var contextSwitches: Int

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ProcessUsage(
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
            contextSwitches: usage.ru_nvcsw + usage.ru_nivcsw)
    }

    /// Resident memory in MB, from `VmRSS` in /proc/self/status.
    static func residentMegabytes() -> Double {
        guard let status = readProcFile("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kilobytes / 1024
    }

    /// Threads of this process, from `Threads` in /proc/self/status.
    static func threads() -> Int {
        guard let status = readProcFile("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") })
        else { return 0 }
        return Int(line.split(separator: "\t").last ?? "") ?? 0
    }

    /// A /proc file's text; their sizes read as 0, so it is read to the end.
    private static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            guard got > 0 else { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// CPU used and wake-ups over an idle window.
struct IdleFigures: Sendable {
    var seconds: Double
    var cpuSeconds: Double
    var contextSwitches: Int

    var percentOfCore: Double { cpuSeconds / seconds * 100 }
    var wakeUpsPerSecond: Double { Double(contextSwitches) / seconds }

    /// Sleeps `seconds` and reports what the process used meanwhile.
    static func measure(seconds: Int) async -> IdleFigures {
        let clock = ContinuousClock()
        let before = ProcessUsage.now()
        let started = clock.now
        try? await Task.sleep(for: .seconds(seconds))
        let after = ProcessUsage.now()
        return IdleFigures(
            seconds: (clock.now - started).milliseconds / 1000,
            cpuSeconds: after.cpuSeconds - before.cpuSeconds,
            contextSwitches: after.contextSwitches - before.contextSwitches)
    }
}
