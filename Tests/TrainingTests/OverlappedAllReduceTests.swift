import Foundation
import Testing
import TestSupport
import Training

/// Issue #17 part 2: the gradient all-reduce overlapped with backward gives the blocking path's
/// gradient and parameters bit for bit, under real mpirun.
@Suite(.serialized) struct OverlappedAllReduceTests {
    /// 1 KiB buckets: the small model's gradient spans dozens of buckets, most of which start while
    /// backward still runs.
    static let smallBuckets = ["--bucket-kb", "1"]

    func dumpGradient(ranks: Int, overlap: String) throws -> [Float] {
        let dir = try TemporaryDirectory(prefix: "mtrl-overlap")
        let path = dir.file("gradient.bin").path
        let outcome = try TrainerFixture.train(ranks: ranks, TrainerFixture.smallRun + Self.smallBuckets + [
            "--overlap-allreduce", overlap, "--out", dir.file("run").path, "--dump-gradient", path])
        try #require(outcome.exitStatus == 0, "train failed: \(outcome.combinedOutput)")
        return try TrainerFixture.floats(at: path)
    }

    @Test("mpirun -n R: the overlapped all-reduce's gradient is the blocking one's, bit for bit", arguments: [2, 3])
    func overlappedGradientEqualsBlocking(ranks: Int) throws {
        let blocking = try dumpGradient(ranks: ranks, overlap: "off")
        let overlapped = try dumpGradient(ranks: ranks, overlap: "on")
        #expect(blocking.contains { $0 != 0 })
        let differing = zip(overlapped, blocking).filter { $0 != $1 }.count
        #expect(overlapped.count == blocking.count && differing == 0,
                "ranks \(ranks): \(differing) values differ, largest by \(TrainerFixture.relativeDifference(blocking, overlapped))")
    }

    @Test("mpirun -n 2: five updates with and without overlap end with the same parameters")
    func overlappedTrainingEqualsBlocking() throws {
        var reports: [String: FinalReport] = [:]
        for overlap in ["off", "on"] {
            let dir = try TemporaryDirectory(prefix: "mtrl-overlap-run")
            let outcome = try TrainerFixture.train(ranks: 2, TrainerFixture.smallRun + Self.smallBuckets + [
                "--overlap-allreduce", overlap, "--steps", "5", "--checksum-every", "1", "--out", dir.file("run").path])
            try #require(outcome.exitStatus == 0, "train failed: \(outcome.combinedOutput)")
            reports[overlap] = try FinalReport.read(path: dir.file("run/final.json").path)
        }
        let blocking = try #require(reports["off"]), overlapped = try #require(reports["on"])
        #expect(overlapped.parameterChecksum == blocking.parameterChecksum)
        for report in [blocking, overlapped] {
            let phases = try #require(report.updatePhases, "final.json has no update_phases")
            #expect(phases.forward > 0 && phases.backward > 0 && phases.allReduceWait > 0 && phases.optimizer > 0)
        }
    }
}
