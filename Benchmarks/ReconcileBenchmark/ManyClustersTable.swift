#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The many-clusters figures, a row per cluster count, with each row's cost per cluster
/// against the first row's: near 1.0x requests means linear, time per cluster below 1.0x
/// means clusters were reconciled side by side.
struct ManyClustersTable {
    let rows: [ManyClustersRun.Figures]
    let concurrency: Int

    func rendered() -> String {
        var out = "Many clusters, reconciled by the loop (\(concurrency) at once), on the local cluster\n"
        out += pad(
            [
                "clusters", "brokers", "scratch s", "ms/cluster", "req/cluster", "no-op ms",
                "no-op req/cluster", "writes",
            ])
        for row in rows {
            let count = Double(row.clusters)
            out += pad([
                "\(row.clusters)", "\(row.brokers)", format(row.scratchMilliseconds / 1000, 2),
                format(row.scratchMilliseconds / count, 0), format(Double(row.scratchRequests) / count, 1),
                format(row.noOpMilliseconds, 0), format(Double(row.noOpRequests) / count, 1),
                "\(row.noOpWrites)",
            ])
        }
        guard let first = rows.first else { return out }
        for row in rows.dropFirst() {
            let count = Double(row.clusters)
            let base = Double(first.clusters)
            out +=
                "\(row.clusters) against \(first.clusters): requests per cluster "
                + format((Double(row.scratchRequests) / count) / (Double(first.scratchRequests) / base), 2)
                + "x from scratch, "
                + format((Double(row.noOpRequests) / count) / (Double(first.noOpRequests) / base), 2)
                + "x with nothing changed; time per cluster "
                + format((row.scratchMilliseconds / count) / (first.scratchMilliseconds / base), 2) + "x, "
                + format((row.noOpMilliseconds / count) / (first.noOpMilliseconds / base), 2) + "x\n"
        }
        return out
    }

    private func pad(_ cells: [String]) -> String {
        cells.map { $0.padding(toLength: max(10, $0.count + 2), withPad: " ", startingAt: 0) }.joined() + "\n"
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
