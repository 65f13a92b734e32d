import Environments
import Foundation
import Testing

/// The reference traces of jumanji 1.1.2 RobotWarehouse replay with zero mismatches.
@Suite struct RWARETraceTests {
    static let traces = [
        "rware-tiny-2ag-busy-s1", "rware-tiny-4ag-random-s2", "rware-tiny-4ag-easy-busy-s8",
        "rware-small-4ag-busy-s3", "rware-medium-6ag-busy-s14", "rware-large-8ag-hard-busy-s21",
    ]

    static func fixturePath(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures/rware")).path
    }

    @Test(arguments: traces)
    func everyTransitionMatchesTheReference(trace: String) throws {
        let report = try TraceChecker.check(path: try Self.fixturePath(trace))
        #expect(report.passed > 0)
        #expect(report.failed == 0, "first failure: \(String(describing: report.firstFailure))")
    }

    @Test func checkerReportsACorruptedObservation() throws {
        let path = try Self.fixturePath("rware-tiny-2ag-busy-s1")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let data = Data(lines[5].utf8)
        var transition = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var nextObs = try #require(transition["next_obs"] as? [[Double]])
        nextObs[1][20] += 1
        transition["next_obs"] = nextObs
        lines[5] = String(decoding: try JSONSerialization.data(withJSONObject: transition), as: UTF8.self)
        let corrupted = FileManager.default.temporaryDirectory
            .appendingPathComponent("rware-corrupted-\(UUID().uuidString).jsonl").path
        try lines.joined(separator: "\n").write(toFile: corrupted, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: corrupted) }

        let report = try TraceChecker.check(path: corrupted)
        #expect(report.failed == 1)
        let failure = try #require(report.firstFailure)
        #expect(failure.index == 4)
        #expect(failure.mismatch.field == "next_obs[1][20]")
    }
}
