import Foundation
import Testing
import TestSupport
import Training

/// Learning for real (issue #6): one LBF task's heuristic data at low ε (`collect --stages 1`,
/// ε = 0.05), a small model trained by the real `mtrl-dist train`, then acting in the real
/// environment for the final evaluation against the random policy.
@Suite struct RealDataLearningTests {
    static let task = "lbf-8x8-2p-2f-coop"

    static let dataDirectory: Result<String, any Error> = Result {
        try TrainerFixture.collect(prefix: "mtrl-learning-data", ["--task", task, "--episodes", "100", "--stages", "1",
                                                                  "--seed", "11", "--reference-episodes", "4"])
    }

    struct Outcome {
        /// Per logged update: the training metrics row.
        let rows: [[String: Any]]
        let normalisedReturn: Double
        let randomNormalisedReturn: Double

        func mean(_ key: String, _ rows: ArraySlice<[String: Any]>) -> Double {
            rows.map { ($0[key] as? Double) ?? .nan }.reduce(0, +) / Double(rows.count)
        }
        func first(_ key: String) -> Double { mean(key, rows.prefix(3)) }
        func last(_ key: String) -> Double { mean(key, rows.suffix(3)) }
    }

    /// Trains `algo` for `steps` updates (E = 32, 2 heads, B = 32, T = 10, lr 3e-3, one thread) and
    /// evaluates the latest parameters for 64 episodes.
    static func train(_ algo: String, steps: Int) throws -> Outcome {
        let dir = try TemporaryDirectory(prefix: "mtrl-learning-\(algo)")
        let run = dir.file("run")
        let outcome = try ProcessRunner.run(try TrainerFixture.binary(), arguments: [
            "train", "--data", try dataDirectory.get(), "--env", "lbf", "--tasks", task, "--algo", algo,
            "--embed", "32", "--heads", "2", "--batch", "32", "--chunk", "10", "--steps", "\(steps)", "--lr", "0.003",
            "--log-every", "\(steps / 10)", "--eval-every", "0", "--final-eval-episodes", "64", "--seed", "1",
            "--out", run.path], environment: ["OPENBLAS_NUM_THREADS": "1"], timeoutSeconds: 900)
        guard outcome.exitStatus == 0 else { throw FixtureError("train failed: \(outcome.combinedOutput)") }
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        let rows = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "train" }
        let final = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("final.json")))
            as? [String: Any]
        func score(_ key: String) -> Double {
            let entries = final?[key] as? [[String: Any]] ?? []
            return entries.first { $0["task"] as? String == task }?["normalised_return"] as? Double ?? .nan
        }
        return Outcome(rows: rows, normalisedReturn: score("policy"), randomNormalisedReturn: score("random"))
    }

    @Test("BC reaches 95 % action accuracy on low-ε heuristic data and acts far above random")
    func behaviourCloning() throws {
        let result = try Self.train("bc", steps: 1500)
        #expect(result.rows.count == 10)
        #expect(result.last("action_accuracy") >= 0.95, "accuracy \(result.first("action_accuracy")) → \(result.last("action_accuracy"))")
        #expect(result.last("loss") < 0.3 * result.first("loss"), "loss \(result.first("loss")) → \(result.last("loss"))")
        #expect(result.normalisedReturn >= 0.5 && result.normalisedReturn > 10 * result.randomNormalisedReturn,
                "normalised return \(result.normalisedReturn), random \(result.randomNormalisedReturn)")
    }

    @Test("Oryx and CQL losses fall and their policies act far above random", arguments: ["oryx", "cql"])
    func valueBased(_ algo: String) throws {
        let result = try Self.train(algo, steps: 1000)
        // Oryx: the ICQ policy term (its critic's targets move with the target network); CQL: the total.
        let (term, factor) = algo == "oryx" ? ("policy", 0.6) : ("loss", 0.97)
        #expect(result.last(term) < factor * result.first(term), "\(term) \(result.first(term)) → \(result.last(term))")
        #expect(result.normalisedReturn > 5 * result.randomNormalisedReturn,
                "normalised return \(result.normalisedReturn), random \(result.randomNormalisedReturn)")
    }
}
