import Model

/// One PPO rollout of E environment copies × T timesteps × N agents (spec online-sable.md §1.4),
/// allocated once and overwritten by every rollout.
///
/// Per-token fields are env-major, time-major inside an env, agents inside a timestep: token
/// (e, t, i) is at `token(env:step:agent:)` = (e·T + t)·N + i, the row order of a training sample
/// (`AgentBatch`). Shapes: `observations` (E·T·N, D_o); `legal` (E·T·N, A), 1 = legal, the mask the
/// action was sampled under; `actions`, `logProbs`, `values`, `rewards` (team reward copied to every
/// agent), `advantages`, `returns` (E·T·N). `first` is (E, T+1): `first[e·(T+1) + t]` = 1 when obs_t
/// begins an episode (the previous step ended it by termination or time limit), t = T being the
/// bootstrap observation's flag (pitfall P3). `bootstrapValues` (E·N) are V_T from the read-only
/// acting call after the last step. `initialStates` are h_start, every env's retention states before
/// the rollout's first step, as `SablePolicy.saveStates` lays them out: (modules, E, `stateSize`)
/// with `stateSize` = H·d·d (empty for a rollout made without states). `stepCounts` (E, T) are the
/// episode step counts of obs_t (0 when it begins an episode; the timestep encoding's input, P11).
public final class Rollout: @unchecked Sendable {
    public let envs: Int
    public let steps: Int
    public let agents: Int
    public let inputSize: Int
    public let actionCount: Int
    /// Retention state modules (3·blocks) and floats per module and env (H·d·d) of `initialStates`.
    public let stateModules: Int
    public let stateSize: Int

    public var observations: [Float]
    public var legal: [UInt8]
    public var actions: [Int32]
    public var logProbs: [Float]
    public var values: [Float]
    public var rewards: [Float]
    public var first: [UInt8]
    public var bootstrapValues: [Float]
    public var advantages: [Float]
    public var returns: [Float]
    public var initialStates: [Float]
    public var stepCounts: [Int32]

    /// - Parameters: `stateModules`, `stateSize`: the shape of h_start per env (see `initialStates`).
    public init(envs: Int, steps: Int, agents: Int, inputSize: Int, actionCount: Int, stateModules: Int = 0, stateSize: Int = 0) {
        precondition(envs > 0 && steps > 0 && agents > 0 && inputSize > 0 && actionCount > 1,
                     "rollout sizes must be positive (E \(envs), T \(steps), N \(agents), D_o \(inputSize), A \(actionCount))")
        self.envs = envs
        self.steps = steps
        self.agents = agents
        self.inputSize = inputSize
        self.actionCount = actionCount
        self.stateModules = stateModules
        self.stateSize = stateSize
        let tokens = envs * steps * agents
        observations = [Float](repeating: 0, count: tokens * inputSize)
        legal = [UInt8](repeating: 1, count: tokens * actionCount)
        actions = [Int32](repeating: 0, count: tokens)
        logProbs = [Float](repeating: 0, count: tokens)
        values = [Float](repeating: 0, count: tokens)
        rewards = [Float](repeating: 0, count: tokens)
        first = [UInt8](repeating: 0, count: envs * (steps + 1))
        bootstrapValues = [Float](repeating: 0, count: envs * agents)
        advantages = [Float](repeating: 0, count: tokens)
        returns = [Float](repeating: 0, count: tokens)
        initialStates = [Float](repeating: 0, count: stateModules * envs * stateSize)
        stepCounts = [Int32](repeating: 0, count: envs * steps)
    }

    /// A rollout for a network of `config` (inputs, actions and the h_start shape from it).
    public convenience init(envs: Int, steps: Int, agents: Int, config: ModelConfig) {
        self.init(envs: envs, steps: steps, agents: agents, inputSize: config.inputSize, actionCount: config.actionCount,
                  stateModules: 3 * config.blocks, stateSize: config.heads * config.headSize * config.headSize)
    }

    /// E·T·N.
    public var tokenCount: Int { envs * steps * agents }

    /// Index of token (e, t, i) in the per-token fields.
    @inlinable public func token(env e: Int, step t: Int, agent i: Int) -> Int { (e * steps + t) * agents + i }

    /// Index of `first` for env e and timestep t (0...T).
    @inlinable public func firstIndex(env e: Int, step t: Int) -> Int { e * (steps + 1) + t }
}
