import Environments

/// One finished episode's arrays (shapes as in `DatasetContents`, for this episode only).
public struct RecordedEpisode: Sendable {
    public internal(set) var stage = 0
    public internal(set) var observations: [Float] = []
    public internal(set) var actions: [UInt8] = []
    public internal(set) var legal: [UInt8] = []
    public internal(set) var rewards: [Float] = []
    public internal(set) var flags: [UInt8] = []
    public internal(set) var totalReturn = 0.0
}

/// Steps all copies of a batched environment together and cuts their streams into episodes.
public struct EpisodeRecorder {
    public let environment: any BatchedEnvironment
    /// Chooses the actions; nil: the environment's own heuristic (the oracle).
    public let behaviour: (any BatchedBehaviour)?
    private var observations: [Float]
    private var legal: [UInt8]
    private var actions: [Int32]
    private var rewards: [Float]
    private var terminal: [Bool]
    private var truncated: [Bool]

    public init(environment: any BatchedEnvironment, behaviour: (any BatchedBehaviour)? = nil) {
        self.environment = environment
        self.behaviour = behaviour
        let c = environment.copyCount
        let n = environment.agentCount
        observations = [Float](repeating: 0, count: c * n * environment.observationSize)
        legal = [UInt8](repeating: 0, count: c * n * environment.actionCount)
        actions = [Int32](repeating: 0, count: c * n)
        rewards = [Float](repeating: 0, count: c)
        terminal = [Bool](repeating: false, count: c)
        truncated = [Bool](repeating: false, count: c)
    }

    /// Runs one episode per seed (in seed order of assignment to free copies) with exploration ε.
    /// Copies without an episode to run keep stepping on `idleSeed` episodes that are discarded.
    /// An episode reaching the time limit without a flag from the environment is cut as truncated.
    /// - Returns: the episodes in `seeds` order.
    public mutating func run(
        seeds: [UInt64], epsilon: Double, stage: Int, behaviour: inout SplitMixGenerator, idleSeed: UInt64
    ) -> [RecordedEpisode] {
        let env = environment
        let c = env.copyCount
        let n = env.agentCount
        let f = env.observationSize
        let a = env.actionCount
        let limit = max(1, env.timeLimit)
        var results = [RecordedEpisode?](repeating: nil, count: seeds.count)
        var current = [RecordedEpisode](repeating: RecordedEpisode(stage: stage), count: c)
        var assignment = [Int?](repeating: nil, count: c)
        var idleSteps = [Int](repeating: 0, count: c)
        var next = 0
        var done = 0
        func start(_ copy: Int) {
            current[copy] = RecordedEpisode(stage: stage)
            if next < seeds.count {
                assignment[copy] = next
                env.reset(copy: copy, seed: seeds[next])
                next += 1
            } else {
                assignment[copy] = nil
                idleSteps[copy] = 0
                env.reset(copy: copy, seed: idleSeed &+ UInt64(copy))
            }
            self.behaviour?.didReset(copy: copy)
        }
        for copy in 0..<c { start(copy) }
        while done < seeds.count {
            env.observations(into: &observations)
            env.legalActions(into: &legal)
            if let driver = self.behaviour {
                driver.actions(observations: observations, legal: legal, epsilon: epsilon, rng: &behaviour, into: &actions)
            } else {
                env.heuristicActions(epsilon: epsilon, rng: &behaviour, into: &actions)
            }
            env.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for copy in 0..<c {
                guard let episode = assignment[copy] else {
                    idleSteps[copy] += 1
                    if terminal[copy] || truncated[copy] || idleSteps[copy] >= limit { start(copy) }
                    continue
                }
                current[copy].observations += observations[(copy * n * f)..<((copy + 1) * n * f)]
                current[copy].legal += legal[(copy * n * a)..<((copy + 1) * n * a)]
                for i in 0..<n {
                    let action = actions[copy * n + i]
                    precondition(
                        (0..<Int32(a)).contains(action), "environment produced action \(action) outside 0..<\(a)")
                    current[copy].actions.append(UInt8(action))
                }
                current[copy].rewards.append(rewards[copy])
                current[copy].totalReturn += Double(rewards[copy])
                let cut = current[copy].rewards.count >= limit
                let flag =
                    (terminal[copy] ? StepFlag.terminal : 0)
                    | (truncated[copy] || (cut && !terminal[copy]) ? StepFlag.truncated : 0)
                current[copy].flags.append(flag)
                if flag != 0 {
                    results[episode] = current[copy]
                    done += 1
                    start(copy)
                }
            }
        }
        return results.map { $0! }
    }
}

extension DatasetContents {
    /// A dataset of `episodes` in order (each keeping its stage), reference return 0.
    public init(task: TaskDescription, qualityStageCount: Int, recorded episodes: [RecordedEpisode]) {
        self.init(task: task, qualityStageCount: qualityStageCount, referenceReturn: 0, observations: [], actions: [], legal: [],
                  rewards: [], flags: [], episodes: [])
        for episode in episodes {
            self.episodes.append(EpisodeRecord(start: rewards.count, length: episode.rewards.count, totalReturn: episode.totalReturn,
                                               qualityStage: episode.stage))
            observations += episode.observations
            actions += episode.actions
            legal += episode.legal
            rewards += episode.rewards
            flags += episode.flags
        }
    }
}
