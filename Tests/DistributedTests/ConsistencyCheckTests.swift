import Distributed
import Testing
import TestSupport

@Suite struct ConsistencyCheckTests {
    @Test func hashChangesWithAnySingleFloatAndWithLength() {
        var values = (0..<1_001).map { Float($0) * 0.5 }
        let reference = values.withUnsafeBufferPointer { StableHash.hash($0) }
        for index in [0, 7, 8, 500, 999, 1_000] {
            values[index] += 1
            #expect(values.withUnsafeBufferPointer { StableHash.hash($0) } != reference, "index \(index)")
            values[index] -= 1
        }
        #expect(values.withUnsafeBufferPointer { StableHash.hash($0) } == reference)
        #expect(values.dropLast().withUnsafeBufferPointer { StableHash.hash($0) } != reference)
        #expect(StableHash.hash("seed = 1") != StableHash.hash("seed = 2"))
        #expect(StableHash.hash("") != StableHash.hash("\0"))
    }

    @Test func parameterMismatchNamesTheDifferingRanks() {
        #expect {
            _ = try SimulatedRanks.run(size: 4) { communicator in
                var parameters = [Float](repeating: 0.25, count: 333)
                if communicator.rank == 1 || communicator.rank == 3 { parameters[100] = 0.5 }
                try parameters.withUnsafeBufferPointer { try communicator.checkIdentical(parameters: $0) }
            }
        } throws: { error in
            guard case let .rankFailed(_, underlying) = error as? SimulatedRanksError,
                  let mismatch = underlying as? RankMismatchError else { return false }
            return mismatch.differingRanks == [1, 3] && "\(mismatch)".contains("ranks 1, 3 differ from rank 0")
        }
    }

    @Test func identicalConfigsPass() throws {
        _ = try SimulatedRanks.run(size: 3) { communicator in
            try communicator.checkIdentical(text: "env = lbf\nembed = 64\n")
        }
    }

    @Test func chunksSplitCountsBelowTheLimit() {
        #expect(MPICommunicator.chunks(count: 0, limit: 4).isEmpty)
        #expect(MPICommunicator.chunks(count: 10, limit: 4) == [0..<4, 4..<8, 8..<10])
        #expect(MPICommunicator.chunks(count: 13_000_000) == [0..<13_000_000])
        #expect(MPICommunicator.chunks(count: 5_000_000_000).count == 3)
    }
}
