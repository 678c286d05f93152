import KafkaProtocol
import LocalKafka
import Testing

/// The simulated cluster's ACLs against Kafka's rules (`AclApis`, `AclControlManager`,
/// `AclBindingFilter.matches`): what is refused and with which message, what each filter
/// selects, and what a delete removes.
struct AclStoreTests {
    static func binding(
        _ type: AclResourceType = .topic, _ name: String = "orders", _ pattern: AclPatternType = .literal,
        principal: String = "User:alice", host: String = "*", _ operation: AclOperation = .read,
        _ permission: AclPermissionType = .allow
    ) -> AclBinding {
        AclBinding(
            resourceType: type, resourceName: name, patternType: pattern, principal: principal, host: host,
            operation: operation, permission: permission)
    }

    @Test(
        arguments: [
            ("a literal topic READ", binding(), nil),
            ("a prefixed group DENY", binding(.group, "app-", .prefixed, .read, .deny), nil),
            ("the cluster by its name", binding(.cluster, "kafka-cluster", .literal, .alterConfigs), nil),
            ("a user resource", binding(.user, "User:bob", .literal, .createTokens), nil),
            (
                "the cluster by another name", binding(.cluster, "c1"),
                "The only valid name for the CLUSTER resource is kafka-cluster"
            ),
            ("an empty name", binding(.topic, ""), "Invalid empty resource name"),
            ("resource type ANY", binding(.any), "Invalid resourceType ANY"),
            (
                "an undefined resource type", binding(AclResourceType(rawValue: 42)),
                "Invalid resourceType UNKNOWN"
            ),
            ("pattern type MATCH", binding(.topic, "orders", .match), "Invalid patternType MATCH"),
            ("pattern type ANY", binding(.topic, "orders", .any), "Invalid patternType ANY"),
            ("operation ANY", binding(.topic, "orders", .literal, .any), "Invalid operation ANY"),
            (
                "an undefined operation", binding(.topic, "orders", .literal, AclOperation(rawValue: 99)),
                "Invalid operation UNKNOWN"
            ),
            (
                "permission ANY", binding(.topic, "orders", .literal, .read, .any),
                "Invalid permissionType ANY"
            ),
        ] as [(String, AclBinding, String?)])
    func creationIsValidatedAsKafkaValidatesIt(name: String, binding: AclBinding, refusal: String?) {
        var store = AclStore()
        let results = store.create([binding])
        #expect(results == [refusal.map { KafkaRefusal(KafkaErrorCode.invalidRequest, $0) }], "\(name)")
        #expect(store.bindings == (refusal == nil ? [binding] : []), "\(name)")
    }

    @Test func eachBindingIsJudgedOnItsOwnAndAnExistingOneIsNotRepeated() {
        var store = AclStore()
        let read = Self.binding()
        let write = Self.binding(.topic, "orders", .literal, .write)
        #expect(store.create([read]) == [nil])
        let results = store.create([read, Self.binding(.topic, ""), write, write])
        #expect(results == [nil, KafkaRefusal(42, "Invalid empty resource name"), nil, nil])
        #expect(store.bindings == [read, write])
    }

