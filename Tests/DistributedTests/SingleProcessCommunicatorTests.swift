import Distributed
import Testing

@Suite struct SingleProcessCommunicatorTests {
    let communicator = SingleProcessCommunicator()

    @Test func isRankZeroOfOne() {
        #expect(communicator.rank == 0)
        #expect(communicator.size == 1)
    }

    @Test func reductionsAndBroadcastLeaveValuesUnchanged() throws {
        let original: [Float] = [1.5, -2, 3e-8, .greatestFiniteMagnitude]
        var floats = original
        try communicator.allReduceSum(&floats)
        try communicator.allReduceMax(&floats)
        try communicator.broadcast(&floats, root: 0)
        #expect(floats == original)
        var doubles: [Double] = [0.1, -7]
        try communicator.allReduceSum(&doubles)
        try communicator.allReduceMax(&doubles)
        #expect(doubles == [0.1, -7])
    }

    @Test func allGatherReturnsOwnValuesAsRankZero() throws {
        #expect(try communicator.allGather(UInt64(42)) == [42])
        #expect(try communicator.allGather([1.0, 2.0]) == [[1.0, 2.0]])
    }

    @Test func identicalChecksPassForOneRank() throws {
        try [Float](repeating: 1, count: 10).withUnsafeBufferPointer { try communicator.checkIdentical(parameters: $0) }
        try communicator.checkIdentical(text: "embed = 64")
    }

    @Test func nonBlockingSumIsCompleteAfterWait() throws {
        var values: [Float] = [3, 4]
        try values.withUnsafeMutableBufferPointer { try communicator.startAllReduceSum($0).wait() }
        #expect(values == [3, 4])
    }
}
