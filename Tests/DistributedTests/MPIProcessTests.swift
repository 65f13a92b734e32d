import Testing
import TestSupport

/// Runs `mpi-probe` (Tests/MPIProbe) under real `mpirun -n 2` and `-n 3`, and alone as an MPI
/// singleton. Serialized: these jobs compete for the same few cores.
@Suite(.serialized) struct MPIProcessTests {
    let launcher: MPIRunLauncher
    let probe: String

    init() throws {
        launcher = try MPIRunLauncher()
        probe = try MPIRunLauncher.productPath(named: "mpi-probe")
    }

    /// Expects exit status 0 and one `OK <check> rank r` line per check and rank, no FAIL line.
    func expectAllOK(_ outcome: ProcessOutcome, checks: [String], ranks: Int, _ label: String) {
        #expect(!outcome.timedOut, "\(label) timed out:\n\(outcome.combinedOutput)")
        #expect(outcome.exitStatus == 0, "\(label) exit status:\n\(outcome.combinedOutput)")
        #expect(!outcome.standardOutput.contains("FAIL"), "\(label):\n\(outcome.combinedOutput)")
        let lines = Set(outcome.standardOutput.split(separator: "\n").map(String.init))
        for check in checks {
            for rank in 0..<ranks {
                #expect(lines.contains("OK \(check) rank \(rank)"), "\(label): no OK for \(check) on rank \(rank)")
            }
        }
    }

    @Test(arguments: [2, 3])
    func allReduceOf13MillionValuesIsExact(ranks: Int) throws {
        let outcome = try launcher.run(ranks: ranks, program: probe, arguments: ["allreduce", "13000000"])
        expectAllOK(outcome, checks: ["allreduce-sum-float", "allreduce-sum-double", "allreduce-max-float",
                                      "allreduce-max-double", "iallreduce-sum-float"],
                    ranks: ranks, "allreduce -n \(ranks)")
    }

    @Test(arguments: [2, 3])
    func broadcastOf13MillionValuesIsExact(ranks: Int) throws {
        let outcome = try launcher.run(ranks: ranks, program: probe, arguments: ["broadcast", "13000000"])
        expectAllOK(outcome, checks: ["broadcast-float", "broadcast-double", "broadcast-uint8"],
                    ranks: ranks, "broadcast -n \(ranks)")
    }

    @Test(arguments: [2, 3])
    func allGatherOrdersValuesByRank(ranks: Int) throws {
        let outcome = try launcher.run(ranks: ranks, program: probe, arguments: ["allgather"])
        expectAllOK(outcome, checks: ["allgather-uint64", "allgather-doubles", "barrier"], ranks: ranks,
                    "allgather -n \(ranks)")
    }

    /// 1,000,003 floats in 64 KB buckets (62 buckets), blocking and overlapped.
    @Test(arguments: [(2, "off"), (3, "off"), (2, "on"), (3, "on")])
    func bucketedGradientSumIsExact(ranks: Int, overlap: String) throws {
        let outcome = try launcher.run(ranks: ranks, program: probe, arguments: ["buckets", "1000003", "65536", overlap])
        let mode = overlap == "on" ? "overlapped" : "blocking"
        expectAllOK(outcome, checks: ["buckets-\(mode)-62"], ranks: ranks, "buckets \(overlap) -n \(ranks)")
    }

    @Test func identicalParametersPassTheChecksum() throws {
        let outcome = try launcher.run(ranks: 3, program: probe, arguments: ["checksum", "match"])
        expectAllOK(outcome, checks: ["checksum"], ranks: 3, "checksum match")
    }

    /// Rank 1's parameters (checksum) or rank 2's config text (config) differ: the job stops
    /// without an OK line, naming the rank.
    @Test(arguments: [
        ("checksum", "parameter checksum differs across ranks: rank 1 differs from rank 0"),
        ("config", "resolved configuration differs across ranks: rank 2 differs from rank 0"),
    ])
    func aMismatchNamesTheRankAndStopsTheJob(check: String, message: String) throws {
        let outcome = try launcher.run(ranks: 3, program: probe, arguments: [check, "mismatch"], timeoutSeconds: 120)
        #expect(!outcome.timedOut)
        #expect(outcome.exitStatus != 0)
        #expect(outcome.standardError.contains(message), "\(outcome.combinedOutput)")
        #expect(!outcome.standardOutput.contains("OK \(check)"))
    }

