/// The benchmark's report: one row per cluster size, the writes by verb, and the ratios that
/// show whether cost grows linearly with brokers.
struct ResultTable: Sendable {
    let persistent: Bool
    let repetitions: Int
    /// Said in the title when the benchmark measures both ways.
    var validation: Bool?
    var rows: [RunFigures] = []

    private static let columns: [(title: String, width: Int)] = [
        ("brokers", 7), ("passes", 6), ("requests", 8), ("req/broker", 10), ("ms", 9), ("ms/broker", 9),
        ("no-op req", 9), ("no-op writes", 12), ("no-op ms", 8), ("no-op ms/broker", 15),
    ]

    func rendered() -> String {
        var text = ""
        func line(_ cells: [String]) {
            text += zip(cells, Self.columns).map { pad($0, $1.width) }.joined(separator: "  ") + "\n"
        }
        let storage = persistent ? "objects persisted in a temporary data directory" : "objects in memory"
        text += "reconcile from scratch until converged, then once more with nothing changed"
        if let validation { text += ", validation \(validation ? "on" : "off")" }
        text += "\n"
        text +=
            "(local cluster over loopback HTTP, \(storage); times are the median of \(repetitions) run(s))\n\n"
        line(Self.columns.map(\.title))
        for row in rows {
            let n = Double(row.brokers)
            line([
                "\(row.brokers)", "\(row.scratchPasses)", "\(row.scratchRequests)",
                fixed(Double(row.scratchRequests) / n, 2), fixed(row.scratchMilliseconds, 1),
                fixed(row.scratchMilliseconds / n, 3), "\(row.noOpRequests)", "\(row.noOpWriteCount)",
                fixed(row.noOpMilliseconds, 1), fixed(row.noOpMilliseconds / n, 4),
            ])
        }
        text += "\nscratch writes by verb:\n"
        for row in rows {
            let verbs = row.scratchWrites.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            text += "  \(pad("\(row.brokers)", 5)) brokers: \(verbs.joined(separator: ", "))"
            text += "; kubelet wait between passes \(fixed(row.kubeletWaitMilliseconds, 0)) ms (not in ms)\n"
        }
        text +=
            "\nno-op pass, its parts timed apart (render the desired state; one list per managed kind, fetched and decoded):\n"
        for row in rows {
            let n = Double(row.brokers)
            text += "  \(pad("\(row.brokers)", 5)) brokers: render \(fixed(row.renderMilliseconds, 1)) ms"
            text +=
                " (\(fixed(row.renderMilliseconds / n, 4))/broker), lists \(fixed(row.listMilliseconds, 1)) ms"
            text += " (\(fixed(row.listMilliseconds / n, 4))/broker)\n"
        }
        for row in rows where row.noOpWriteCount > 0 {
            let verbs = row.noOpWrites.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            text += "  NO-OP PASS WROTE at \(row.brokers) brokers: \(verbs.joined(separator: ", "))\n"
        }
        if let first = rows.min(by: { $0.brokers < $1.brokers }),
            let last = rows.max(by: { $0.brokers < $1.brokers }), last.brokers > first.brokers
        {
            text += "\nlinearity, \(last.brokers) brokers against \(first.brokers) (1.00 is linear):\n"
            text += ratioLine("requests per broker", first, last) { Double($0.scratchRequests) }
            text += ratioLine("ms per broker", first, last) { $0.scratchMilliseconds }
            let noOpRequests = Set(rows.map(\.noOpRequests)).sorted().map(String.init).joined(separator: ", ")
            text +=
                "  no-op requests            \(noOpRequests) at every size (constant, so per broker they fall)\n"
            text += ratioLine("no-op ms per broker", first, last) { $0.noOpMilliseconds }
            text += "marginal cost per added broker (between consecutive sizes):\n"
            let sorted = rows.sorted { $0.brokers < $1.brokers }
            for (small, large) in zip(sorted, sorted.dropFirst()) where large.brokers > small.brokers {
                let added = Double(large.brokers - small.brokers)
                text += "  \(small.brokers)->\(large.brokers): "
                text +=
                    "\(fixed(Double(large.scratchRequests - small.scratchRequests) / added, 2)) requests, "
                text +=
                    "\(fixed((large.scratchMilliseconds - small.scratchMilliseconds) / added, 3)) ms scratch, "
                text += "\(fixed((large.noOpMilliseconds - small.noOpMilliseconds) / added, 4)) ms no-op\n"
            }
        }
        let failed = rows.contains { $0.noOpWriteCount > 0 }
        text += "\nno-op writes: \(failed ? "NOT 0 (fail)" : "0 at every size")\n"
        return text
    }

    /// What checking writes as the API server does costs, size by size: the times with the
    /// checks against those without, wall and the process's CPU (the steadier figure when other
    /// work shares the machine).
    static func validationCost(off: ResultTable, on: ResultTable) -> String {
        var text = "validation cost (medians with the local cluster's checks on against off):\n"
        for (without, with) in zip(off.rows, on.rows) {
            func change(_ value: (RunFigures) -> Double) -> String {
                let base = value(without)
                guard base > 0 else { return "n/a" }
                let percent = (value(with) - base) / base * 100
                return "\(off.fixed(base, 1)) -> \(off.fixed(value(with), 1)) ms ("
                    + (percent >= 0 ? "+" : "") + off.fixed(percent, 1) + "%)"
            }
            text +=
                "  \(off.pad("\(with.brokers)", 5)) brokers: scratch \(change { $0.scratchMilliseconds }),"
            text += " CPU \(change { $0.scratchCPUMilliseconds });"
            text += " no-op \(change { $0.noOpMilliseconds }), CPU \(change { $0.noOpCPUMilliseconds })\n"
        }
        return text
    }

    private func ratioLine(
        _ label: String, _ first: RunFigures, _ last: RunFigures, _ value: (RunFigures) -> Double
    )
        -> String
    {
        let small = value(first) / Double(first.brokers)
        let large = value(last) / Double(last.brokers)
        let ratio = small > 0 ? fixed(large / small, 2) : "n/a"
        return
            "  \(label + String(repeating: " ", count: max(0, 26 - label.count))) \(fixed(small, 4)) -> \(fixed(large, 4))  ratio \(ratio)\n"
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// `value` with `digits` decimals, without Foundation's formatting.
    func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let digitsText = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - digitsText.count) + digitsText
    }
}
