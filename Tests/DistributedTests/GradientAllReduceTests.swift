import Distributed
import Testing
import TestSupport

@Suite struct GradientAllReduceTests {
    @Test func bucketsCoverTheBufferInAlignedSteps() {
        let reducer = GradientAllReduce(communicator: SingleProcessCommunicator(), count: 1_000_003, bucketBytes: 4 << 20)
        let ranges = reducer.bucketRanges
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.last?.upperBound == 1_000_003)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.allSatisfy { $0.lowerBound % 16 == 0 && $0.count <= (4 << 20) / 4 })
        #expect(ranges.count == 1)
    }

    @Test func oddBucketSizesRoundDownToSixteenFloats() {
        let reducer = GradientAllReduce(communicator: SingleProcessCommunicator(), count: 1000, bucketBytes: 100)
        #expect(reducer.bucketRanges.count == 1000 / 16 + 1)
        #expect(reducer.bucketRanges.dropLast().allSatisfy { $0.count == 16 })
    }

    /// Sums over 3 simulated ranks, for blocking and overlapped modes, with gradients marked final
    /// from the end in uneven pieces and some never marked.
    @Test(arguments: [false, true])
    func bucketedSumEqualsElementWiseSum(overlaps: Bool) throws {
        let count = 5_000
        let results = try SimulatedRanks.run(size: 3) { communicator in
            var gradients = (0..<count).map { Float((communicator.rank + 1) * ($0 % 101)) }
            let reducer = GradientAllReduce(
                communicator: communicator, count: count, bucketBytes: 1_024, overlapsWithBackward: overlaps)
            try gradients.withUnsafeMutableBufferPointer { buffer in
                try reducer.allReduce(buffer) { tracker in
                    try tracker.markFinal(4_000..<count)
                    try tracker.markFinal(2_500..<4_000)
                    try tracker.markFinal(1_000..<2_500)
                }
            }
            return gradients
        }
        let expected = (0..<count).map { Float(6 * ($0 % 101)) }
        for (rank, gradients) in results.enumerated() {
            #expect(gradients == expected, "rank \(rank)")
        }
    }
}
