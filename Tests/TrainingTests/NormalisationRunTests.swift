import Datasets
import Foundation
import Testing
import TestSupport
import Training

/// Normalisation in whole runs of the real binary: a Connector run is scored random-anchored from
/// random returns `collect` measured; an older table without them is completed at run start; tasks
/// whose reference does not beat random are named and never select a checkpoint.
@Suite(.serialized) struct NormalisationRunTests {
    static let connectorTask = "con-5x5x3a"

    static let connectorData: Result<String, any Error> = Result {
        try TrainerFixture.collect(prefix: "mtrl-connector-data", [
            "--task", connectorTask, "--episodes", "20", "--stages", "2", "--seed", "5", "--reference-episodes", "4",
            "--reference-max-episodes", "200"])
    }

    static func finalJSON(_ run: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("final.json"))) as? [String: Any])
    }

    static func normalised(_ report: [String: Any], _ key: String) -> [String: Double] {
        var scores: [String: Double] = [:]
        for entry in report[key] as? [[String: Any]] ?? [] {
            scores[entry["task"] as? String ?? "?"] = entry["normalised_return"] as? Double ?? .nan
        }
        return scores
    }

    @Test("Connector: collect measures random returns, the run is scored random-anchored, final.json says so with finite scores")
    func connectorRunIsRandomAnchored() throws {
        let data = try Self.connectorData.get()
        let table = try ReferenceReturnTable.read(path: ReferenceReturnTable.path(dataDirectory: data, environment: "connector"))
        #expect(table.entries.count == 9, "the collected task and the 8 test tasks")
        for (task, entry) in table.entries {
            #expect(entry.hasRandom && entry.randomStandardError.isFinite && entry.standardError.isFinite, "\(task): \(entry)")
        }
        let dir = try TemporaryDirectory(prefix: "mtrl-connector-run")
        let run = dir.file("run")
        let outcome = try TrainerFixture.train(data: data, [
            "--env", "connector", "--tasks", Self.connectorTask, "--embed", "16", "--heads", "2", "--batch", "7", "--chunk", "5",
            "--steps", "4", "--eval-every", "2", "--eval-episodes", "2", "--final-eval-episodes", "4", "--log-every", "2",
            "--seed", "3", "--out", run.path])
        try #require(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        #expect(outcome.standardOutput.contains("normalise = auto"))
        #expect(outcome.standardOutput.contains("random-anchored"), "the start output names the method")
        let report = try Self.finalJSON(run)
        #expect(report["normalisation"] as? String == "random")
        #expect((report["flagged_tasks"] as? [String: String])?.isEmpty == true)
        let policy = Self.normalised(report, "policy"), random = Self.normalised(report, "random")
        #expect(policy.count == 9 && random.count == 9)
        #expect(policy.values.allSatisfy(\.isFinite) && random.values.allSatisfy(\.isFinite), "\(policy) \(random)")
        // The trained task's score is (R − R_random) / (R_ref − R_random) with the run's own references.
        let references = try ReferenceReturnTable.read(path: run.appendingPathComponent("reference-returns.tsv").path)
        let entry = try #require(references[Self.connectorTask])
        let row = (report["policy"] as? [[String: Any]])?.first { $0["task"] as? String == Self.connectorTask }
        let meanReturn = try #require(row?["mean_return"] as? Double)
        let expected = (meanReturn - entry.randomMean) / (entry.mean - entry.randomMean)
        #expect(abs(policy[Self.connectorTask]! - expected) < 1e-9)
        let printed = try ProcessRunner.run(try TrainerFixture.binary(), arguments: ["report", "--run", run.path], timeoutSeconds: 60)
        #expect(printed.exitStatus == 0 && printed.standardOutput.contains("(R − R_random) / (R_ref − R_random)"))
    }

    @Test("an older 3-column reference table: random returns are measured at run start and kept in the run; auto is the ratio on LBF")
    func olderTableIsCompletedAtRunStart() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-old-table")
        let data = try TrainerFixture.dataCopy(in: dir)
        let path = ReferenceReturnTable.path(dataDirectory: data, environment: "lbf")
        let table = try ReferenceReturnTable.read(path: path)
        let old = table.entries.keys.sorted().map { "\($0)\t\(table[$0]!.mean)\t\(table[$0]!.behaviour)" }.joined(separator: "\n")
        try ("# task\treference return (epsilon 0.05)\tbehaviour\n" + old + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let run = dir.file("run")
        let outcome = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: [
            "steps": "2", "final-eval-episodes": "2", "out": run.path]))
        try #require(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        #expect(outcome.standardOutput.contains("measured the random policy's return"), "\(outcome.standardOutput)")
        let kept = try ReferenceReturnTable.read(path: run.appendingPathComponent("reference-returns.tsv").path)
        #expect(!kept.entries.isEmpty && kept.entries.values.allSatisfy(\.hasRandom), "\(kept)")
        // Random play on LBF earns a little, far less than the reference.
        for (task, entry) in kept.entries { #expect(entry.randomMean >= 0 && entry.randomMean < entry.mean, "\(task): \(entry)") }
        let report = try Self.finalJSON(run)
        #expect(report["normalisation"] as? String == "ratio")
        #expect(outcome.standardOutput.contains("normalised return = R / R_ref"))
        // Under the ratio a policy's score is R / R_ref.
        let row = (report["policy"] as? [[String: Any]])?.first
        let task = try #require(row?["task"] as? String), meanReturn = try #require(row?["mean_return"] as? Double)
        #expect(abs(Self.normalised(report, "policy")[task]! - meanReturn / kept[task]!.mean) < 1e-9)
    }

    @Test("training tasks whose reference does not beat random are named, score NaN and select no checkpoint")
    func flaggedTasksSelectNothing() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-flagged")
        let data = try TrainerFixture.dataCopy(in: dir)
        let path = ReferenceReturnTable.path(dataDirectory: data, environment: "lbf")
        var table = try ReferenceReturnTable.read(path: path)
        let trained = TrainerFixture.tasks.split(separator: ",").map(String.init)
        for task in trained { table[task]!.randomMean = table[task]!.mean + 0.01 }  // random "beats" the reference
        try table.write(path: path)
        let run = dir.file("run")
        let outcome = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: [
            "steps": "4", "eval-every": "2", "eval-episodes": "2", "final-eval-episodes": "2", "out": run.path]))
        try #require(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        let warning = outcome.standardOutput.split(separator: "\n").drop { !$0.hasPrefix("warning:") }.prefix(1 + trained.count)
        #expect(trained.allSatisfy { task in warning.contains { $0.contains(task) } }, "\(outcome.standardOutput)")
        let report = try Self.finalJSON(run)
        #expect(Set((report["flagged_tasks"] as? [String: String] ?? [:]).keys) == Set(trained))
        #expect(trained.allSatisfy { Self.normalised(report, "policy")[$0]?.isNaN == true })
        // No training task has a score, so nothing was selected: the latest parameters are evaluated and labelled so.
        #expect(report["select_by"] as? String == "latest" && report["evaluated_update"] as? Int == 4)
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoints/best.ckpt").path))
        let printed = try ProcessRunner.run(try TrainerFixture.binary(), arguments: ["report", "--run", run.path], timeoutSeconds: 60)
        #expect(trained.allSatisfy { printed.standardOutput.contains($0 + ": reference") }, "\(printed.standardOutput)")
    }
}
