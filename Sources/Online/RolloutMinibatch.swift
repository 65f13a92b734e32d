import Model
import TensorCore

/// A training minibatch cut from a rollout (spec online-sable.md §1.6 steps 2–5): whole T-step
/// sequences of the chosen envs, with the agents of every timestep put in one order (Sable's
/// per-epoch agent shuffle, pitfall P6). Row (b, t, j) of the batch holds agent `order[j]` of env
/// `envs[b]` at timestep t: its observation (agent-ID one-hot included), legal mask, action, old
/// log-probability, old value, Â and G; the decoder then sees the previous agent *in this order*
/// (start token for j = 0). `resets` are the rollout's `first` flags. `initialStates` are the chosen
/// envs' h_start, (modules, B, H·d·d) as `SableNetwork.forward` takes them; the agent order does
/// not touch them (a state sums over agents, P6); `stepCounts` (B, T) the envs' episode step
/// counts. Storage is allocated once.
public struct RolloutMinibatch {
    public var batch: AgentBatch
    public var targets: PPOTargets
    public var initialStates: [Float]
    public var stepCounts: [Int32]

    /// Room for `envs` sequences of `steps` timesteps and `agents` agents, and their h_start, for a
    /// network of `config`.
    public init(envs: Int, steps: Int, agents: Int, config: ModelConfig) {
        batch = AgentBatch(batchSize: envs, timeSteps: steps, agentSlots: agents, inputSize: config.inputSize,
                           actionCount: config.actionCount)
        batch.agentMask = [Float](repeating: 1, count: envs * agents)
        targets = PPOTargets(capacity: envs * steps * agents)
        initialStates = [Float](repeating: 0, count: 3 * config.blocks * envs * config.heads * config.headSize * config.headSize)
        stepCounts = [Int32](repeating: 0, count: envs * steps)
    }

    /// Fills the minibatch from `rollout` with the envs `envs` (as many as the batch holds) and the
    /// agent order `order` (a permutation of 0..<N).
    public mutating func fill(from rollout: Rollout, envs: ArraySlice<Int>, order: [Int]) {
        let n = rollout.agents, steps = rollout.steps, d = rollout.inputSize, a = rollout.actionCount
        let size = rollout.stateSize, modules = rollout.stateModules
        precondition(envs.count == batch.batchSize && steps == batch.timeSteps && n == batch.agentSlots
                     && d == batch.inputSize && a == batch.actionCount && order.count == n
                     && initialStates.count == modules * envs.count * size,
                     "minibatch of \(batch.batchSize) × \(batch.timeSteps) × \(batch.agentSlots) (\(initialStates.count) h_start floats) cannot hold \(envs.count) envs of rollout \(rollout.envs) × \(steps) × \(n) (\(rollout.initialStates.count))")
        let observations = batch.observations  // shared storage (a class): written through its pointer
        observations.withUnsafeMutableBufferPointer { obs in
            for (b, e) in envs.enumerated() {
                for t in 0..<steps {
                    batch.resets[b * steps + t] = Float(rollout.first[rollout.firstIndex(env: e, step: t)])
                    stepCounts[b * steps + t] = rollout.stepCounts[e * steps + t]
                    for (j, i) in order.enumerated() {
                        let row = (b * steps + t) * n + j, source = rollout.token(env: e, step: t, agent: i)
                        for k in 0..<d { obs[row * d + k] = rollout.observations[source * d + k] }
                        for k in 0..<a { batch.legal[row * a + k] = rollout.legal[source * a + k] }
                        batch.actions[row] = rollout.actions[source]
                        batch.rewards[row] = rollout.rewards[source]
                        targets.actions[row] = rollout.actions[source]
                        targets.oldLogProbs[row] = rollout.logProbs[source]
                        targets.oldValues[row] = rollout.values[source]
                        targets.advantages[row] = rollout.advantages[source]
                        targets.returns[row] = rollout.returns[source]
                    }
                }
            }
        }
        targets.count = envs.count * steps * n
        for m in 0..<modules {
            for (b, e) in envs.enumerated() {
                let to = (m * envs.count + b) * size, from = (m * rollout.envs + e) * size
                for k in 0..<size { initialStates[to + k] = rollout.initialStates[from + k] }
            }
        }
    }
}
