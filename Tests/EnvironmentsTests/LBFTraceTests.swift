import Environments
import Foundation
import Testing

/// Every transition of the jumanji LBF reference traces replays exactly through `LBFBatch`.
@Suite struct LBFTraceTests {
    static let traceNames = [
        "lbf-8x8-2p-2f-coop_s1_greedy",
        "lbf-2s-8x8-2p-2f-coop_s2_greedy",
        "lbf-10x10-3p-3f_s3_random",
        "lbf-2s-10x10-3p-3f_s4_random-any",
        "lbf-15x15-4p-5f_s5_greedy",
    ]

    static func fixturePath(_ name: String) throws -> String {
        try #require(
            Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures/lbf"),
            "fixture \(name).jsonl missing"
        ).path
    }

    @Test(arguments: traceNames)
    func everyTransitionMatchesTheReference(name: String) throws {
        let report = try TraceChecker.check(path: try Self.fixturePath(name))
        #expect(report.passed > 0, "\(name): no transitions checked")
        #expect(report.failed == 0, "\(name): first failure \(String(describing: report.firstFailure))")
    }

    @Test func checkerReportsACorruptedObservation() throws {
        let path = try Self.fixturePath("lbf-8x8-2p-2f-coop_s1_greedy")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var transition = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        var nextObs = try #require(transition["next_obs"] as? [[Double]])
        nextObs[1][4] += 1
        transition["next_obs"] = nextObs
        let corrupted = String(decoding: try JSONSerialization.data(withJSONObject: transition), as: UTF8.self)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lbf-corrupt-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try ([lines[0], lines[1], lines[2], corrupted] + lines[4...]).joined(separator: "\n")
            .write(to: url, atomically: true, encoding: .utf8)

        let report = try TraceChecker.check(path: url.path)
        #expect(report.failed == 1)
        let failure = try #require(report.firstFailure)
        #expect(failure.index == 2)
        #expect(failure.mismatch.field == "next_obs[1][4]")
    }

    @Test func checkerReportsAWrongReward() throws {
        let path = try Self.fixturePath("lbf-15x15-4p-5f_s5_greedy")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(
            lines.indices.dropFirst().first {
                lines[$0].contains("\"eaten\":true") && !lines[$0].contains("\"reward\":0.0")
            })
        var transition = try #require(try JSONSerialization.jsonObject(with: Data(lines[index].utf8)) as? [String: Any])
        let reward = try #require(transition["reward"] as? Double)
        transition["reward"] = reward * 0.5
        var edited = lines
        edited[index] = String(decoding: try JSONSerialization.data(withJSONObject: transition), as: UTF8.self)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lbf-reward-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try edited.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)

        let report = try TraceChecker.check(path: url.path)
        #expect(report.failed == 1)
        #expect(report.firstFailure?.mismatch.field == "reward")
    }

    /// Header edits that make the task unusable: a grid below 5, the grid observer, a header whose
    /// sizes disagree with its task_params.
    static let badHeaderEdits = [
        ("\"grid_size\": 8", "\"grid_size\": 3", "grid_size"),
        ("\"observation\": \"vector\"", "\"observation\": \"grid\"", "observation"),
        ("\"obs_dim\": 12", "\"obs_dim\": 14", "obs_dim"),
    ]

    @Test(arguments: badHeaderEdits)
    func badTaskParamsAreReportedAsAFormatError(find: String, replace: String, named: String) throws {
        let path = try Self.fixturePath("lbf-8x8-2p-2f-coop_s1_greedy")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].replacingOccurrences(of: find, with: replace)
        #expect(header != lines[0])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lbf-header-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try ([header] + lines[1...]).joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: TraceFormatError.self) { try TraceChecker.check(path: url.path) }
        #expect(error?.line == 1)
        #expect(error?.reason.contains(named) == true, "\(String(describing: error))")
    }
}