    @Test func unicodeEquivalentNamesWithDifferentBytesAreDifferentAcls() {
        var store = AclStore()
        let precomposed = Self.binding(.topic, "ord\u{e9}rs")
        let decomposed = Self.binding(.topic, "ord\u{65}\u{301}rs")
        #expect(store.create([precomposed, decomposed]) == [nil, nil])
        #expect(store.bindings.count == 2)
        let listing = DescribeAclsResponse(bindings: store.bindings)
        #expect(listing.resources.count == 2)
        #expect(
            listing.bindings.map { Array($0.resourceName.utf8) }
                == store.bindings.map { Array($0.resourceName.utf8) })
    }

    /// Kafka caps the records one request writes; past the cap nothing is created, and the
    /// bindings the receiving broker refused keep their own refusal.
    @Test func aRequestAddingMoreThanKafkasBatchCapCreatesNothing() {
        var store = AclStore()
        let many = (0...AclStore.maximumNewBindingsPerRequest).map { Self.binding(.topic, "t\($0)") }
        let refused = Self.binding(.cluster, "c1")
        let results = store.create(many + [refused])
        #expect(store.bindings.isEmpty)
        let tooMany = KafkaRefusal(44, "Unable to perform excessively large batch operation.")
        #expect(results.dropLast().allSatisfy { $0 == tooMany })
        #expect(
            results.last == KafkaRefusal(42, "The only valid name for the CLUSTER resource is kafka-cluster"))
        #expect(store.create(Array(many.dropLast())).allSatisfy { $0 == nil })
        #expect(store.bindings.count == AclStore.maximumNewBindingsPerRequest)
    }

    static let stored = [
        binding(.topic, "orders"),
        binding(.topic, "orders-eu", .literal, principal: "User:bob", host: "10.0.0.1", .write),
        binding(.topic, "*", .literal, .describe),
        binding(.topic, "ord", .prefixed, principal: "User:bob", .read, .deny),
        binding(.group, "orders", .literal, .read),
        binding(.cluster, "kafka-cluster", .literal, principal: "User:admin", .all),
    ]

    @Test(
        arguments: [
            ("everything", AclBindingFilter.any, [0, 1, 2, 3, 4, 5, 6]),
            ("topics", AclBindingFilter(resourceType: .topic), [0, 1, 2, 3, 6]),
            (
                "ANY pattern type with a name: that name exactly", AclBindingFilter(resourceName: "orders"),
                [0, 4]
            ),
            (
                "LITERAL with a name: literal bindings of it",
                AclBindingFilter(resourceName: "ord", patternType: .literal),
                []
            ),
            (
                "PREFIXED with a name: prefixed bindings of it",
                AclBindingFilter(resourceName: "ord", patternType: .prefixed), [3]
            ),
            (
                "MATCH: the literal, the wildcard and every prefix that applies",
                AclBindingFilter(resourceType: .topic, resourceName: "orders", patternType: .match),
                [0, 2, 3]
            ),
            (
                "MATCH on another name: the wildcard and the prefix",
                AclBindingFilter(resourceType: .topic, resourceName: "ordinals", patternType: .match), [2, 3]
            ),
            (
                "MATCH without a name: every binding", AclBindingFilter(patternType: .match),
                [0, 1, 2, 3, 4, 5, 6]
            ),
            ("the wildcard by name", AclBindingFilter(resourceName: "*", patternType: .literal), [2]),
            ("a principal", AclBindingFilter(principal: "User:bob"), [1, 3]),
            ("a host", AclBindingFilter(host: "10.0.0.1"), [1]),
            ("an operation (ALL is not ANY)", AclBindingFilter(operation: .all), [5]),
            ("a permission", AclBindingFilter(permission: .deny), [3]),
            (
                "an undefined operation matches nothing",
                AclBindingFilter(operation: AclOperation(rawValue: 77)), []
            ),
            (
                "names compare by bytes, not by Unicode equivalence (the stored name is precomposed)",
                AclBindingFilter(resourceName: "ord\u{65}\u{301}rs"), []
            ),
            ("the precomposed name itself", AclBindingFilter(resourceName: "ord\u{e9}rs"), [6]),
        ] as [(String, AclBindingFilter, [Int])])
    func filtersSelectAsKafkaMatchesThem(name: String, filter: AclBindingFilter, expected: [Int]) {
        var store = AclStore()
        var bindings = Self.stored
        bindings.append(Self.binding(.topic, "ord\u{e9}rs"))
        #expect(store.create(bindings).allSatisfy { $0 == nil })
        #expect(store.matching(filter) == expected.map { bindings[$0] }, "\(name)")
    }

    @Test func deleteRemovesWhatItsFiltersSelectAndListsItPerFilter() {
        var store = AclStore()
        _ = store.create(Self.stored)
        let bob = AclBindingFilter(principal: "User:bob")
        let prefixed = AclBindingFilter(patternType: .prefixed)
        let results = store.delete([bob, prefixed, AclBindingFilter(resourceName: "nothing")])
        // Both filters see the prefixed binding: the controller matches them all before removing.
        #expect(results.map { try? $0.get() } == [[Self.stored[1], Self.stored[3]], [Self.stored[3]], []])
        #expect(store.bindings == [Self.stored[0], Self.stored[2], Self.stored[4], Self.stored[5]])
    }

    @Test(
        arguments: [
            (
                "an undefined resource type", AclBindingFilter(resourceType: AclResourceType(rawValue: 50)),
                "Unknown patternFilter."
            ),
            (
                "an undefined pattern type", AclBindingFilter(patternType: AclPatternType(rawValue: 9)),
                "Unknown patternFilter."
            ),
            (
                "an undefined operation", AclBindingFilter(operation: AclOperation(rawValue: 99)),
                "Unknown entryFilter."
            ),
            (
                "an undefined permission", AclBindingFilter(permission: AclPermissionType(rawValue: 4)),
                "Unknown entryFilter."
            ),
        ] as [(String, AclBindingFilter, String)])
    func aDeleteFilterWithAnUndefinedCodeIsRefusedAndTheOthersStillDelete(
        name: String, filter: AclBindingFilter, message: String
    ) {
        var store = AclStore()
        _ = store.create(Self.stored)
        let results = store.delete([filter, AclBindingFilter(resourceType: .group)])
        #expect(results.first.flatMap { try? $0.get() } == nil, "\(name)")
        if case .failure(let refusal) = results.first {
            #expect(refusal == KafkaRefusal(42, message), "\(name)")
        }
        #expect(results.last.flatMap { try? $0.get() } == [Self.stored[4]])
        #expect(store.bindings.count == Self.stored.count - 1)
    }
}
