import Foundation
import Testing
import TestSupport
import Training

/// The all-reduced gradient of the first update is the Eq. 1 gradient of the whole minibatch,
/// whatever the rank count (issue #7): real `mpirun -n R` against one process.
@Suite(.serialized) struct DistributedGradientTests {
    func dumpGradient(ranks: Int, extra: [String] = [], algo: String = "oryx") throws -> [Float] {
        let dir = try TemporaryDirectory(prefix: "mtrl-grad")
        let path = dir.file("gradient.bin").path
        let outcome = try TrainerFixture.train(ranks: ranks, TrainerFixture.smallRun + extra + [
            "--algo", algo, "--out", dir.file("run").path, "--dump-gradient", path])
        try #require(outcome.exitStatus == 0, "train failed: \(outcome.combinedOutput)")
        return try TrainerFixture.floats(at: path)
    }

    @Test("mpirun -n R gradient equals the one-process gradient", arguments: [2, 3, 5])
    func mpiGradientEqualsSingleProcess(ranks: Int) throws {
        let single = try dumpGradient(ranks: 1)
        let distributed = try dumpGradient(ranks: ranks)
        #expect(single.contains { $0 != 0 })
        #expect(TrainerFixture.relativeDifference(single, distributed) <= 1e-5, "ranks \(ranks)")
    }

    @Test("simulated ranks give the one-process gradient", arguments: [3, 5])
    func simulatedGradientEqualsSingleProcess(ranks: Int) throws {
        let single = try dumpGradient(ranks: 1)
        let simulated = try dumpGradient(ranks: 1, extra: ["--simulate-ranks", "\(ranks)"])
        #expect(TrainerFixture.relativeDifference(single, simulated) <= 1e-5, "simulated ranks \(ranks)")
    }

    @Test("BC and CQL gradients are rank-count invariant too", arguments: ["bc", "cql"])
    func otherLossesAreRankInvariant(algo: String) throws {
        let single = try dumpGradient(ranks: 1, algo: algo)
        let distributed = try dumpGradient(ranks: 3, algo: algo)
        #expect(TrainerFixture.relativeDifference(single, distributed) <= 1e-5, "\(algo)")
    }

    @Test("the no-masking ablation (padded batches, absent slots leak into retention) changes the gradient and is rank-count invariant")
    func paddedAblationIsRankInvariant() throws {
        let masked = try dumpGradient(ranks: 1)
        let single = try dumpGradient(ranks: 1, extra: ["--masking", "off"])
        let distributed = try dumpGradient(ranks: 3, extra: ["--masking", "off"])
        #expect(TrainerFixture.relativeDifference(masked, single) > 1e-3, "absent slots must take part without masking")
        #expect(TrainerFixture.relativeDifference(single, distributed) <= 1e-5, "--masking off")
    }

    @Test("the plain masked mean is not Eq. 1: changing the reduction changes the gradient")
    func gradientDependsOnTaskBalancing() throws {
        // Proportional batching draws another minibatch: a sanity check that the dump reflects the plan.
        let balanced = try dumpGradient(ranks: 1)
        let proportional = try dumpGradient(ranks: 1, extra: ["--batching", "proportional"])
        #expect(TrainerFixture.relativeDifference(balanced, proportional) > 1e-3)
    }
}
