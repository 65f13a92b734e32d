import Environments
import Testing

/// The subtle step rules of spec env-lbf.md §5–§8, on small hand-built states.
@Suite struct LBFRuleTests {
    typealias Agent = LBFSnapshot.Agent
    typealias Food = LBFSnapshot.Food

    struct Outcome {
        var reward: Float
        var terminal: Bool
        var truncated: Bool
        var state: LBFSnapshot
        var agentRewards: [Float]
    }

    static func batch(grid: Int = 8, fov: Int = 8, agents: Int, foods: Int, timeLimit: Int = 100) throws -> LBFBatch {
        let parameters = try LBFParameters(
            gridSize: grid, fieldOfView: fov, agentCount: agents, foodCount: foods, maxAgentLevel: 3,
            forcesCooperation: false, timeLimit: timeLimit)
        return LBFBatch(parameters: parameters, copies: 1)
    }

    static func step(_ batch: LBFBatch, _ state: LBFSnapshot, _ actions: [LBFAction]) throws -> Outcome {
        try batch.load(state, copy: 0)
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        batch.step(actions: actions.map(\.rawValue), rewards: &reward, terminal: &terminal, truncated: &truncated)
        return Outcome(
            reward: reward[0], terminal: terminal[0], truncated: truncated[0], state: batch.snapshot(copy: 0),
            agentRewards: batch.agentRewards(copy: 0))
    }

    static func positions(_ state: LBFSnapshot) -> [[Int]] { state.agents.map { [$0.row, $0.col] } }

    // MARK: - Moves

    /// Agents in the corners (0,0) and (7,7): moves out of the grid stay, moves inside go.
    @Test(arguments: [
        ([LBFAction.up, .down], [[0, 0], [7, 7]]),
        ([LBFAction.left, .right], [[0, 0], [7, 7]]),
        ([LBFAction.right, .up], [[0, 1], [6, 7]]),
    ])
    func moveOutOfTheGridIsRejected(actions: [LBFAction], positions: [[Int]]) throws {
        let b = try Self.batch(agents: 2, foods: 1)
        let state = LBFSnapshot(
            agents: [Agent(row: 0, col: 0, level: 1), Agent(row: 7, col: 7, level: 1)],
            foods: [Food(row: 4, col: 4, level: 1)])
        #expect(Self.positions(try Self.step(b, state, actions).state) == positions)
    }

    @Test func moveIntoAnotherAgentsPreStepCellIsRejectedEvenIfItLeaves() throws {
        let b = try Self.batch(agents: 2, foods: 1)
        let state = LBFSnapshot(
            agents: [Agent(row: 2, col: 2, level: 1), Agent(row: 2, col: 3, level: 1)],
            foods: [Food(row: 5, col: 5, level: 1)])
        let out = try Self.step(b, state, [.right, .right])
        #expect(Self.positions(out.state) == [[2, 2], [2, 4]])
    }

    @Test func moveIntoUneatenFoodIsRejectedButEatenFoodIsWalkable() throws {
        let b = try Self.batch(agents: 1, foods: 2)
        let state = LBFSnapshot(
            agents: [Agent(row: 3, col: 3, level: 1)],
            foods: [Food(row: 3, col: 4, level: 1), Food(row: 2, col: 3, level: 1, isEaten: true)])
        #expect(Self.positions(try Self.step(b, state, [.right]).state) == [[3, 3]])
        #expect(Self.positions(try Self.step(b, state, [.up]).state) == [[2, 3]])
    }

    /// Four agents, one food at (6,6). Cases: (agent cells, actions, cells after the step).
    @Test(arguments: [
        // A and B aim at (2,3), C and D at nothing in common: C moves, D's move is blocked by C's pre-step cell.
        ([[2, 2], [2, 4], [5, 1], [5, 2]], [LBFAction.right, .left, .up, .left], [[2, 2], [2, 4], [4, 1], [5, 2]]),
        // A, B and C all aim at (2,3): all three stay; D moves.
        ([[2, 2], [2, 4], [1, 3], [6, 1]], [LBFAction.right, .left, .down, .right], [[2, 2], [2, 4], [1, 3], [6, 2]]),
    ])
    func allMoversIntoOneFreeCellRevert(cells: [[Int]], actions: [LBFAction], positions: [[Int]]) throws {
        let b = try Self.batch(agents: 4, foods: 1)
        let state = LBFSnapshot(
            agents: cells.map { Agent(row: $0[0], col: $0[1], level: 1) }, foods: [Food(row: 6, col: 6, level: 1)])
        let out = try Self.step(b, state, actions)
        #expect(Self.positions(out.state) == positions)
    }

