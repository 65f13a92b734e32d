import Datasets
import Environments
import Foundation
import Testing
import Training

/// Normalised returns that cannot mislead: the random-anchored method keeps policies in order where
/// rewards are negative, a reference that does not beat random is flagged instead of scored, `auto`
/// picks by the sign of the rewards, and final.json says which method made its numbers.
@Suite struct ReturnNormaliserTests {
    /// con-15x15x23a as measured on the oracle data: a negative reference, a more negative random policy.
    static let negative = ReferenceReturnTable(entries: [
        "con-15x15x23a": ReferenceReturn(mean: -8.63, standardError: 0.05, behaviour: "oracle", randomMean: -12,
                                         randomStandardError: 0.1),
    ])

    @Test("with a negative reference the random-anchored score ranks the better policy higher; R / R_ref inverts the order and is refused")
    func negativeRewardsKeepTheirOrder() {
        let better = -9.0, worse = -11.0
        let anchored = ReturnNormaliser(references: Self.negative, method: .random)
        let a = anchored.normalised(better, taskID: "con-15x15x23a"), b = anchored.normalised(worse, taskID: "con-15x15x23a")
        #expect(a.isFinite && b.isFinite && a > b, "better \(a), worse \(b)")
        // The anchors: the random policy scores 0, the reference 1.
        #expect(abs(anchored.normalised(-12, taskID: "con-15x15x23a")) < 1e-12)
        #expect(abs(anchored.normalised(-8.63, taskID: "con-15x15x23a") - 1) < 1e-12)
        #expect(anchored.flag(taskID: "con-15x15x23a") == nil)

        // R / R_ref gives the worse policy the higher score here ...
        #expect(worse / -8.63 > better / -8.63)
        // ... so the ratio normaliser flags the task and scores it NaN rather than rank it wrongly.
        let ratio = ReturnNormaliser(references: Self.negative, method: .ratio)
        #expect(ratio.normalised(better, taskID: "con-15x15x23a").isNaN && ratio.normalised(worse, taskID: "con-15x15x23a").isNaN)
        #expect(ratio.flag(taskID: "con-15x15x23a")?.contains("--normalise random") == true)
    }

    @Test("a reference within two combined standard errors of random is flagged: NaN under both methods, out of every mean")
    func referenceThatDoesNotBeatRandomIsFlagged() {
        let table = ReferenceReturnTable(entries: [
            // Gap 0.05 against 2·√(0.03² + 0.03²) ≈ 0.085: not distinguishable from random.
            "close": ReferenceReturn(mean: 0.30, standardError: 0.03, behaviour: "oracle", randomMean: 0.25, randomStandardError: 0.03),
            // Gap 0.5, well beyond it.
            "clear": ReferenceReturn(mean: 0.75, standardError: 0.03, behaviour: "oracle", randomMean: 0.25, randomStandardError: 0.03),
            "below": ReferenceReturn(mean: 0.20, standardError: 0, behaviour: "oracle", randomMean: 0.25, randomStandardError: 0),
            "unmeasured": ReferenceReturn(mean: 0.75, behaviour: "oracle"),
        ])
        for method in NormalisationMethod.allCases {
            let normaliser = ReturnNormaliser(references: table, method: method)
            #expect(normaliser.normalised(0.5, taskID: "close").isNaN, "\(method)")
            #expect(normaliser.normalised(0.5, taskID: "below").isNaN, "\(method)")
            #expect(normaliser.normalised(0.5, taskID: "unmeasured").isNaN, "\(method)")
            #expect(normaliser.normalised(0.5, taskID: "absent").isNaN, "\(method)")
            #expect(normaliser.normalised(0.5, taskID: "clear").isFinite, "\(method)")
            let flags = normaliser.flags(taskIDs: ["close", "clear", "below", "unmeasured", "absent"])
            #expect(Set(flags.keys) == ["close", "below", "unmeasured", "absent"], "\(method): \(flags)")
            #expect(flags["close"]?.contains("does not beat random") == true)
            // A flagged task's NaN never moves the mean that selects the best checkpoint.
            let scores = ["close", "clear"].map {
                TaskScore(taskID: $0, split: .train, trained: true, episodes: 4, meanReturn: 0.5,
                          normalisedReturn: normaliser.normalised(0.5, taskID: $0))
            }
            #expect(TaskScore.meanNormalised(scores, trained: true) == normaliser.normalised(0.5, taskID: "clear"))
        }
    }

    @Test("auto is the ratio on LBF and RWARE (rewards never negative), random-anchored on Connector")
    func autoPicksByTheSignOfTheRewards() {
        #expect(NormalisationMethod.resolve(.auto, tasks: TaskRegistry.tasks(kind: .lbf)) == .ratio)
        #expect(NormalisationMethod.resolve(.auto, tasks: TaskRegistry.tasks(kind: .rware)) == .ratio)
        #expect(NormalisationMethod.resolve(.auto, tasks: TaskRegistry.tasks(kind: .connector)) == .random)
        #expect(NormalisationMethod.resolve(.random, tasks: TaskRegistry.tasks(kind: .lbf)) == .random)
        #expect(NormalisationMethod.resolve(.ratio, tasks: TaskRegistry.tasks(kind: .connector)) == .ratio)
        #expect(TaskRegistry.tasks(kind: .lbf).allSatisfy { !$0.rewardsCanBeNegative })
        #expect(TaskRegistry.tasks(kind: .connector).allSatisfy { $0.rewardsCanBeNegative })
    }

    @Test("final.json records the method and the flagged tasks, its table says both; an older final.json reads as ratio")
    func finalReportNamesItsMethod() throws {
        let scores = [TaskScore(taskID: "con-15x15x23a", split: .train, trained: true, episodes: 4, meanReturn: -9, normalisedReturn: 0.89),
                      TaskScore(taskID: "con-6x6x5a", split: .test, trained: false, episodes: 4, meanReturn: 1, normalisedReturn: .nan)]
        let report = FinalReport(
            updates: 10, evaluatedUpdate: 10, selectBy: "latest", parameterChecksum: "ab", tokensPerSecond: 1, allReduceFraction: 0,
            peakMemoryMB: 1, elapsedSeconds: 1, ranks: 1, behaviour: "observed", normalisation: .random,
            flaggedTasks: ["con-6x6x5a": "reference 1 ± 0.1 does not beat random 0.9 ± 0.1"], scores: scores, randomScores: scores)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("final-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try report.json.write(toFile: path, atomically: true, encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json?["normalisation"] as? String == "random")
        #expect((json?["flagged_tasks"] as? [String: String])?.keys.sorted() == ["con-6x6x5a"])
        let read = try FinalReport.read(path: path)
        #expect(read.normalisation == .random && read.flaggedTasks == report.flaggedTasks)
        let header = read.scoreTable.split(separator: "\n").prefix(3).joined(separator: "\n")
        #expect(header.contains("R_random") && header.contains("random-anchored") && header.contains("con-6x6x5a"), "\(header)")

        // Written before the fields existed: the paper's ratio, nothing flagged.
        var old = json!
        old.removeValue(forKey: "normalisation")
        old.removeValue(forKey: "flagged_tasks")
        try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: path))
        let older = try FinalReport.read(path: path)
        #expect(older.normalisation == .ratio && older.flaggedTasks.isEmpty)
        #expect(older.scoreTable.contains("R / R_ref") && !older.scoreTable.contains("R_random"))
    }
}
