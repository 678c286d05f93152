import Foundation
import PKI

#if canImport(Glibc)
    import Glibc
#endif

/// What the operator's TLS costs for one cluster of `--brokers` brokers with `--users`
/// KafkaUsers; `bench/certificates` runs it.
///
/// Issuing: the cluster CA, the brokers' certificate (every broker's names), the operator's and
/// Cruise Control's, and one certificate per user: wall and CPU time. Watching: one check of
/// every certificate as a pass makes it (parse the PEM, find its signer in the trust bundle,
/// decide on renewal, and for the brokers' certificate check that it covers every broker),
/// the median of `--repetitions`, and what that costs per hour at one check per `--resync`.
@main enum PKIBenchmark {
    struct Options {
        var brokers = 100
        var users = 100
        var repetitions = 20
        var resyncSeconds = 300.0

        init(_ arguments: [String]) {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                let value = iterator.next() ?? ""
                switch argument {
                case "--brokers": brokers = Int(value) ?? brokers
                case "--users": users = Int(value) ?? users
                case "--repetitions": repetitions = max(Int(value) ?? repetitions, 1)
                case "--resync": resyncSeconds = Double(value) ?? resyncSeconds
                default:
                    print(
                        "usage: pki-benchmark [--brokers N] [--users N] [--repetitions R] [--resync SECONDS]")
                    exit(2)
                }
            }
        }
    }

    /// Wall and CPU seconds of `body`.
    static func measure<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
        func cpu() -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
            return seconds(usage.ru_utime) + seconds(usage.ru_stime)
        }
        let clock = ContinuousClock()
        let (startCPU, start) = (cpu(), clock.now)
        let value = try body()
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (value, wall, cpu() - startCPU)
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }

    static func main() {
        let options = Options(Array(CommandLine.arguments.dropFirst()))
        let now = Date()
        let cluster = "kafka"
        let namespace = "kafka"
        let brokerHosts = (0..<options.brokers).flatMap { id in
            ["\(cluster)-\(id).\(namespace).svc.cluster.local", "\(cluster)-\(id).\(namespace).svc"]
        }
        do {
            let (ca, caWall, caCPU) = try measure {
                try CertificateAuthority.create(commonName: "\(cluster)-ca", now: now)
            }
            let serverRequest = CertificateRequest(
                commonName: "\(cluster).\(namespace)", usage: .server,
                dnsNames: brokerHosts + [
                    "*.\(cluster)-headless.\(namespace).svc.cluster.local",
                    "\(cluster)-all-broker.\(namespace).svc.cluster.local",
                ])
            let (server, serverWall, serverCPU) = try measure { try ca.issue(serverRequest, now: now) }
            let (clients, clientsWall, clientsCPU) = try measure {
                try
                    (["\(cluster)-controller", "\(cluster)-cruisecontrol"]
                    + (0..<options.users).map { "user-\($0)" }).map {
                        try ca.issue(CertificateRequest(commonName: $0, usage: .client), now: now)
                    }
            }
            let leaves = [server] + clients

            let policy = RenewalPolicy()
            let bundle = try TrustBundle(pem: ca.certificatePEM)
            var checkWalls: [Double] = []
            var checkCPU = 0.0
            for _ in 0..<options.repetitions {
                let (renewals, wall, cpu) = try measure { () throws -> Int in
                    var renewals = 0
                    for (index, leaf) in leaves.enumerated() {
                        let parsed = try ParsedCertificate(pem: leaf.chainPEM)
                        if bundle.signer(of: parsed) == nil
                            || policy.decision(for: parsed, now: now).mustRenew
                        {
                            renewals += 1
                        }
                        if index == 0 && !parsed.uncovered(brokerHosts).isEmpty { renewals += 1 }
                    }
                    return renewals
                }
                guard renewals == 0 else {
                    print("pki-benchmark: \(renewals) fresh certificates were judged due for renewal")
                    exit(1)
                }
                checkWalls.append(wall)
                checkCPU += cpu
            }
            let medianCheck = checkWalls.sorted()[checkWalls.count / 2]
            let cpuPerCheck = checkCPU / Double(options.repetitions)
            let checksPerHour = 3600 / options.resyncSeconds

            print("certificates for \(options.brokers) brokers and \(options.users) KafkaUsers (P-256 keys)")
            print("| step | count | wall | CPU | wall per certificate |")
            print("|---|---|---|---|---|")
            print(
                "| cluster CA | 1 | \(milliseconds(caWall)) | \(milliseconds(caCPU)) | \(milliseconds(caWall)) |"
            )
            print(
                "| brokers' certificate (\(serverRequest.dnsNames.count) names) | 1 | \(milliseconds(serverWall)) | \(milliseconds(serverCPU)) | \(milliseconds(serverWall)) |"
            )
            print(
                "| operator, Cruise Control and users | \(clients.count) | \(milliseconds(clientsWall)) | \(milliseconds(clientsCPU)) | \(milliseconds(clientsWall / Double(clients.count))) |"
            )
            print(
                "| one expiry check of every certificate (median of \(options.repetitions)) | \(leaves.count) | \(milliseconds(medianCheck)) | \(milliseconds(cpuPerCheck)) | \(milliseconds(medianCheck / Double(leaves.count))) |"
            )
            print(
                String(
                    format:
                        "watching: %.1f checks per hour (one per %.0f s resync) = %.3f CPU-seconds per hour",
                    checksPerHour, options.resyncSeconds, cpuPerCheck * checksPerHour))
        } catch {
            print("pki-benchmark: \(error)")
            exit(2)
        }
    }
}
