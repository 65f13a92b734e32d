import Environments
import Testing

/// The observation-based LBF behaviour on the real environment: legal, decentralised (an agent's
/// action depends on its own row only), deterministic, and close to the planner.
@Suite struct LBFObservedPolicyTests {
    /// One batch and its observation-based policy, stepped together.
    final class Run {
        let env: any BatchedEnvironment
        let policy: any ObservationPolicy
        let n: Int
        let a: Int
        var observations: [Float]
        var legal: [UInt8]
        var actions: [Int32]
        private var rewards: [Float]
        private var terminal: [Bool]
        private var truncated: [Bool]

        init(_ task: TaskSpec, copies: Int, seed: UInt64) {
            env = task.makeBatch(copies: copies)
            policy = task.makeObservationPolicy(copies: copies)
            n = env.agentCount
            a = env.actionCount
            observations = [Float](repeating: 0, count: copies * n * env.observationSize)
            legal = [UInt8](repeating: 0, count: copies * n * a)
            actions = [Int32](repeating: 0, count: copies * n)
            rewards = [Float](repeating: 0, count: copies)
            terminal = [Bool](repeating: false, count: copies)
            truncated = [Bool](repeating: false, count: copies)
            for copy in 0..<copies { reset(copy, seed: seed &+ UInt64(copy)) }
        }

        func reset(_ copy: Int, seed: UInt64) {
            env.reset(copy: copy, seed: seed)
            policy.reset(copy: copy)
        }

        /// Reads observations and masks, and lets the policy write `actions`.
        func observeAndAct() {
            env.observations(into: &observations)
            env.legalActions(into: &legal)
            policy.act(observations: observations, legal: legal, into: &actions)
        }

        /// Steps with `played`; copies whose episode ended restart from `seed(copy)`. Returns the rewards.
        @discardableResult
        func step(_ played: [Int32], seed: (Int) -> UInt64) -> [Float] {
            env.step(actions: played, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for copy in 0..<env.copyCount where terminal[copy] || truncated[copy] { reset(copy, seed: seed(copy)) }
            return rewards
        }

        /// `actions` with each slot replaced, with probability `epsilon`, by a random legal action.
        func explored(_ epsilon: Double, _ rng: inout SplitMixGenerator) -> [Int32] {
            var played = actions
            for slot in played.indices where rng.nextUnit() < epsilon {
                let options = (0..<a).filter { legal[slot * a + $0] != 0 }
                played[slot] = Int32(options[rng.nextInt(below: options.count)])
            }
            return played
        }
    }

    static var lbfTasks: [TaskSpec] { TaskRegistry.tasks(kind: .lbf) }

    @Test func everyActionIsLegalOnEveryTask() {
        #expect(Self.lbfTasks.count == 12)
        for task in Self.lbfTasks {
            let run = Run(task, copies: 16, seed: 11)
            var rng = SplitMixGenerator(seed: 3)
            var illegal = 0
            var counts = [Int](repeating: 0, count: run.a)
            var restarts: UInt64 = 1000
            for _ in 0..<300 {
                run.observeAndAct()
                for slot in run.actions.indices {
                    let action = Int(run.actions[slot])
                    if action < 0 || action >= run.a || run.legal[slot * run.a + action] == 0 { illegal += 1 }
                    counts[max(0, min(run.a - 1, action))] += 1
                }
                // Exploration visits states the policy alone would not reach.
                run.step(run.explored(0.2, &rng)) { _ in
                    restarts += 1
                    return restarts
                }
            }
            #expect(illegal == 0, "\(task.id): \(illegal) illegal actions")
            // It moves and loads, not only waits.
            #expect(counts[1...4].reduce(0, +) > 1000 && counts[5] > 100, "\(task.id): action counts \(counts)")
        }
    }

