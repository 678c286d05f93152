import ClusterModel
import Testing

@testable import AlertReceiver

@Suite struct ActionsEndpointTests {
    /// `dryRun` must be unambiguous: a value read as false would act for real.
    static let dryRunQueries: [(query: [(name: String, value: String)], status: Int, says: String)] = [
        ([], 202, #""outcome":"accepted""#),
        ([("dryRun", "true")], 200, #""outcome":"planned""#),
        ([("dryRun", "false")], 202, #""outcome":"accepted""#),
        ([("dryRun", "TRUE")], 400, "dryRun is 'TRUE'; expected true or false"),
        ([("dryRun", "True")], 400, "expected true or false"),
        ([("dryRun", "yes")], 400, "dryRun is 'yes'"),
        ([("dryRun", "1")], 400, "dryRun is '1'"),
        ([("dryRun", "0")], 400, "dryRun is '0'"),
        ([("dryRun", "")], 400, "dryRun is ''"),
        ([("dryRun", "true ")], 400, "expected true or false"),
        ([("dryRun", "All")], 400, "dryRun is 'All'"),
        ([("dryRun", "true"), ("dryRun", "false")], 400, "dryRun is given 2 times"),
        ([("dryRun", "true"), ("dryRun", "true")], 400, "dryRun is given 2 times"),
        ([("dryrun", "true")], 400, "unknown query parameter 'dryrun'"),
        ([("dryRun", "true"), ("force", "1")], 400, "unknown query parameter 'force'"),
    ]

    @Test(arguments: dryRunQueries)
    func dryRunTakesOnlyTrueOrFalse(
        _ row: (query: [(name: String, value: String)], status: Int, says: String)
    )
        async throws
    {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        let answer = await harness.postAction(#"{"command":"upScale"}"#, query: row.query)
        #expect(answer.status == row.status, "\(row.query): \(answer.body)")
        #expect(answer.body.contains(row.says), "\(row.query): \(answer.body)")
        if row.status != 202 {
            #expect(try await harness.cluster() == before, "\(row.query) changed the cluster")
        }
    }
}
