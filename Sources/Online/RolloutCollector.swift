import Environments
import Foundation
import Model
import TensorCore

/// The acting loop of online Sable (spec online-sable.md §1.3, §1.4, §1.10 steps 1–3): E copies of
/// one task step together; each step the recurrent policy acts for all N agents (autoregressively
/// over agents in identity order, decoder state carried from agent to agent, pitfall P1), and the
/// rollout records what it saw and did. Every buffer is allocated at construction: `collect`
/// allocates nothing per step (episode returns go into reserved storage).
///
/// Inputs per agent are [one-hot(i) over N, observation features] (D_o = N + features)
/// [PROJECT CHOICE: the agent ID is appended for every environment, Connector included, as the
/// offline datasets do]. An episode that ends (terminal or time limit) is reset right after the
/// step with a seed from the reset stream, and its copy's hidden states are zeroed before the next
/// act (pitfall P4); the next observation is then flagged `first`. Streams: actions and resets are
/// separate (pitfall P21); episodes and hidden states run on across rollouts.
public final class RolloutCollector {
    public let task: TaskSpec
    public let environment: any BatchedEnvironment
    public let policy: SablePolicy
    public let copies: Int
    public let agents: Int
    public let inputSize: Int
    var actionRandom: RandomStream
    var resetRandom: RandomStream
    var features: [Float]
    var legal: [UInt8]
    var inputs: [Float]
    var actions: [Int32]
    var rewards: [Float]
    var terminal: [Bool]
    var truncated: [Bool]
    /// Whether each copy's current observation begins an episode, and its episode step count.
    var startsEpisode: [UInt8]
    var episodeSteps: [Int32]
    var runningReturns: [Double]
    /// Per copy, whether `playEpisodes` still counts its episode.
    var counted: [Bool]
    /// Hidden states saved around the read-only bootstrap call.
    var savedStates: [Float]
    /// Returns of the episodes that ended during the last `collect`, in order of ending.
    public private(set) var finishedReturns: [Double] = []

    /// - Parameters: `layout` must have a value head and inputs of width N + features;
    ///   `random` seeds the action and reset streams.
    public init(task: TaskSpec, layout: SableLayout, copies: Int, random: RandomStream) {
        let n = task.agentCount, a = task.actionCount
        precondition(layout.config.hasValueHead, "online acting needs a network with a value head")
        precondition(layout.config.inputSize == n + task.observationSize && layout.config.actionCount == a,
                     "network inputs \(layout.config.inputSize) × actions \(layout.config.actionCount) do not fit task \(task.id) (\(n) + \(task.observationSize) inputs, \(a) actions)")
        self.task = task
        environment = task.makeBatch(copies: copies)
        policy = SablePolicy(layout: layout, copies: copies, agents: n, selection: .sample)
        self.copies = copies
        agents = n
        inputSize = layout.config.inputSize
        actionRandom = random.derived("actions")
        resetRandom = random.derived("resets")
        counted = [Bool](repeating: false, count: copies)
        features = [Float](repeating: 0, count: copies * n * task.observationSize)
        legal = [UInt8](repeating: 0, count: copies * n * a)
        inputs = [Float](repeating: 0, count: copies * n * inputSize)
        actions = [Int32](repeating: 0, count: copies * n)
        rewards = [Float](repeating: 0, count: copies)
        terminal = [Bool](repeating: false, count: copies)
        truncated = [Bool](repeating: false, count: copies)
        startsEpisode = [UInt8](repeating: 1, count: copies)
        episodeSteps = [Int32](repeating: 0, count: copies)
        runningReturns = [Double](repeating: 0, count: copies)
        savedStates = [Float](repeating: 0, count: policy.stateCount)
        finishedReturns.reserveCapacity(copies * 4096)
        for c in 0..<copies { startEpisode(copy: c) }
    }

    /// Starts over from `random` as if newly made: the action and reset streams derived from it,
    /// every copy in a fresh episode (reset stream) with zero hidden states. A run's restart point.
    public func restart(random: RandomStream) {
        actionRandom = random.derived("actions")
        resetRandom = random.derived("resets")
        for c in 0..<copies { startEpisode(copy: c) }
    }

    /// Plays complete episodes with the sampled policy (pitfall P16) under `parameters` and returns
    /// their returns: rounds of up to `copies` episodes, each round from `restart(random:)` with a
    /// stream derived from `random` and the round, so every episode starts with zero hidden states;
    /// in a round every copy counts only its first episode (no bias towards short episodes).
    /// Acting is `collect`'s; nothing of a rollout is written.
    public func playEpisodes(_ count: Int, parameters: ParameterArena, random: RandomStream) -> [Double] {
        var returns: [Double] = []
        returns.reserveCapacity(count)
        var round = 0
        while returns.count < count {
            restart(random: random.derived("round", round))
            let playing = min(copies, count - returns.count)
            for c in 0..<copies { counted[c] = c < playing }
            var running = playing
            while running > 0 {
                observe()
                act(parameters: parameters, random: &actionRandom)
                advanceEnvironments { c, episodeReturn in
                    guard counted[c] else { return }
                    counted[c] = false
                    returns.append(episodeReturn)
                    running -= 1
                }
            }
            round += 1
        }
        return returns
    }