    /// Rank 2 aborts while ranks 0 and 1 wait in a barrier: the job must end, non-zero, long
    /// before the time limit (a hang would run into it), with rank 2's message.
    @Test func abortEndsEveryRankAndNamesTheRank() throws {
        let outcome = try launcher.run(ranks: 3, program: probe, arguments: ["abort"], timeoutSeconds: 45)
        #expect(!outcome.timedOut, "abort did not end the job:\n\(outcome.combinedOutput)")
        #expect(outcome.exitStatus != 0)
        #expect(outcome.standardError.contains("[rank 2] error: deliberate failure for the abort test"),
                "\(outcome.combinedOutput)")
        #expect(!outcome.standardOutput.contains("FAIL"))
    }

    /// Rank 2 exits with status 3 without finalizing: the job must end (not wait in MPI_Finalize
    /// for the exit handler's 60 s watchdog), with a non-zero status.
    @Test func aRankExitingWithAnErrorEndsTheJob() throws {
        let outcome = try launcher.run(ranks: 3, program: probe, arguments: ["exit-early"], timeoutSeconds: 45)
        #expect(!outcome.timedOut, "the job hung after rank 2 exited:\n\(outcome.combinedOutput)")
        #expect(outcome.exitStatus != 0)
        #expect(!outcome.standardOutput.contains("FAIL"))
    }

    @Test func mpiFailureBecomesAnErrorNamingTheCallAndRank() throws {
        let outcome = try launcher.run(ranks: 2, program: probe, arguments: ["mpi-error"], timeoutSeconds: 120)
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        for rank in 0..<2 {
            #expect(outcome.standardOutput.contains("OK mpi-error rank \(rank): [rank \(rank)] MPI_Bcast failed: MPI_ERR_ROOT"),
                    "\(outcome.combinedOutput)")
        }
    }

    @Test(arguments: ["explicit", "atexit"])
    func normalExitFinalizesCleanly(mode: String) throws {
        let outcome = try launcher.run(ranks: 2, program: probe, arguments: ["finalize", mode], timeoutSeconds: 120)
        expectAllOK(outcome, checks: ["finalize-sum"], ranks: 2, "finalize \(mode)")
        #expect(!outcome.standardError.contains("finalize"), "\(outcome.combinedOutput)")
    }

    // MARK: - Singleton: the same program started without mpirun is rank 0 of 1.

    @Test func withoutMPIRunTheProbeIsRankZeroOfOne() throws {
        let outcome = try ProcessRunner.run(probe, arguments: ["info"], timeoutSeconds: 60)
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        #expect(outcome.standardOutput == "rank 0 size 1\n")
    }

    @Test(arguments: [
        (["allreduce", "100000"], ["allreduce-sum-float", "allreduce-sum-double", "allreduce-max-float",
                                   "allreduce-max-double", "iallreduce-sum-float"]),
        (["broadcast", "1000"], ["broadcast-float", "broadcast-double", "broadcast-uint8"]),
        (["allgather"], ["allgather-uint64", "allgather-doubles", "barrier"]),
        (["buckets", "100000", "4096", "on"], ["buckets-overlapped-98"]),
        (["finalize", "atexit"], ["finalize-sum"]),
    ])
    func singletonCollectivesAreIdentities(arguments: [String], checks: [String]) throws {
        let outcome = try ProcessRunner.run(probe, arguments: arguments, timeoutSeconds: 60)
        expectAllOK(outcome, checks: checks, ranks: 1, "singleton \(arguments.joined(separator: " "))")
    }

    @Test func singletonAbortPrintsTheRankAndExitsNonZero() throws {
        let outcome = try ProcessRunner.run(probe, arguments: ["abort"], timeoutSeconds: 60)
        #expect(!outcome.timedOut)
        #expect(outcome.exitStatus != 0)
        #expect(outcome.standardError.hasPrefix("[rank 0] error: deliberate failure for the abort test\n"))
    }
}
