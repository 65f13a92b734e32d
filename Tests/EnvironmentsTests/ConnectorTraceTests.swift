import Environments
import Foundation
import Testing

/// Replays every public Connector reference trace (jumanji 1.1.2 + Mava vector wrapper).
@Suite struct ConnectorTraceTests {
    static let traceNames = [
        "con-5x5x3a_s1_greedy", "con-5x5x3a_s6_greedy-idle0", "con-7x7x5a_s2_random", "con-7x7x5a_s3_greedy",
        "con-10x10x10a_s4_greedy", "con-10x10x10a_s5_random-any",
    ]

    static func tracePath(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures/connector"),
            "fixture \(name).jsonl is missing")
        return url.path
    }

    @Test(arguments: traceNames)
    func everyTransitionMatchesTheReference(trace: String) throws {
        let report = try TraceChecker.check(path: try Self.tracePath(trace))
        #expect(report.passed > 0)
        #expect(report.failed == 0, "first failure: \(String(describing: report.firstFailure))")
    }

    @Test func checkerReportsACorruptedObservation() throws {
        let text = try String(contentsOfFile: try Self.tracePath("con-7x7x5a_s3_greedy"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var transition = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        var nextObs = try #require(transition["next_obs"] as? [[Double]])
        nextObs[2][20] += 0.5
        transition["next_obs"] = nextObs
        lines[3] = String(decoding: try JSONSerialization.data(withJSONObject: transition), as: UTF8.self)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("connector-corrupt-\(UUID().uuidString).jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceChecker.check(path: path)
        #expect(report.failed == 1)
        let failure = try #require(report.firstFailure)
        #expect(failure.index == 2)
        #expect(failure.mismatch.field == "next_obs[2][20]")
    }

    @Test func checkerReportsAWrongReward() throws {
        let text = try String(contentsOfFile: try Self.tracePath("con-5x5x3a_s1_greedy"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var transition = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        transition["reward"] = 0.5
        lines[1] = String(decoding: try JSONSerialization.data(withJSONObject: transition), as: UTF8.self)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("connector-reward-\(UUID().uuidString).jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceChecker.check(path: path)
        #expect(report.firstFailure?.mismatch.field == "reward")
    }
}
