import Environments
import Testing

/// The scripted policy solves LBF tasks far better than chance and only sends legal actions.
@Suite struct LBFHeuristicTests {
    enum Policy {
        case heuristic(epsilon: Double)
        case random
    }

    /// Mean team return over `episodes` episodes, each in its own copy; checks legality on the way.
    static func meanReturn(_ task: TaskSpec, _ policy: Policy, episodes: Int, seed: UInt64) -> (
        mean: Float, illegal: Int
    ) {
        let b = task.makeBatch(copies: episodes)
        let n = b.agentCount
        let a = b.actionCount
        for copy in 0..<episodes { b.reset(copy: copy, seed: seed &+ UInt64(copy)) }
        var rng = SplitMixGenerator(seed: seed)
        var actions = [Int32](repeating: 0, count: episodes * n)
        var mask = [UInt8](repeating: 0, count: episodes * n * a)
        var rewards = [Float](repeating: 0, count: episodes)
        var terminal = [Bool](repeating: false, count: episodes)
        var truncated = [Bool](repeating: false, count: episodes)
        var done = [Bool](repeating: false, count: episodes)
        var total: Float = 0
        var illegal = 0
        for _ in 0..<b.timeLimit {
            b.legalActions(into: &mask)
            switch policy {
            case .heuristic(let epsilon): b.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
            case .random:
                for slot in 0..<(episodes * n) {
                    let legal = (0..<a).filter { mask[slot * a + $0] == 1 }
                    actions[slot] = Int32(legal[rng.nextInt(below: legal.count)])
                }
            }
            for slot in 0..<(episodes * n) where !done[slot / n] && mask[slot * a + Int(actions[slot])] == 0 {
                illegal += 1
            }
            b.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for copy in 0..<episodes where !done[copy] {
                total += rewards[copy]
                if terminal[copy] || truncated[copy] {
                    done[copy] = true
                    // Finished copies keep stepping from a fresh episode whose rewards are ignored.
                    b.reset(copy: copy, seed: 0)
                }
            }
        }
        return (total / Float(episodes), illegal)
    }

    @Test(arguments: ["lbf-8x8-2p-2f-coop", "lbf-2s-10x10-3p-3f", "lbf-15x15-4p-5f", "lbf-10x10-3p-3f-l3"])
    func heuristicBeatsRandomByFar(id: String) throws {
        let task = try TaskRegistry.task(id: id)
        let heuristic = Self.meanReturn(task, .heuristic(epsilon: 0), episodes: 20, seed: 1000)
        let random = Self.meanReturn(task, .random, episodes: 20, seed: 1000)
        #expect(heuristic.illegal == 0, "\(id): heuristic sent \(heuristic.illegal) illegal actions")
        #expect(heuristic.mean > 2 * random.mean, "\(id): heuristic \(heuristic.mean) vs random \(random.mean)")
        // Most episodes are solved: the mean return is nearer the maximum (1) than chance.
        #expect(heuristic.mean > (1 + random.mean) / 2, "\(id): heuristic \(heuristic.mean) vs random \(random.mean)")
    }

    @Test func epsilonActionsStayLegal() throws {
        let task = try TaskRegistry.task(id: "lbf-2s-10x10-4p-3f-l3")
        let run = Self.meanReturn(task, .heuristic(epsilon: 0.3), episodes: 8, seed: 5)
        #expect(run.illegal == 0)
    }

    @Test func renderShowsTheGridUnderALegend() throws {
        let task = try TaskRegistry.task(id: "lbf-10x10-3p-3f")
        let b = task.makeBatch(copies: 2)
        b.reset(copy: 1, seed: 3)
        let lines = b.render(copy: 1).split(separator: "\n")
        #expect(lines.count == 11)
        #expect(lines[0].hasPrefix("legend:"))
        #expect(lines.dropFirst().allSatisfy { $0.count == 30 })
        let grid = lines.dropFirst().joined()
        #expect(grid.contains("A") && grid.contains("B") && grid.contains("C"))
        #expect(grid.filter { $0 == "f" }.count == 3)
    }
}
