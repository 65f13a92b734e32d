import Environments
import Testing

/// Batch behaviour: copies are independent, the heuristic beats random play, the task list, rendering.
@Suite struct ConnectorBatchTests {
    static func parameters(_ id: String) throws -> ConnectorParameters {
        guard case .connector(let p) = try TaskRegistry.task(id: id).parameters else {
            throw TaskLookupError.unknown(id: id, suggestions: [])
        }
        return p
    }

    /// Mean team return and mean fraction of agents connected at the end, over `episodes` episodes
    /// of one copy under the heuristic with `epsilon` (epsilon 1 is the uniformly random legal policy).
    static func play(_ parameters: ConnectorParameters, epsilon: Double, episodes: Int, seed: UInt64)
        -> (meanReturn: Double, connectedFraction: Double)
    {
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        var rng = SplitMixGenerator(seed: seed)
        var actions = [Int32](repeating: 0, count: parameters.agentCount)
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        var total = 0.0
        var connected = 0
        for episode in 0..<episodes {
            batch.reset(copy: 0, seed: seed &* 1000 &+ UInt64(episode))
            repeat {
                batch.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
                batch.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)
                total += Double(reward[0])
            } while !terminal[0] && !truncated[0]
            let state = batch.state(copy: 0)
            connected += zip(state.positions, state.targets).filter { $0 == $1 }.count
        }
        return (total / Double(episodes), Double(connected) / Double(episodes * parameters.agentCount))
    }

    @Test(arguments: ["con-5x5x3a", "con-7x7x5a", "con-10x10x10a", "con-15x15x23a"])
    func heuristicBeatsRandomPlayAndConnectsMostAgents(task: String) throws {
        let parameters = try Self.parameters(task)
        let heuristic = Self.play(parameters, epsilon: 0, episodes: 20, seed: 3)
        let random = Self.play(parameters, epsilon: 1, episodes: 20, seed: 3)
        #expect(heuristic.meanReturn > random.meanReturn, "heuristic \(heuristic), random \(random)")
        #expect(heuristic.connectedFraction > random.connectedFraction, "heuristic \(heuristic), random \(random)")
        #expect(heuristic.connectedFraction > 0.5, "heuristic \(heuristic)")
    }

    @Test func copiesStepIndependentlyLikeSingleBatches() throws {
        let parameters = try Self.parameters("con-7x7x5a")
        let n = parameters.agentCount
        let size = parameters.observationSize
        let copies = 3
        let joint = ConnectorBatch(parameters: parameters, copies: copies)
        let singles = (0..<copies).map { _ in ConnectorBatch(parameters: parameters, copies: 1) }
        for c in 0..<copies {
            joint.reset(copy: c, seed: UInt64(40 + c))
            singles[c].reset(copy: 0, seed: UInt64(40 + c))
        }
        var rng = SplitMixGenerator(seed: 5)
        var actions = [Int32](repeating: 0, count: copies * n)
        var rewards = [Float](repeating: 0, count: copies)
        var terminal = [Bool](repeating: false, count: copies)
        var truncated = [Bool](repeating: false, count: copies)
        var jointObs = [Float](repeating: 0, count: copies * n * size)
        var singleObs = [Float](repeating: 0, count: n * size)
        var episodesEnded = 0
        for t in 0..<120 {
            joint.heuristicActions(epsilon: 0.3, rng: &rng, into: &actions)
            joint.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            joint.observations(into: &jointObs)
            for c in 0..<copies {
                var r: [Float] = [0]
                var term = [false]
                var trunc = [false]
                singles[c].step(actions: Array(actions[(c * n)..<((c + 1) * n)]), rewards: &r, terminal: &term, truncated: &trunc)
                singles[c].observations(into: &singleObs)
                #expect(r[0] == rewards[c] && term[0] == terminal[c] && trunc[0] == truncated[c], "t \(t), copy \(c)")
                #expect(Array(jointObs[(c * n * size)..<((c + 1) * n * size)]) == singleObs, "t \(t), copy \(c)")
                #expect(joint.state(copy: c) == singles[c].state(copy: 0), "t \(t), copy \(c)")
                if terminal[c] || truncated[c] {
                    episodesEnded += 1
                    joint.reset(copy: c, seed: UInt64(100 + t))
                    singles[c].reset(copy: 0, seed: UInt64(100 + t))
                }
            }
        }
        #expect(episodesEnded >= copies)
    }

    /// Agent 0 at (2,1) behind agent 1's path in column 2 (rows 1–4); agent 1's head at (4,2).
    static func walledState(closeTheGap: Bool) -> ConnectorState {
        ConnectorState(
            grid: [
                [0, 0, closeTheGap ? 4 : 0, 0, 0],
                [0, 0, 4, 0, 0],
                [0, 2, 4, 0, 3],
                [0, 0, 4, 0, 0],
                [0, 0, 5, 0, 6],
            ], stepCount: 4, starts: [GridCell(row: 2, col: 1), GridCell(row: 1, col: 2)],
            targets: [GridCell(row: 2, col: 4), GridCell(row: 4, col: 4)],
            positions: [GridCell(row: 2, col: 1), GridCell(row: 4, col: 2)])
    }

    @Test func heuristicTakesTheFirstStepOfAShortestPathOrWaits() throws {
        let batch = ConnectorBatch(parameters: ConnectorParameters(gridSize: 5, agentCount: 2), copies: 1)
        var rng = SplitMixGenerator(seed: 1)
        var actions: [Int32] = [9, 9]
        try batch.load(Self.walledState(closeTheGap: false), copy: 0)
        batch.heuristicActions(epsilon: 0, rng: &rng, into: &actions)
        // Agent 0's only shortest way round the wall goes up through (0,2); agent 1 goes right.
        #expect(actions == [1, 2])
        try batch.load(Self.walledState(closeTheGap: true), copy: 0)
        batch.heuristicActions(epsilon: 0, rng: &rng, into: &actions)
        #expect(actions == [0, 2], "an unreachable target gives NOOP")
        var connected = Self.walledState(closeTheGap: true)
        connected.grid[4] = [0, 0, 4, 4, 5]
        connected.positions[1] = GridCell(row: 4, col: 4)
        try batch.load(connected, copy: 0)
        batch.heuristicActions(epsilon: 0, rng: &rng, into: &actions)
        #expect(actions[1] == 0, "a connected agent waits")
    }

    @Test func heuristicActionsAreLegal() throws {
        let parameters = try Self.parameters("con-10x10x10a")
        let batch = ConnectorBatch(parameters: parameters, copies: 4)
        for c in 0..<4 { batch.reset(copy: c, seed: UInt64(c)) }
        var rng = SplitMixGenerator(seed: 9)
        var actions = [Int32](repeating: 0, count: 4 * parameters.agentCount)
        var mask = [UInt8](repeating: 0, count: 4 * parameters.agentCount * 5)
        for epsilon in [0.0, 0.5] {
            batch.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
            batch.legalActions(into: &mask)
            for (i, action) in actions.enumerated() {
                #expect(mask[i * 5 + Int(action)] == 1, "epsilon \(epsilon), flat agent \(i), action \(action)")
            }
        }
    }

    @Test func taskListFollowsTheSpecTable() {
        let tasks = ConnectorTasks.all
        #expect(tasks.count == 18)
        #expect(Set(tasks.map(\.id)).count == 18)
        #expect(tasks.filter { $0.split == .train }.count == 10)
        #expect(tasks.filter { $0.split == .test }.count == 8)
        for task in tasks {
            guard case .connector(let p) = task.parameters else {
                Issue.record("\(task.id) is not a Connector task")
                continue
            }
            #expect(task.id == "con-\(p.gridSize)x\(p.gridSize)x\(p.agentCount)a")
            #expect(task.observationSize == 54 && task.actionCount == 5, "\(task.id)")
            #expect(task.timeLimit == p.gridSize * p.gridSize, "\(task.id)")
            #expect(p.walkMaxSteps == 3 * p.gridSize / 2, "\(task.id)")
            #expect(throws: Never.self, "\(task.id)") { try p.validate() }
        }
        let trainShapes = Set(tasks.filter { $0.split == .train }.map { "\($0.agentCount)@\($0.timeLimit)" })
        let testShapes = Set(tasks.filter { $0.split == .test }.map { "\($0.agentCount)@\($0.timeLimit)" })
        #expect(trainShapes.isDisjoint(with: testShapes), "held-out (grid size, agent count) pairs never occur in training")
    }

    @Test func renderShowsALegendAndEveryAgent() throws {
        let parameters = try Self.parameters("con-5x5x3a")
        let batch = ConnectorBatch(parameters: parameters, copies: 2)
        batch.reset(copy: 1, seed: 4)
        let lines = batch.render(copy: 1).split(separator: "\n")
        #expect(lines.count == 2 + parameters.gridSize)
        #expect(lines[0].hasPrefix("legend:"))
        let body = lines.dropFirst(2).joined(separator: " ")
        for k in 0..<3 { #expect(body.contains("H\(k)") && body.contains("T\(k)"), "agent \(k)") }
    }
}