    // MARK: - Loading and rewards

    @Test func foodIsEatenOnlyWhenTheLoadingLevelsSuffice() throws {
        let b = try Self.batch(agents: 3, foods: 1)
        let food = Food(row: 3, col: 3, level: 3)
        let agents = [
            Agent(row: 2, col: 3, level: 1), Agent(row: 3, col: 4, level: 2), Agent(row: 4, col: 4, level: 3),
        ]
        let state = LBFSnapshot(agents: agents, foods: [food])

        let together = try Self.step(b, state, [.load, .load, .noop])
        #expect(together.state.foods[0].isEaten)
        #expect(together.terminal)
        // T = 3, S = 3: r_i = level_i · 3 / (3 · 3).
        #expect(abs(together.agentRewards[0] - 1.0 / 3) < 1e-6)
        #expect(abs(together.agentRewards[1] - 2.0 / 3) < 1e-6)
        #expect(together.agentRewards[2] == 0)
        #expect(abs(together.reward - 1) < 1e-6)

        let alone = try Self.step(b, state, [.noop, .load, .noop])
        #expect(!alone.state.foods[0].isEaten)
        #expect(alone.reward == 0 && alone.agentRewards == [0, 0, 0])
        #expect(!alone.terminal)

        // The level-3 agent is only diagonal to the food: its LOAD does not count.
        let diagonal = try Self.step(b, state, [.noop, .noop, .load])
        #expect(!diagonal.state.foods[0].isEaten)
        #expect(diagonal.state.agents.map(\.isLoading) == [false, false, true])
    }

    @Test func weakLoadersWaitUntilEnoughJoin() throws {
        let b = try Self.batch(agents: 2, foods: 2)
        let state = LBFSnapshot(
            agents: [Agent(row: 2, col: 3, level: 1), Agent(row: 3, col: 5, level: 1)],
            foods: [Food(row: 3, col: 3, level: 2), Food(row: 6, col: 6, level: 1)])
        let first = try Self.step(b, state, [.load, .left])
        #expect(!first.state.foods[0].isEaten)
        #expect(Self.positions(first.state) == [[2, 3], [3, 4]])
        let second = try Self.step(b, first.state, [.load, .load])
        #expect(second.state.foods[0].isEaten)
        #expect(!second.terminal)
        // T = 3, S = 2, level_f = 2: each gets 1·2 / (2·3).
        #expect(abs(second.reward - 2.0 / 3) < 1e-6)
    }

    @Test func oneAgentCanLiftTwoDiagonalFoodsInOneStep() throws {
        let b = try Self.batch(agents: 2, foods: 2)
        let state = LBFSnapshot(
            agents: [Agent(row: 3, col: 3, level: 2), Agent(row: 6, col: 1, level: 1)],
            foods: [Food(row: 2, col: 3, level: 1), Food(row: 3, col: 4, level: 2)])
        let out = try Self.step(b, state, [.load, .noop])
        #expect(out.state.foods.allSatisfy { $0.isEaten })
        #expect(out.terminal)
        // T = 3: 2·1/(2·3) + 2·2/(2·3) = 1.
        #expect(abs(out.agentRewards[0] - 1) < 1e-6)
        #expect(out.agentRewards[1] == 0)
    }