    /// Runs agent `agent`'s policy twice in lockstep: once on the true rows, once with every other
    /// agent's row and mask taken from an unrelated episode. Its actions must not differ.
    @Test(arguments: ["lbf-2s-10x10-3p-3f", "lbf-10x10-4p-3f", "lbf-2s-8x8-2p-2f-coop"])
    func anAgentIgnoresOtherAgentsRows(id: String) throws {
        let task = try TaskRegistry.task(id: id)
        for agent in 0..<task.agentCount {
            let truth = Run(task, copies: 1, seed: 21)
            let decoy = Run(task, copies: 1, seed: 500)
            let tampered = task.makeObservationPolicy(copies: 1)
            var rng = SplitMixGenerator(seed: UInt64(agent))
            var episode: UInt64 = 21
            var differences = 0
            for _ in 0..<250 {
                truth.observeAndAct()
                decoy.observeAndAct()
                var observations = decoy.observations
                var legal = decoy.legal
                let size = task.observationSize
                let a = truth.a
                observations.replaceSubrange(
                    (agent * size)..<((agent + 1) * size), with: truth.observations[(agent * size)..<((agent + 1) * size)])
                legal.replaceSubrange((agent * a)..<((agent + 1) * a), with: truth.legal[(agent * a)..<((agent + 1) * a)])
                var actions = [Int32](repeating: 0, count: task.agentCount)
                tampered.act(observations: observations, legal: legal, into: &actions)
                if actions[agent] != truth.actions[agent] { differences += 1 }
                truth.step(truth.explored(0.1, &rng)) { _ in
                    episode += 1
                    tampered.reset(copy: 0)
                    return episode
                }
                decoy.step(decoy.explored(0.3, &rng)) { _ in 900 + episode }
            }
            #expect(differences == 0, "\(id): agent \(agent) changed \(differences) actions with other rows changed")
        }
    }

    @Test(arguments: ["lbf-2s-10x10-4p-3f-l3", "lbf-15x15-4p-5f"])
    func actionsAreDeterministicAndResetForgets(id: String) throws {
        let task = try TaskRegistry.task(id: id)
        /// Every action `run` writes over one episode of seed 77 (exploring on the side with its own stream).
        func episode(_ run: Run) -> [[Int32]] {
            run.reset(0, seed: 77)
            var rng = SplitMixGenerator(seed: 9)
            var trace: [[Int32]] = []
            var over = false
            for _ in 0..<task.timeLimit where !over {
                run.observeAndAct()
                trace.append(run.actions)
                run.step(run.explored(0.1, &rng)) { _ in
                    over = true
                    return 78
                }
            }
            return trace
        }
        let first = Run(task, copies: 1, seed: 5)
        let once = episode(first)
        // Another episode in between fills the memory; the reset must clear it.
        _ = episode(Run(task, copies: 1, seed: 6))
        for _ in 0..<30 {
            first.observeAndAct()
            first.step(first.actions) { _ in 6 }
        }
        let again = episode(first)
        let fresh = episode(Run(task, copies: 1, seed: 8))
        #expect(once.count > 5)
        #expect(again == once)
        #expect(fresh == once)
    }

    /// Mean return of `episodes` episodes (seed 0) of the observed behaviour, or of random play.
    static func meanReturn(_ task: TaskSpec, epsilon: Double, random: Bool = false) -> Double {
        EpisodeRunner.run(task: task, episodes: 200, epsilon: random ? 1 : epsilon, seed: 0,
                          behaviour: random ? .oracle : .observed).meanReturn
    }

    /// Measured (200 episodes, seed 0, ε = 0): 1.0 on lbf-8x8-2p-2f-coop, 0.994 on lbf-2s-10x10-3p-3f,
    /// 1.0 on lbf-2s-8x8-2p-2f-coop; random 0.025, 0.166, 0.025.
    @Test(arguments: [
        ("lbf-8x8-2p-2f-coop", 0.97), ("lbf-2s-10x10-3p-3f", 0.95), ("lbf-2s-8x8-2p-2f-coop", 0.95),
    ])
    func returnsAreNearThePlannerAndFarAboveRandom(id: String, floor: Double) throws {
        let task = try TaskRegistry.task(id: id)
        let observed = Self.meanReturn(task, epsilon: 0)
        let random = Self.meanReturn(task, epsilon: 1, random: true)
        #expect(observed >= floor, "\(id): observed \(observed)")
        #expect(observed > random + 0.6, "\(id): observed \(observed), random \(random)")
    }

    @Test func returnsFallAsExplorationGrows() throws {
        let task = try TaskRegistry.task(id: "lbf-2s-10x10-3p-3f")
        let returns = [0, 0.2, 0.5, 0.8].map { Self.meanReturn(task, epsilon: $0) }
        // Measured 0.994, 0.887, 0.619, 0.284.
        #expect(zip(returns, returns.dropFirst()).allSatisfy { $0 > $1 + 0.05 }, "\(returns)")
    }

    @Test func fullSightTasksEatEveryFood() {
        for task in Self.lbfTasks where !task.id.hasPrefix("lbf-2s-") {
            let observed = Self.meanReturn(task, epsilon: 0)
            #expect(observed >= 0.99, "\(task.id): observed \(observed)")
        }
    }
}
