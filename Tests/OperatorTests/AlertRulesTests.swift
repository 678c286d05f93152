import Foundation
import TestSupport
import Testing

/// The shipped alert rules and Alertmanager example, checked by Prometheus's own tools.
@Suite struct AlertRulesTests {
    let rules = repositoryRoot.appendingPathComponent("alerts/kafka-scaling.rules.yml").path

    @Test(.enabled(if: Peer.available("promtool"), "promtool is not installed"))
    func rulesPassPromtoolCheck() throws {
        let output = try runProcess("promtool", ["check", "rules", rules])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("SUCCESS: 5 rules found"))
    }

    /// The unit tests under alerts/tests fire each rule on its series and check the labels and
    /// annotations the operator acts on.
    @Test(.enabled(if: Peer.available("promtool"), "promtool is not installed"))
    func rulesFireWithTheOperatorAnnotations() throws {
        let tests = repositoryRoot.appendingPathComponent("alerts/tests/kafka-scaling.test.yml").path
        let output = try runProcess("promtool", ["test", "rules", tests])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }

    @Test(.enabled(if: Peer.available("amtool"), "amtool is not installed"))
    func alertmanagerExamplePassesAmtool() throws {
        let config = repositoryRoot.appendingPathComponent("examples/alertmanager.yml").path
        let output = try runProcess("amtool", ["check-config", config])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }

    @Test func everyRuleCarriesAKnownCommand() throws {
        let text = try String(contentsOfFile: rules, encoding: .utf8)
        let commands = text.split(separator: "\n")
            .compactMap { line -> String? in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.hasPrefix("command:")
                    ? String(trimmed.dropFirst("command:".count)).trimmingCharacters(in: .whitespaces) : nil
            }
        #expect(commands.count == 5)
        #expect(Set(commands) == ["upScale", "downScale", "addPvc", "resizePvc"])
    }
}
