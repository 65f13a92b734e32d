/// Summary of finished episodes.
public struct EpisodeStatistics: Sendable {
    public var returns: [Double] = []
    public var lengths: [Int] = []

    public init(returns: [Double] = [], lengths: [Int] = []) {
        self.returns = returns
        self.lengths = lengths
    }

    /// Standard error of the mean return (0 for fewer than two episodes).
    public var standardError: Double {
        returns.count > 1 ? returnStandardDeviation / Double(returns.count).squareRoot() : 0
    }
    public var meanReturn: Double { returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count) }
    public var meanLength: Double { lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count) }
    public var returnStandardDeviation: Double {
        guard returns.count > 1 else { return 0 }
        let m = meanReturn
        return (returns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(returns.count - 1)).squareRoot()
    }
}

/// Runs scripted or random policies for whole episodes on a batched environment.
public enum EpisodeRunner {
    /// Plays `episodes` episodes of `task` with `behaviour` at `epsilon` (1.0 = uniformly random
    /// over legal actions), `copies` at a time. Episode e is reset with a seed derived from (`seed`, e),
    /// so results do not depend on `copies`' scheduling of the random policy stream only through seeds.
    public static func run(task: TaskSpec, episodes: Int, epsilon: Double, seed: UInt64, copies: Int = 64,
                           behaviour: BehaviourKind = .oracle) -> EpisodeStatistics {
        let copyCount = max(1, min(copies, episodes))
        let env = task.makeBatch(copies: copyCount)
        let driver = BehaviourDriver(kind: behaviour, task: task, environment: env)
        func reset(_ c: Int, _ resetSeed: UInt64) {
            env.reset(copy: c, seed: resetSeed)
            driver.didReset(copy: c)
        }
        var rng = SplitMixGenerator(seed: seed ^ 0xA5A5_5A5A_0F0F_F0F0)
        var stats = EpisodeStatistics()
        var started = 0
        var episodeReturn = [Double](repeating: 0, count: copyCount)
        var episodeLength = [Int](repeating: 0, count: copyCount)
        var active = [Bool](repeating: false, count: copyCount)
        for c in 0..<copyCount where started < episodes {
            reset(c, episodeSeed(seed, started))
            active[c] = true
            started += 1
        }
        var actions = [Int32](repeating: 0, count: copyCount * task.agentCount)
        var observations = [Float](repeating: 0, count: behaviour == .observed ? copyCount * task.agentCount * task.observationSize : 0)
        var legal = [UInt8](repeating: 0, count: behaviour == .observed ? copyCount * task.agentCount * task.actionCount : 0)
        var rewards = [Float](repeating: 0, count: copyCount)
        var terminal = [Bool](repeating: false, count: copyCount)
        var truncated = [Bool](repeating: false, count: copyCount)
        while stats.returns.count < episodes {
            if behaviour == .observed {
                env.observations(into: &observations)
                env.legalActions(into: &legal)
            }
            driver.actions(observations: observations, legal: legal, epsilon: epsilon, rng: &rng, into: &actions)
            env.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for c in 0..<copyCount {
                guard active[c] else {
                    // An idle copy keeps stepping on ignored episodes; restart it when one ends.
                    if terminal[c] || truncated[c] { reset(c, episodeSeed(seed, started + c)) }
                    continue
                }
                episodeReturn[c] += Double(rewards[c])
                episodeLength[c] += 1
                guard terminal[c] || truncated[c] else { continue }
                stats.returns.append(episodeReturn[c])
                stats.lengths.append(episodeLength[c])
                episodeReturn[c] = 0
                episodeLength[c] = 0
                if started < episodes {
                    reset(c, episodeSeed(seed, started))
                    started += 1
                } else {
                    // Keep the copy stepping on a fresh episode whose results are ignored.
                    reset(c, episodeSeed(seed, started + c))
                    active[c] = false
                }
            }
        }
        return stats
    }

    /// The reset seed of episode `index` of a run seeded with `seed`.
    public static func episodeSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var g = SplitMixGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        return g.next()
    }
}