    private func startEpisode(copy c: Int) {
        environment.reset(copy: c, seed: resetRandom.next())
        policy.reset(copy: c)
        startsEpisode[c] = 1
        episodeSteps[c] = 0
        runningReturns[c] = 0
    }

    /// Saves every copy's hidden states into `buffer` (`policy.stateCount` floats): h_start of a rollout.
    public func saveStates(into buffer: inout [Float]) {
        buffer.withUnsafeMutableBufferPointer { policy.saveStates(into: $0) }
    }

    /// Fills `rollout` (E = copies, N = agents) with h_start, `rollout.steps` steps under
    /// `parameters`, then its bootstrap values and `first[T]` (§1.4).
    public func collect(parameters: ParameterArena, into rollout: Rollout) {
        let n = agents, a = task.actionCount, width = inputSize
        precondition(rollout.envs == copies && rollout.agents == n && rollout.inputSize == width && rollout.actionCount == a
                     && rollout.initialStates.count == policy.stateCount,
                     "rollout shape (E \(rollout.envs), N \(rollout.agents), \(rollout.initialStates.count) state floats) does not fit the collector (E \(copies), N \(n), \(policy.stateCount) state floats)")
        finishedReturns.removeAll(keepingCapacity: true)
        saveStates(into: &rollout.initialStates)
        for t in 0..<rollout.steps {
            observe()
            act(parameters: parameters, random: &actionRandom)
            for e in 0..<copies {
                rollout.first[rollout.firstIndex(env: e, step: t)] = startsEpisode[e]
                rollout.stepCounts[e * rollout.steps + t] = episodeSteps[e]
                let token = rollout.token(env: e, step: t, agent: 0)
                for k in 0..<(n * width) { rollout.observations[token * width + k] = inputs[e * n * width + k] }
                for k in 0..<(n * a) { rollout.legal[token * a + k] = legal[e * n * a + k] }
                for i in 0..<n {
                    rollout.actions[token + i] = actions[e * n + i]
                    rollout.logProbs[token + i] = logProbability(row: e * n + i)
                    rollout.values[token + i] = policy.lastValues[e * n + i]
                }
            }
            advanceEnvironments { _, episodeReturn in finishedReturns.append(episodeReturn) }
            for e in 0..<copies {
                let token = rollout.token(env: e, step: t, agent: 0)
                for i in 0..<n { rollout.rewards[token + i] = rewards[e] }
            }
        }
        // Bootstrap: one read-only call (states restored, actions from a throw-away stream).
        observe()
        saveStates(into: &savedStates)
        var throwaway = actionRandom
        act(parameters: parameters, random: &throwaway)
        savedStates.withUnsafeBufferPointer { policy.restoreStates(from: $0) }
        for e in 0..<copies {
            rollout.first[rollout.firstIndex(env: e, step: rollout.steps)] = startsEpisode[e]
            for i in 0..<n { rollout.bootstrapValues[e * n + i] = policy.lastValues[e * n + i] }
        }
    }

    /// Steps every copy with `actions`, adds the rewards to the running returns and resets the copies
    /// whose episode ended (terminal or time limit), handing each ended copy and its return to `ended` first.
    @inline(__always)
    private func advanceEnvironments(_ ended: (Int, Double) -> Void) {
        environment.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
        for e in 0..<copies {
            runningReturns[e] += Double(rewards[e])
            startsEpisode[e] = 0
            episodeSteps[e] += 1
            if terminal[e] || truncated[e] {
                ended(e, runningReturns[e])
                startEpisode(copy: e)
            }
        }
    }

    /// Current observations and legal masks into `inputs` ([one-hot(i), features]) and `legal`.
    private func observe() {
        environment.observations(into: &features)
        environment.legalActions(into: &legal)
        PolicyInputs.fill(&inputs, features: features, copies: copies, agents: agents, featureSize: task.observationSize)
    }

    private func act(parameters: ParameterArena, random: inout RandomStream) {
        policy.step(parameters: parameters, observations: inputs, legal: legal, random: &random,
                    stepCounts: policy.config.timestepEncoding ? episodeSteps : nil, into: &actions)
    }

    /// ln π(a) of the action just chosen in `row` (copy·N + agent): masked log-softmax of the step's logits.
    private func logProbability(row: Int) -> Float {
        let a = task.actionCount, base = row * a
        let logits = policy.lastLogits
        var largest = -Float.greatestFiniteMagnitude
        for k in 0..<a where legal[base + k] != 0 { largest = max(largest, logits[base + k]) }
        var sum: Float = 0
        for k in 0..<a where legal[base + k] != 0 { sum += expf(logits[base + k] - largest) }
        return logits[base + Int(actions[row])] - largest - logf(sum)
    }
}
