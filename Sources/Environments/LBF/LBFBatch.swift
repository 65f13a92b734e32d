/// Many copies of one Level-Based Foraging task stepping together (spec env-lbf.md), as the
/// learner sees them through Mava's `LbfWrapper`: float observation vectors without an agent-id
/// one-hot, boolean masks, team reward.
///
/// Shapes: observations (copies, N, 3·(F+N)), masks (copies, N, 6), actions (copies, N),
/// rewards / flags (copies). Every copy starts reset with its index as the seed.
public final class LBFBatch: CopyByCopyEnvironment {
    public let parameters: LBFParameters
    private(set) var state: LBFState
    private var sampler: LBFLayoutSampler
    private var planner: LBFHeuristicPlanner

    public init(parameters: LBFParameters, copies: Int) {
        self.parameters = parameters
        state = LBFState(parameters: parameters, copies: copies)
        sampler = LBFLayoutSampler(parameters: parameters)
        planner = LBFHeuristicPlanner(parameters: parameters)
        for copy in 0..<copies { sampler.reset(&state, copy: copy, seed: UInt64(copy)) }
    }

    public var copyCount: Int { state.copyCount }
    public var agentCount: Int { parameters.agentCount }
    public var observationSize: Int { parameters.observationSize }
    public var actionCount: Int { LBFAction.allCases.count }
    public var timeLimit: Int { parameters.timeLimit }

    public func reset(copy: Int, seed: UInt64) {
        precondition(copy >= 0 && copy < copyCount, "copy \(copy) outside 0..<\(copyCount)")
        sampler.reset(&state, copy: copy, seed: seed)
    }

    public func observations(into buffer: inout [Float]) {
        precondition(
            buffer.count == copyCount * agentCount * observationSize,
            "observation buffer has \(buffer.count) floats, expected \(copyCount)·\(agentCount)·\(observationSize)")
        state.writeObservations(into: &buffer)
    }

    public func legalActions(into buffer: inout [UInt8]) {
        precondition(
            buffer.count == copyCount * agentCount * actionCount,
            "mask buffer has \(buffer.count) bytes, expected \(copyCount)·\(agentCount)·\(actionCount)")
        state.writeLegalActions(into: &buffer)
    }

    /// Steps copy `copy` (spec §6): terminal = every food eaten.
    func stepCopy(_ copy: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool) {
        state.step(copy: copy, actions: actions)
    }

    /// Scripted policy (see `LBFHeuristicPlanner`): groups of agents whose levels suffice walk to a
    /// food, stand 4-adjacent to it and LOAD; with probability `epsilon` per agent a uniformly
    /// random legal action instead.
    public func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        precondition(
            actions.count == copyCount * agentCount,
            "expected \(copyCount)·\(agentCount) actions, got \(actions.count)")
        planner.plan(state, epsilon: epsilon, rng: &rng, into: &actions)
    }

    /// Individual rewards r_i of the last step of copy `copy` (the team reward is their sum).
    public func agentRewards(copy: Int) -> [Float] {
        let base = copy * agentCount
        return Array(state.agentReward[base..<(base + agentCount)])
    }

    /// Replaces copy `copy` with a given state (hand-built or from a trace).
    /// - Throws: `LBFStateError` when the snapshot does not fit the task.
    public func load(_ snapshot: LBFSnapshot, copy: Int) throws {
        precondition(copy >= 0 && copy < copyCount, "copy \(copy) outside 0..<\(copyCount)")
        try state.load(snapshot, copy: copy)
    }

    /// Copy `copy`'s state as plain values.
    public func snapshot(copy: Int) -> LBFSnapshot { state.snapshot(copy: copy) }
}
