/// Many copies of one Connector task stepping together (spec env-connector.md; BatchedEnvironment).
///
/// Shapes: observations `(copies, N, 4 + 2·(2f+1)²)` (54 floats for f = 2, no agent-id one-hot),
/// legal masks `(copies, N, 5)`, actions `(copies, N)`, team rewards and flags `(copies)`.
/// Stepping allocates nothing; a reset allocates a few small arrays.
public final class ConnectorBatch: CopyByCopyEnvironment {
    public let parameters: ConnectorParameters
    var boards: ConnectorBoards

    /// `copies` copies of the task; call `reset(copy:seed:)` on each before stepping.
    /// Parameters must pass `validate()` (the task list's all do): bad ones are a programmer error.
    public init(parameters: ConnectorParameters, copies: Int) {
        do { try parameters.validate() } catch { preconditionFailure("\(error)") }
        self.parameters = parameters
        boards = ConnectorBoards(parameters: parameters, copies: copies)
    }

    public var copyCount: Int { boards.copies }
    public var agentCount: Int { parameters.agentCount }
    public var observationSize: Int { parameters.observationSize }
    public var actionCount: Int { ConnectorBoards.actionCount }
    public var timeLimit: Int { parameters.timeLimit }

    /// Draws a new instance from the random-walk generator (§3) with our own generator seeded by `seed`.
    public func reset(copy: Int, seed: UInt64) {
        precondition(copy >= 0 && copy < copyCount, "copy \(copy) is not in 0..<\(copyCount)")
        var rng = SplitMixGenerator(seed: seed)
        boards.generate(copy: copy, rng: &rng)
    }

    public func observations(into buffer: inout [Float]) {
        precondition(buffer.count == copyCount * agentCount * observationSize,
            "observation buffer has \(buffer.count) floats, expected \(copyCount)·\(agentCount)·\(observationSize)")
        boards.writeObservations(into: &buffer)
    }

    public func legalActions(into buffer: inout [UInt8]) {
        precondition(buffer.count == boards.masks.count,
            "mask buffer has \(buffer.count) bytes, expected \(copyCount)·\(agentCount)·5")
        let masks = boards.masks
        for i in 0..<buffer.count { buffer[i] = masks[i] }
    }

    /// Steps copy `copy` (§6): illegal actions (by the stored mask) are NOOPs.
    func stepCopy(_ copy: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool) {
        boards.step(copy: copy, actions: actions)
    }

    /// Per agent: the first move of a shortest path to its own target on the current grid (NOOP when
    /// connected or unreachable); with probability `epsilon` a uniformly random legal action instead.
    public func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        precondition(actions.count == copyCount * agentCount, "action buffer has \(actions.count) entries, expected \(copyCount)·\(agentCount)")
        boards.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
    }

    /// Loads a full state into copy `copy`; a nil mask is derived from the grid (§5).
    /// - Throws: `ConnectorStateError` when the state does not fit this task.
    public func load(_ state: ConnectorState, copy: Int) throws {
        precondition(copy >= 0 && copy < copyCount, "copy \(copy) is not in 0..<\(copyCount)")
        try boards.load(state, copy: copy)
    }

    /// The full state of copy `copy`, stored mask included.
    public func state(copy: Int) -> ConnectorState { boards.state(copy: copy) }

    /// The individual rewards r_k of copy `copy`'s last step (§6.6); zeros after a reset or load.
    public func agentRewards(copy: Int) -> [Float] {
        Array(boards.agentRewards[(copy * agentCount)..<((copy + 1) * agentCount)])
    }
}
