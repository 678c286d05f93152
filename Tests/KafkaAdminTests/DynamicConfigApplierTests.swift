import ClusterModel
import KafkaAdmin
import TestSupport
import Testing

struct DynamicConfigPlanTests {
    static func classify(_ key: String) -> DynamicConfigMode {
        switch key {
        case let key where key.hasPrefix("ro."): return .readOnly
        case let key where key.hasPrefix("pb."): return .perBroker
        default: return .clusterWide
        }
    }

    @Test func setsNewAndChangedKeysAndDeletesRemovedOnes() throws {
        let plan = try DynamicConfigPlan(
            previousPerBroker: [1: ["a": "1", "b": "2", "pb.x": "old"]],
            desiredPerBroker: [1: ["a": "1", "b": "3", "pb.y": "new"]],
            previousClusterWide: ["c": "1", "d": "1"],
            desiredClusterWide: ["c": "2"], brokers: [1], classify: Self.classify)
        #expect(
            plan.perBroker[1] == [
                .set(key: "b", value: "3"), .delete(key: "pb.x"), .set(key: "pb.y", value: "new"),
            ])
        #expect(plan.clusterWide == [.set(key: "c", value: "2"), .delete(key: "d")])
        #expect(plan.brokersNeedingRestart == [])
    }

    @Test func readOnlyChangesBecomeRestartsInsteadOfAlterations() throws {
        let plan = try DynamicConfigPlan(
            previousPerBroker: [1: ["ro.a": "1"], 2: [:]], desiredPerBroker: [1: ["ro.a": "2"], 2: [:]],
            previousClusterWide: [:], desiredClusterWide: [:], brokers: [1, 2], classify: Self.classify)
        #expect(plan.perBroker.isEmpty)
        #expect(plan.brokersNeedingRestart == [1])
        let clusterWide = try DynamicConfigPlan(
            previousPerBroker: [:], desiredPerBroker: [3: [:]], previousClusterWide: ["ro.b": "1"],
            desiredClusterWide: [:], brokers: [1, 2], classify: Self.classify)
        #expect(clusterWide.brokersNeedingRestart == [1, 2, 3])
        #expect(clusterWide.clusterWide.isEmpty)
    }

    @Test func aPerBrokerOnlyKeyInTheClusterWideMapIsRejected() {
        #expect(
            throws: KafkaAdminError.invalidConfigChange(
                key: "pb.k", reason: "it can only be set per broker, not cluster-wide")
        ) {
            try DynamicConfigPlan(
                previousPerBroker: [:], desiredPerBroker: [:], previousClusterWide: [:],
                desiredClusterWide: ["pb.k": "v"], brokers: [1], classify: Self.classify)
        }
    }

    @Test func aBrokerLeftOutOfTheDesiredMapIsLeftAlone() throws {
        let plan = try DynamicConfigPlan(
            previousPerBroker: [1: ["a": "1"]], desiredPerBroker: [:], previousClusterWide: [:],
            desiredClusterWide: [:], brokers: [1], classify: Self.classify)
        #expect(plan.isEmpty)
    }
}

struct DynamicConfigApplierTests {
    @Test func appliesPerBrokerAndClusterWideChangesAndVerifiesThem() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1, 2])
        let applier = DynamicConfigApplier(client: kafka, verifyAttempts: 1)
        let outcome = try await applier.apply(
            previousPerBroker: [:], desiredPerBroker: [1: ["a": "1"], 2: ["ro.x": "y"]],
            previousClusterWide: [:],
            desiredClusterWide: ["c": "9"], classify: DynamicConfigPlanTests.classify)
        #expect(outcome.brokersNeedingRestart == [2])
        #expect(await kafka.perBroker == [1: ["a": "1"]])
        #expect(await kafka.clusterDefaults == ["c": "9"])
        let second = try await applier.apply(
            previousPerBroker: [1: ["a": "1"]], desiredPerBroker: [1: [:]], previousClusterWide: ["c": "9"],
            desiredClusterWide: [:], classify: DynamicConfigPlanTests.classify)
        #expect(second.brokersNeedingRestart == [])
        #expect(await kafka.perBroker[1] == [:])
        #expect(await kafka.clusterDefaults == [:])
    }

    @Test func aBrokerNotYetRegisteredIsSkippedNotAltered() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1])
        let outcome = try await DynamicConfigApplier(client: kafka).apply(
            previousPerBroker: [:], desiredPerBroker: [1: ["a": "1"], 5: ["a": "1"]],
            previousClusterWide: [:],
            desiredClusterWide: [:], classify: DynamicConfigPlanTests.classify)
        #expect(outcome.skippedBrokers == [5])
        #expect(await kafka.alterations.count == 1)
    }

    @Test func aChangeTheBrokerDoesNotKeepIsReportedAsNotAppliedAfterBoundedChecks() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1])
        await kafka.setDropsWrites(true)
        let applier = DynamicConfigApplier(client: kafka, verifyAttempts: 3, verifyBackoff: .milliseconds(1))
        await #expect(
            throws: KafkaAdminError.configNotApplied(
                resource: "broker 1", key: "a", expected: "1", actual: nil)
        ) {
            _ = try await applier.apply(
                previousPerBroker: [:], desiredPerBroker: [1: ["a": "1"]], previousClusterWide: [:],
                desiredClusterWide: [:], classify: DynamicConfigPlanTests.classify)
        }
    }

    @Test func anInvalidPlanChangesNothing() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1])
        await #expect(throws: KafkaAdminError.self) {
            _ = try await DynamicConfigApplier(client: kafka).apply(
                previousPerBroker: [:], desiredPerBroker: [1: ["a": "1"]], previousClusterWide: [:],
                desiredClusterWide: ["pb.k": "v"], classify: DynamicConfigPlanTests.classify)
        }
        #expect(await kafka.alterations.isEmpty)
    }
}