    @Test func illegalLoadOnlySetsTheFlag() throws {
        let b = try Self.batch(agents: 1, foods: 1)
        let state = LBFSnapshot(agents: [Agent(row: 1, col: 1, level: 3)], foods: [Food(row: 5, col: 5, level: 1)])
        var mask = [UInt8](repeating: 0, count: 6)
        try b.load(state, copy: 0)
        b.legalActions(into: &mask)
        #expect(mask == [1, 1, 1, 1, 1, 0])
        let out = try Self.step(b, state, [.load])
        #expect(out.state.agents[0].isLoading)
        #expect(!out.state.foods[0].isEaten && out.reward == 0)
        let moved = try Self.step(b, out.state, [.down])
        #expect(!moved.state.agents[0].isLoading)
    }

    @Test(arguments: TaskRegistry.tasks(kind: .lbf).map(\.id))
    func aFullyEatenEpisodeReturnsOne(id: String) throws {
        let b = try TaskRegistry.task(id: id).makeBatch(copies: 1)
        var rng = SplitMixGenerator(seed: 11)
        var actions = [Int32](repeating: 0, count: b.agentCount)
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        var finished = 0
        for seed in UInt64(0)..<10 {
            b.reset(copy: 0, seed: seed)
            var episodeReturn: Float = 0
            repeat {
                b.heuristicActions(epsilon: 0.05, rng: &rng, into: &actions)
                b.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)
                episodeReturn += reward[0]
            } while !terminal[0] && !truncated[0]
            if terminal[0] {
                finished += 1
                #expect(abs(episodeReturn - 1) < 1e-5, "\(id) seed \(seed): return \(episodeReturn)")
            } else {
                #expect(episodeReturn < 1 - 1e-5, "\(id) seed \(seed): truncated with return \(episodeReturn)")
            }
        }
        #expect(finished > 0, "\(id): no episode ate everything")
    }

    // MARK: - Observation, mask, episode end

    @Test func observationShowsOnlyEntitiesInViewInWindowCoordinates() throws {
        let b = try Self.batch(grid: 8, fov: 2, agents: 2, foods: 3)
        let state = LBFSnapshot(
            agents: [Agent(row: 1, col: 1, level: 2), Agent(row: 5, col: 5, level: 3)],
            foods: [
                Food(row: 3, col: 3, level: 4),  // 2 rows, 2 cols from agent 0: visible to both
                Food(row: 4, col: 1, level: 1),  // 3 rows from agent 0, 4 cols from agent 1: hidden from both
                Food(row: 6, col: 6, level: 2, isEaten: true),  // eaten: hidden even in view
            ])
        try b.load(state, copy: 0)
        var obs = [Float](repeating: 9, count: 2 * 15)
        b.observations(into: &obs)
        // Agent 0 at (1,1): window origin min(2,1) = 1, so (r,c) ↦ (r − 1 + 1, c − 1 + 1).
        #expect(Array(obs[0..<15]) == [3, 3, 4, -1, -1, 0, -1, -1, 0, 1, 1, 2, -1, -1, 0])
        // Agent 1 at (5,5): origin 2, so (r,c) ↦ (r − 3, c − 3); agent 0 is 4 away.
        #expect(Array(obs[15..<30]) == [0, 0, 4, -1, -1, 0, -1, -1, 0, 2, 2, 3, -1, -1, 0])
    }

    @Test func fullViewWritesAbsolutePositionsWithOthersInIdOrder() throws {
        let b = try Self.batch(grid: 8, fov: 8, agents: 3, foods: 1)
        let state = LBFSnapshot(
            agents: [
                Agent(row: 6, col: 2, level: 1), Agent(row: 0, col: 7, level: 2), Agent(row: 4, col: 4, level: 3),
            ],
            foods: [Food(row: 2, col: 5, level: 2)])
        try b.load(state, copy: 0)
        var obs = [Float](repeating: 9, count: 3 * 12)
        b.observations(into: &obs)
        #expect(Array(obs[12..<24]) == [2, 5, 2, 0, 7, 2, 6, 2, 1, 4, 4, 3])
    }

    @Test func maskForbidsBorderAgentsAndFoodAndAllowsLoadNextToFood() throws {
        let b = try Self.batch(agents: 2, foods: 2)
        let state = LBFSnapshot(
            agents: [Agent(row: 0, col: 3, level: 1), Agent(row: 0, col: 4, level: 1)],
            foods: [Food(row: 1, col: 3, level: 1), Food(row: 1, col: 4, level: 1, isEaten: true)])
        try b.load(state, copy: 0)
        var mask = [UInt8](repeating: 9, count: 12)
        b.legalActions(into: &mask)
        // Agent 0: up out, down food, right agent 1; left free; food below → LOAD.
        #expect(Array(mask[0..<6]) == [1, 0, 0, 1, 0, 1])
        // Agent 1: food below is eaten (walkable, no LOAD); left is agent 0; but food 0 is not adjacent.
        #expect(Array(mask[6..<12]) == [1, 0, 1, 0, 1, 0])
    }

    /// A move is legal exactly when it succeeds for an agent that moves alone (no clash possible).
    @Test(arguments: ["lbf-8x8-3p-2f-coop", "lbf-2s-10x10-4p-3f-l3"])
    func maskAgreesWithSoloMoves(id: String) throws {
        let batch = try #require(TaskRegistry.task(id: id).makeBatch(copies: 1) as? LBFBatch)
        let n = batch.agentCount
        var rng = SplitMixGenerator(seed: 3)
        var actions = [Int32](repeating: 0, count: n)
        var mask = [UInt8](repeating: 0, count: n * 6)
        var checked = 0
        for seed in UInt64(0)..<40 {
            batch.reset(copy: 0, seed: seed)
            for _ in 0..<10 {
                batch.heuristicActions(epsilon: 0.5, rng: &rng, into: &actions)
                let start = batch.snapshot(copy: 0)
                batch.legalActions(into: &mask)
                for i in 0..<n {
                    for action in [LBFAction.up, .down, .left, .right] {
                        var solo = [LBFAction](repeating: .noop, count: n)
                        solo[i] = action
                        let moved = try Self.step(batch, start, solo).state.agents[i]
                        let didMove = moved.row != start.agents[i].row || moved.col != start.agents[i].col
                        #expect(
                            didMove == (mask[i * 6 + Int(action.rawValue)] == 1),
                            "\(id) seed \(seed) agent \(i) \(action)")
                        checked += 1
                    }
                    let nextToFood = start.foods.contains {
                        !$0.isEaten && abs($0.row - start.agents[i].row) + abs($0.col - start.agents[i].col) == 1
                    }
                    #expect(nextToFood == (mask[i * 6 + 5] == 1), "\(id) seed \(seed) agent \(i) LOAD")
                }
                let out = try Self.step(batch, start, actions.map { LBFAction(rawValue: $0) ?? .noop })
                if out.terminal || out.truncated { break }
            }
        }
        #expect(checked > 1000)
    }

    @Test func terminalWinsOverTruncatedOnTheLastStep() throws {
        let b = try Self.batch(agents: 1, foods: 1, timeLimit: 100)
        let agent = Agent(row: 2, col: 3, level: 3)
        let food = Food(row: 3, col: 3, level: 1)
        let lastStep = LBFSnapshot(agents: [agent], foods: [food], stepCount: 99)
        let eats = try Self.step(b, lastStep, [.load])
        #expect(eats.terminal && !eats.truncated)
        #expect(eats.state.stepCount == 100)
        let idles = try Self.step(b, lastStep, [.noop])
        #expect(!idles.terminal && idles.truncated)
        let early = try Self.step(b, LBFSnapshot(agents: [agent], foods: [food], stepCount: 98), [.noop])
        #expect(!early.terminal && !early.truncated)
    }

    /// A task of one agent and one food (at (3,3)) on an 8×8 grid, loaded with these agents.
    @Test(arguments: [
        ([], LBFStateError.wrongCount(entity: "agent", expected: 1, found: 0)),
        ([Agent(row: 8, col: 0, level: 1)], LBFStateError.outsideGrid(entity: "agent", index: 0, row: 8, col: 0, gridSize: 8)),
    ])
    func snapshotsThatDoNotFitTheTaskAreRejected(agents: [Agent], error: LBFStateError) throws {
        let b = try Self.batch(agents: 1, foods: 1)
        let food = Food(row: 3, col: 3, level: 1)
        #expect(throws: error) {
            try b.load(LBFSnapshot(agents: agents, foods: [food]), copy: 0)
        }
    }
}
