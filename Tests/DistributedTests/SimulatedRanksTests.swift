import Distributed
import Foundation
import Testing
import TestSupport

/// Records which rank ran which segment, and whether two ranks ever ran at once.
private final class ExecutionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private(set) var entries: [String] = []
    private(set) var overlapped = false

    func segment(_ label: String, _ work: () -> Void = {}) {
        lock.withLock {
            running += 1
            if running > 1 { overlapped = true }
        }
        work()
        usleep(1_000)
        lock.withLock {
            entries.append(label)
            running -= 1
        }
    }
}

@Suite struct SimulatedRanksTests {
    @Test(arguments: [1, 2, 3, 5])
    func allReduceSumsInRankOrderAndMaxIsElementWise(ranks: Int) throws {
        let results = try SimulatedRanks.run(size: ranks) { communicator in
            var floats = (0..<1000).map { Float((communicator.rank + 1) * ($0 % 97 + 1)) }
            try communicator.allReduceSum(&floats)
            var doubles = (0..<10).map { Double(communicator.rank) - Double($0) }
            try communicator.allReduceMax(&doubles)
            return (floats, doubles)
        }
        let ranksSum = ranks * (ranks + 1) / 2
        for (rank, result) in results.enumerated() {
            #expect(result.0 == (0..<1000).map { Float(ranksSum * ($0 % 97 + 1)) }, "rank \(rank)")
            #expect(result.1 == (0..<10).map { Double(ranks - 1) - Double($0) }, "rank \(rank)")
        }
    }

    @Test func sumMatchesSequentialRankOrderBitForBit() throws {
        let ranks = 4
        let contribution: @Sendable (Int) -> [Float] = { rank in (0..<64).map { Float(sin(Double($0 * 7 + rank * 13))) * 1e3 } }
        var expected = contribution(0)
        for rank in 1..<ranks {
            let values = contribution(rank)
            for index in expected.indices { expected[index] += values[index] }
        }
        let results = try SimulatedRanks.run(size: ranks) { communicator in
            var values = contribution(communicator.rank)
            try communicator.allReduceSum(&values)
            return values
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func broadcastCopiesRootsBufferAndAllGatherOrdersByRank() throws {
        let results = try SimulatedRanks.run(size: 3) { communicator in
            var values: [Double] = communicator.rank == 2 ? [7, 8, 9] : [0, 0, 0]
            try communicator.broadcast(&values, root: 2)
            let gathered = try communicator.allGather(UInt64(100 + communicator.rank))
            let pairs = try communicator.allGather([Int32(communicator.rank), -1])
            return (values, gathered, pairs)
        }
        for result in results {
            #expect(result.0 == [7, 8, 9])
            #expect(result.1 == [100, 101, 102])
            #expect(result.2 == [[0, -1], [1, -1], [2, -1]])
        }
    }

    @Test func ranksRunOneAtATimeInRankOrderBetweenCollectives() throws {
        let log = ExecutionLog()
        _ = try SimulatedRanks.run(size: 3) { communicator in
            for step in 0..<3 {
                log.segment("rank \(communicator.rank) step \(step)")
                try communicator.barrier()
            }
        }
        let expected = (0..<3).flatMap { step in (0..<3).map { "rank \($0) step \(step)" } }
        #expect(log.entries == expected)
        #expect(!log.overlapped)
    }

    @Test func aRankThatThrowsFailsTheRunInsteadOfHanging() {
        struct Deliberate: Error {}
        #expect {
            _ = try SimulatedRanks.run(size: 3) { communicator in
                if communicator.rank == 1 { throw Deliberate() }
                try communicator.barrier()
                try communicator.barrier()
            }
        } throws: { error in
            guard case let .rankFailed(rank, underlying) = error as? SimulatedRanksError else { return false }
            return rank == 1 && underlying is Deliberate
        }
    }

    @Test func aRankThatReturnsEarlyIsNamed() {
        #expect {
            _ = try SimulatedRanks.run(size: 3) { communicator in
                if communicator.rank == 2 { return }
                try communicator.barrier()
            }
        } throws: { error in
            guard case let .rankFinishedEarly(_, _, finishedRank) = error as? SimulatedRanksError else { return false }
            return finishedRank == 2
        }
    }

    @Test func mismatchedCountsThrow() {
        #expect {
            _ = try SimulatedRanks.run(size: 2) { communicator in
                var values = [Float](repeating: 1, count: 3 + communicator.rank)
                try communicator.allReduceSum(&values)
            }
        } throws: { error in
            guard case .mismatchedCollectives = error as? SimulatedRanksError else { return false }
            return true
        }
    }
}
