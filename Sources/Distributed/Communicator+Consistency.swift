/// A value that must be identical on every rank (config, parameters) is not.
public struct RankMismatchError: Error, CustomStringConvertible, Sendable {
    /// What was compared, e.g. "parameter checksum after update 500".
    public let what: String
    /// Each rank's hash, indexed by rank.
    public let hashes: [UInt64]
    /// The ranks whose hash differs from rank 0's, ascending.
    public let differingRanks: [Int]
    /// What to do about it.
    public let hint: String

    public var description: String {
        let ranks = differingRanks.map(String.init).joined(separator: ", ")
        let subject = differingRanks.count == 1 ? "rank \(ranks) differs" : "ranks \(ranks) differ"
        let table = hashes.enumerated().map { "rank \($0.offset): \(hex($0.element))" }.joined(separator: ", ")
        return "\(what) differs across ranks: \(subject) from rank 0 (\(table)); \(hint)"
    }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension Communicator {
    /// All-gathers `hash` and throws on every rank if any rank's differs from rank 0's.
    /// - Throws: `RankMismatchError` naming the differing ranks; `MPIError` if the gather fails.
    public func checkIdentical(hash: UInt64, what: String, hint: String) throws {
        let hashes = try allGather(hash)
        let differing = hashes.indices.filter { hashes[$0] != hashes[0] }
        guard differing.isEmpty else {
            throw RankMismatchError(what: what, hashes: hashes, differingRanks: differing, hint: hint)
        }
    }

    /// Parameter checksum: throws on every rank if `parameters` differs bit-wise from rank 0's.
    /// - Throws: `RankMismatchError` naming the differing ranks.
    public func checkIdentical(parameters: UnsafeBufferPointer<Float>, what: String = "parameter checksum") throws {
        try checkIdentical(
            hash: StableHash.hash(parameters), what: what,
            hint: "the ranks' parameters diverged (non-deterministic reduction or a rank-dependent update); "
                + "re-run with --simulate-ranks to step through it.")
    }

    /// Start-up check: throws on every rank if `text` (e.g. the resolved config and parameter
    /// layout) differs from rank 0's.
    /// - Throws: `RankMismatchError` naming the differing ranks.
    public func checkIdentical(text: String, what: String = "resolved configuration") throws {
        try checkIdentical(
            hash: StableHash.hash(text), what: what,
            hint: "give every rank the same flags, config file and build (check the hostfile and paths).")
    }
}
