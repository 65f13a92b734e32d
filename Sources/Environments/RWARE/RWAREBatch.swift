/// Many copies of one RWARE task stepping together (jumanji 1.1.2 `RobotWarehouse` as Mava's
/// `RwareWrapper` presents it; spec env-rware.md).
///
/// Shapes: observations `(copies, N, D)` with D = 66 for sensor range 1 (no agent-id one-hot),
/// masks `(copies, N, 5)`, actions `(copies, N)`, rewards and flags `(copies)`. The reward is the
/// team reward (number of deliveries). `terminal` = an agent collision (ends the episode in jumanji),
/// `truncated` = the time limit was reached without a collision.
public final class RWAREBatch: CopyByCopyEnvironment {
    public let parameters: RWAREParameters
    var world: RWAREWorld
    var heuristic: RWAREHeuristic
    /// Copies whose episode ended and that must be reset (or loaded) before the next step.
    private var isFinished: [Bool]

    /// - Precondition: `parameters.validate()` does not throw and `copies >= 1`.
    public init(parameters: RWAREParameters, copies: Int) {
        precondition(copies >= 1, "RWAREBatch needs at least one copy, got \(copies)")
        do { try parameters.validate() } catch { preconditionFailure("\(error)") }
        self.parameters = parameters
        world = RWAREWorld(parameters: parameters, copies: copies)
        heuristic = RWAREHeuristic(world: world)
        isFinished = [Bool](repeating: false, count: copies)
    }

    public var copyCount: Int { world.copyCount }
    public var agentCount: Int { parameters.agentCount }
    public var observationSize: Int { parameters.observationSize }
    public var actionCount: Int { 5 }
    public var timeLimit: Int { parameters.timeLimit }

    public func reset(copy: Int, seed: UInt64) {
        world.reset(copy: copy, seed: seed)
        isFinished[copy] = false
    }

    /// Puts a given state (trace schema, spec §2) into `copy`; its grid is rebuilt from the positions.
    /// - Throws: `RWAREStateError` when the state does not fit the task or two agents/shelves share a cell.
    public func load(_ state: RWAREState, copy: Int) throws {
        try world.load(state, copy: copy)
        isFinished[copy] = false
    }

    /// The current state of `copy` (trace schema, spec §2).
    public func state(copy: Int) -> RWAREState { world.state(copy: copy) }

    public func observations(into buffer: inout [Float]) {
        let d = observationSize
        precondition(
            buffer.count == copyCount * agentCount * d,
            "observation buffer has \(buffer.count) floats, expected \(copyCount * agentCount * d)")
        for c in 0..<copyCount {
            for i in 0..<agentCount {
                world.writeObservation(copy: c, agent: i, into: &buffer, offset: (c * agentCount + i) * d)
            }
        }
    }

    public func legalActions(into buffer: inout [UInt8]) {
        precondition(
            buffer.count == copyCount * agentCount * 5,
            "mask buffer has \(buffer.count) bytes, expected \(copyCount * agentCount * 5)")
        for a in 0..<(copyCount * agentCount) {
            buffer[a * 5] = 1
            buffer[a * 5 + 1] = world.forwardLegal[a] ? 1 : 0
            buffer[a * 5 + 2] = 1
            buffer[a * 5 + 3] = 1
            buffer[a * 5 + 4] = 1
        }
    }

    /// Steps copy `c` (spec §4): terminal = an agent collision. An illegal FORWARD is replaced by NOOP.
    func stepCopy(_ c: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool) {
        let outcome = step(copy: c, actions: actions, actionOffset: c * agentCount)
        return (outcome.reward, outcome.collided, outcome.truncated)
    }

    /// Steps copy `c` alone; `recorded` injects a trace's request draws (trace replay, spec §5).
    func step(copy c: Int, actions: [Int32], actionOffset: Int, recorded: RWARERecordedDraws? = nil) -> RWAREStepOutcome {
        precondition(!isFinished[c], "RWARE copy \(c) finished its episode; reset it before stepping")
        let outcome = world.step(copy: c, actions: actions, actionOffset: actionOffset, recorded: recorded)
        isFinished[c] = outcome.collided || outcome.truncated
        return outcome
    }
}
