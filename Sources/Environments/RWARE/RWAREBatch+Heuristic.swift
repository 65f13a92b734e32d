extension RWAREBatch {
    /// Scripted fetch–deliver–return actions for every copy (see `RWAREHeuristic`); with probability
    /// `epsilon` per agent a uniformly random legal action. Shapes: `actions` (copies, N).
    public func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        precondition(
            actions.count == copyCount * agentCount,
            "actions has \(actions.count) entries, expected \(copyCount * agentCount)")
        for c in 0..<copyCount {
            heuristic.act(world: world, copy: c, epsilon: epsilon, rng: &rng, into: &actions)
        }
    }
}
