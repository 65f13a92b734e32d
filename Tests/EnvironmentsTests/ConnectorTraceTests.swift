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

    /// Writes the trace `name` with line `index` (0 = header) edited by `edit` to a temporary file.
    static func editedTrace(_ name: String, line index: Int, _ edit: (inout [String: Any]) throws -> Void) throws -> String {
        let text = try String(contentsOfFile: try tracePath(name), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(lines[index].utf8)) as? [String: Any])
        try edit(&object)
        lines[index] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("connector-\(UUID().uuidString).jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func checkerReportsACorruptedObservation() throws {
        let path = try Self.editedTrace("con-7x7x5a_s3_greedy", line: 3) { transition in
            var nextObs = try #require(transition["next_obs"] as? [[Double]])
            nextObs[2][20] += 0.5
            transition["next_obs"] = nextObs
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceChecker.check(path: path)
        #expect(report.failed == 1)
        let failure = try #require(report.firstFailure)
        #expect(failure.index == 2)
        #expect(failure.mismatch.field == "next_obs[2][20]")
    }

    @Test func checkerReportsAWrongReward() throws {
        let path = try Self.editedTrace("con-5x5x3a_s1_greedy", line: 1) { $0["reward"] = 0.5 }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceChecker.check(path: path)
        #expect(report.firstFailure?.mismatch.field == "reward")
    }

    @Test func checkerReportsAWrongNextPosition() throws {
        let path = try Self.editedTrace("con-5x5x3a_s1_greedy", line: 1) { transition in
            var next = try #require(transition["next_state"] as? [String: Any])
            var agents = try #require(next["agents"] as? [[String: Any]])
            agents[2]["position"] = [4, 4]
            next["agents"] = agents
            transition["next_state"] = next
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceChecker.check(path: path)
        #expect(report.firstFailure?.mismatch.field == "next_state.agents[2].position")
    }

    @Test func malformedStatesAndParametersThrowInsteadOfCrashing() throws {
        let badGrid = try Self.editedTrace("con-5x5x3a_s1_greedy", line: 1) { transition in
            var state = try #require(transition["state"] as? [String: Any])
            state["grid"] = [[0, 0], [0, 0]]
            transition["state"] = state
        }
        defer { try? FileManager.default.removeItem(atPath: badGrid) }
        #expect(throws: TraceFormatError.self) { try TraceChecker.check(path: badGrid) }
        let badTask = try Self.editedTrace("con-5x5x3a_s1_greedy", line: 0) { header in
            var params = try #require(header["task_params"] as? [String: Any])
            params["num_agents"] = 40
            header["task_params"] = params
        }
        defer { try? FileManager.default.removeItem(atPath: badTask) }
        #expect(throws: TraceFormatError.self) { try TraceChecker.check(path: badTask) }
    }
}
