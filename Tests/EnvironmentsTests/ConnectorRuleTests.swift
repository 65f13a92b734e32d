import Environments
import Testing

/// The step rules of spec env-connector.md §5–§8, each on a small hand-built state.
@Suite struct ConnectorRuleTests {
    /// One step of a 1-copy batch loaded with `state`.
    struct Outcome {
        var state: ConnectorState
        var reward: Float
        var agentRewards: [Float]
        var terminal: Bool
        var truncated: Bool
        var observations: [[Float]]
    }

    static func cell(_ row: Int, _ col: Int) -> GridCell { GridCell(row: row, col: col) }

    static func step(_ parameters: ConnectorParameters, _ state: ConnectorState, actions: [Int32]) throws -> Outcome {
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        try batch.load(state, copy: 0)
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        batch.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)
        return Outcome(
            state: batch.state(copy: 0), reward: reward[0], agentRewards: batch.agentRewards(copy: 0),
            terminal: terminal[0], truncated: truncated[0], observations: observations(batch))
    }

    static func observations(_ batch: ConnectorBatch) -> [[Float]] {
        var buffer = [Float](repeating: 0, count: batch.agentCount * batch.observationSize)
        batch.observations(into: &buffer)
        return (0..<batch.agentCount).map { Array(buffer[($0 * batch.observationSize)..<(($0 + 1) * batch.observationSize)]) }
    }

    /// 5×5, agent 0 head (2,1) target (0,0); agent 1 head (2,3) target (4,4); agent 2 head (4,0) target (0,4).
    static let threeAgents = ConnectorState(
        grid: [
            [3, 0, 0, 0, 9],
            [0, 0, 0, 0, 0],
            [0, 2, 0, 5, 0],
            [0, 0, 0, 0, 0],
            [8, 0, 0, 0, 6],
        ], stepCount: 0, starts: [cell(2, 1), cell(2, 3), cell(4, 0)], targets: [cell(0, 0), cell(4, 4), cell(0, 4)],
        positions: [cell(2, 1), cell(2, 3), cell(4, 0)])
    static let small = ConnectorParameters(gridSize: 5, agentCount: 3)

    @Test func inAClashTheHigherIdMovesAndLowerIdsStay() throws {
        let out = try Self.step(Self.small, Self.threeAgents, actions: [2, 4, 0])
        #expect(out.state.positions[0] == Self.cell(2, 1))
        #expect(out.state.positions[1] == Self.cell(2, 2))
        #expect(out.state.grid[2] == [0, 2, 5, 4, 0])
    }

    @Test func aThreeWayClashLetsOnlyTheHighestIdMove() throws {
        var state = Self.threeAgents
        state.grid = [
            [3, 0, 0, 0, 9],
            [0, 0, 8, 0, 0],
            [0, 2, 0, 5, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 6],
        ]
        state.starts[2] = Self.cell(1, 2)
        state.positions[2] = Self.cell(1, 2)
        let out = try Self.step(Self.small, state, actions: [2, 4, 3])
        #expect(out.state.positions == [Self.cell(2, 1), Self.cell(2, 3), Self.cell(2, 2)])
        #expect(out.state.grid[1][2] == 7)
        #expect(out.state.grid[2][2] == 8)
    }

    @Test func actionsTheStoredMaskForbidsAreNoops() throws {
        var state = Self.threeAgents
        state.actionMask = [[1, 1, 0, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]
        // Agent 0's RIGHT is free on the grid but forbidden by the stored mask; agent 2's DOWN leaves the grid.
        let out = try Self.step(Self.small, state, actions: [2, 1, 3])
        #expect(out.state.positions == [Self.cell(2, 1), Self.cell(1, 3), Self.cell(4, 0)])
        #expect(out.state.grid[2][1] == 2)
        #expect(out.state.grid[2][2] == 0)
        #expect(out.agentRewards == [-0.03, -0.03, -0.03])
    }

    @Test func maskBlocksOthersAndOwnPathButAdmitsOwnTarget() throws {
        var state = Self.threeAgents
        state.grid = [
            [3, 2, 0, 0, 9],
            [0, 1, 5, 0, 0],
            [0, 0, 4, 0, 0],
            [0, 0, 0, 0, 0],
            [8, 0, 0, 0, 6],
        ]
        state.positions = [Self.cell(0, 1), Self.cell(1, 2), Self.cell(4, 0)]
        let batch = ConnectorBatch(parameters: Self.small, copies: 1)
        try batch.load(state, copy: 0)
        var mask = [UInt8](repeating: 0, count: 15)
        batch.legalActions(into: &mask)
        // Agent 0: up off-grid, right free, down own path, left own target.
        #expect(Array(mask[0..<5]) == [1, 0, 1, 0, 1])
        // Agent 1: up free, right free, down own path, left agent 0's path.
        #expect(Array(mask[5..<10]) == [1, 1, 1, 0, 0])
    }

    @Test func connectingPays097ThenNothingAndUnconnectedPay003() throws {
        let first = try Self.step(Self.small, Self.threeAgents, actions: [0, 0, 1])
        #expect(first.agentRewards == [-0.03, -0.03, -0.03])
        var state = first.state
        // Walk agent 0 up twice then left: (2,1) -> (1,1) -> (0,1) -> (0,0) = its target.
        var rewards: [[Float]] = []
        for action: Int32 in [1, 1, 4, 0] {
            let out = try Self.step(Self.small, state, actions: [action, 0, 0])
            rewards.append(out.agentRewards)
            state = out.state
        }
        #expect(rewards.map { $0[0] } == [-0.03, -0.03, 0.97, 0])
        #expect(rewards.allSatisfy { $0[1] == -0.03 })
        #expect(state.grid[0][0] == 2)
        #expect(state.actionMask?[0] == [1, 0, 0, 0, 0])
    }

    @Test func teamRewardIsTheSumOfAgentRewards() throws {
        var state = Self.threeAgents
        state.grid[1][0] = 2
        state.grid[2][1] = 1
        state.positions[0] = Self.cell(1, 0)
        let out = try Self.step(Self.small, state, actions: [1, 0, 0])
        #expect(out.agentRewards == [0.97, -0.03, -0.03])
        #expect(abs(out.reward - 0.91) < 1e-6)
    }

    @Test func anAgentWalledInIsDoneSoTheEpisodeCanEndUnconnected() throws {
        // Agent 0 at the corner (0,0) with agent 1's path at (0,1); agent 1 connects at (1,0), closing the corner.
        let parameters = ConnectorParameters(gridSize: 4, agentCount: 2)
        let state = ConnectorState(
            grid: [
                [2, 4, 0, 3],
                [6, 5, 0, 0],
                [0, 0, 0, 0],
                [0, 0, 0, 0],
            ], stepCount: 3, starts: [Self.cell(0, 0), Self.cell(0, 2)], targets: [Self.cell(0, 3), Self.cell(1, 0)],
            positions: [Self.cell(0, 0), Self.cell(1, 1)])
        let out = try Self.step(parameters, state, actions: [0, 4])
        #expect(out.state.actionMask?[0] == [1, 0, 0, 0, 0])
        #expect(out.agentRewards == [-0.03, 0.97])
        #expect(out.terminal)
        #expect(!out.truncated)
    }

    /// Agents that can still move: the episode runs on, until the step that reaches the time limit
    /// truncates it. Cases: (steps taken before this one, truncated).
    @Test(arguments: [(0, false), (small.timeLimit - 1, true)])
    func anEpisodeWithALegalMoveLeftRunsOnUntilTheTimeLimit(stepCount: Int, truncates: Bool) throws {
        var state = Self.threeAgents
        state.stepCount = stepCount
        let out = try Self.step(Self.small, state, actions: [0, 0, 0])
        #expect(!out.terminal)
        #expect(out.truncated == truncates)
        #expect(out.state.stepCount == stepCount + 1)
    }

    @Test func terminalWinsOverTruncationAtTheLimit() throws {
        let parameters = ConnectorParameters(gridSize: 4, agentCount: 1, timeLimit: 5)
        let state = ConnectorState(
            grid: [[0, 0, 0, 0], [0, 1, 2, 3], [0, 0, 0, 0], [0, 0, 0, 0]], stepCount: 4,
            starts: [Self.cell(1, 1)], targets: [Self.cell(1, 3)], positions: [Self.cell(1, 2)])
        let out = try Self.step(parameters, state, actions: [2])
        #expect(out.terminal)
        #expect(!out.truncated)
    }

    @Test func observationRelabelsFromTheAgentAndPadsOutsideWithOne() throws {
        // Agent 1 at the corner (0,0); agent 0's head (0,1) and path (0,2); agent 2's head (1,1) and target (2,2).
        let state = ConnectorState(
            grid: [
                [5, 2, 1, 0, 0],
                [0, 8, 0, 0, 0],
                [6, 0, 9, 0, 0],
                [0, 0, 0, 0, 0],
                [0, 0, 0, 0, 3],
            ], stepCount: 0, starts: [Self.cell(0, 2), Self.cell(0, 0), Self.cell(1, 1)],
            targets: [Self.cell(4, 4), Self.cell(2, 0), Self.cell(2, 2)],
            positions: [Self.cell(0, 1), Self.cell(0, 0), Self.cell(1, 1)])
        let batch = ConnectorBatch(parameters: Self.small, copies: 1)
        try batch.load(state, copy: 0)
        let obs = Self.observations(batch)
        var blockers = [Float](repeating: 1, count: 25)
        var targets = [Float](repeating: 1, count: 25)
        for a in 2..<5 { for b in 2..<5 { blockers[a * 5 + b] = 0; targets[a * 5 + b] = 0 } }
        blockers[2 * 5 + 2] = 1  // own head (0,0)
        blockers[2 * 5 + 3] = 1  // agent 0's head (0,1)
        blockers[2 * 5 + 4] = -1  // agent 0's path (0,2)
        blockers[3 * 5 + 3] = 1  // agent 2's head (1,1)
        targets[4 * 5 + 2] = 1  // own target (2,0)
        targets[4 * 5 + 4] = -1  // agent 2's target (2,2)
        let expected: [Float] = [0, 0, Float(2) / 25, 0] + blockers + targets
        #expect(obs[1] == expected)
        // Coordinates are divided by G² = 25, not G: agent 0's head (0,1), target (4,4).
        let agent0Coordinates: [Float] = [0, Float(1) / 25, Float(4) / 25, Float(4) / 25]
        #expect(Array(obs[0][0..<4]) == agent0Coordinates)
        for agent in 0..<3 { #expect(obs[agent][4 + 12] == 1, "agent \(agent): window centre is its own head") }
    }

    @Test func aConnectedAgentSeesItsTargetAtTheOrigin() throws {
        let parameters = ConnectorParameters(gridSize: 4, agentCount: 2)
        let state = ConnectorState(
            grid: [[6, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 5], [0, 0, 1, 2]], stepCount: 1,
            starts: [Self.cell(3, 2), Self.cell(2, 3)], targets: [Self.cell(3, 3), Self.cell(0, 0)],
            positions: [Self.cell(3, 3), Self.cell(2, 3)])
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        try batch.load(state, copy: 0)
        let obs = Self.observations(batch)
        let coordinates: [Float] = [Float(3) / 16, Float(3) / 16, 0, 0]
        #expect(Array(obs[0][0..<4]) == coordinates)
        // Agent 1 sees agent 0's connected head as a head (+1 blocker), not as a target.
        // Agent 1's head is (2,3): window cell (3,2) is grid cell (3,3).
        #expect(obs[1][4 + 3 * 5 + 2] == 1)
        #expect(obs[1][4 + 25 + 3 * 5 + 2] == 0)
        #expect(Array(obs[1][0..<4]) == [Float(2) / 16, Float(3) / 16, 0, 0])
    }

    @Test func badStatesAreRejectedWithTheirField() throws {
        let batch = ConnectorBatch(parameters: Self.small, copies: 1)
        var state = Self.threeAgents
        state.grid[2][1] = 0
        #expect(throws: ConnectorStateError.self) { try batch.load(state, copy: 0) }
        state = Self.threeAgents
        state.positions[1] = Self.cell(5, 0)
        do {
            try batch.load(state, copy: 0)
            Issue.record("an off-grid position was accepted")
        } catch let error as ConnectorStateError {
            #expect(error.field == "agents[1].position")
        }
    }
}
