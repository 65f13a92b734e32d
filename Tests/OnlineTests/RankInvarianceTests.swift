import Foundation
import Testing
import TestSupport

/// One PPO update on R ranks, each holding E/R of the same E env sequences, equals one rank's
/// update on all E (advantages normalised and losses averaged over the global minibatch):
/// `online-probe` (Tests/OnlineProbe) under real `mpirun -n R`.
@Suite(.serialized) struct RankInvarianceTests {
    func parameters(ranks: Int) throws -> [Float] {
        let dir = try TemporaryDirectory(prefix: "online-ranks")
        let out = dir.file("parameters.bin").path
        let outcome = try MPIRunLauncher().run(ranks: ranks, program: try MPIRunLauncher.productPath(named: "online-probe"),
                                               arguments: ["8", out], timeoutSeconds: 120)
        try #require(outcome.exitStatus == 0, "online-probe on \(ranks) rank(s): \(outcome.combinedOutput)")
        // The update moved the parameters (the comparison is not between two initialisations).
        let moved = outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("moved ") }.flatMap { Float($0.dropFirst(6)) }
        #expect((moved ?? 0) > 1e-4, "\(outcome.standardOutput)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test("mpirun -n R: the update on E/R envs per rank equals one rank's on all E", arguments: [2, 4])
    func updateIsRankCountInvariant(ranks: Int) throws {
        let single = try parameters(ranks: 1)
        let distributed = try parameters(ranks: ranks)
        #expect(single.count == distributed.count && !single.isEmpty)
        let scale = single.map { abs($0) }.max() ?? 0
        let largest = zip(single, distributed).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest <= 1e-5 * scale, "largest difference \(largest) (largest parameter \(scale)) on \(ranks) ranks")
    }
}
