import Testing

@testable import AlertReceiver

@Suite struct WebhookCredentialsTests {
    var credentials: WebhookCredentials {
        var credentials = WebhookCredentials()
        credentials.allowBearer(token: "s3cret-token")
        credentials.allowBasic(username: "alertmanager", password: "p:ss")
        return credentials
    }

    static let rows: [(header: String?, accepted: Bool)] = [
        ("Bearer s3cret-token", true),
        ("bearer s3cret-token", true),
        ("Bearer  s3cret-token", true),
        ("Basic YWxlcnRtYW5hZ2VyOnA6c3M=", true),  // alertmanager:p:ss
        (nil, false),
        ("", false),
        ("Bearer", false),
        ("Bearer s3cret-toke", false),
        ("Bearer s3cret-token2", false),
        ("Bearer S3CRET-TOKEN", false),
        ("Token s3cret-token", false),
        ("Basic YWxlcnRtYW5hZ2VyOndyb25n", false),  // alertmanager:wrong
        ("Basic !!!not-base64!!!", false),
        ("Basic ", false),
    ]

    @Test(arguments: rows)
    func acceptsOnlyTheConfiguredCredentials(_ row: (header: String?, accepted: Bool)) {
        #expect(credentials.accepts(authorization: row.header) == row.accepted)
    }

    @Test func withoutCredentialsEveryRequestIsAccepted() {
        #expect(WebhookCredentials().isOpen)
        #expect(WebhookCredentials().accepts(authorization: nil))
    }

    @Test func constantTimeComparisonMatchesEquality() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
