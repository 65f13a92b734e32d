import Environments
import Testing

/// Sequential move resolution and collisions (spec env-rware.md §4), from hand-built states.
@Suite struct RWAREMovementTests {
    /// Both agents step FORWARD at once; moves resolve in index order, so who follows whom matters.
    /// Cases: (what happens, agent cells, facings, collision, cells after the step).
    @Test(arguments: [
        ("two agents entering one cell collide", [(9, 3), (9, 5)], [Dir.right, Dir.left], true, [at(9, 4), at(9, 4)]),
        ("swapping neighbours collide", [(9, 3), (9, 4)], [Dir.right, Dir.left], true, [at(9, 4), at(9, 3)]),
        ("following a lower-index leader is safe", [(9, 4), (9, 3)], [Dir.right, Dir.right], false, [at(9, 5), at(9, 4)]),
        ("following a higher-index leader collides", [(9, 3), (9, 4)], [Dir.right, Dir.right], true, [at(9, 4), at(9, 5)]),
    ])
    func bothAgentsStepForward(
        _ situation: String, agents: [(Int, Int)], facing: [Int], collides: Bool, after: [GridCell]
    ) throws {
        let scene = RWAREScene(agents: agents, facing: facing)
        let result = try scene.step([Act.forward, Act.forward])
        #expect(result.terminal == collides, "\(situation)")
        #expect(!result.truncated, "\(situation)")
        #expect(result.next.agentPositions == after, "\(situation)")
    }

    @Test(arguments: [0, 1])
    func walkingIntoAStandingAgentCollides(mover: Int) throws {
        var positions = [(9, 3), (9, 3)]
        positions[1 - mover] = (9, 4)
        var actions = [Act.noop, Act.noop]
        actions[mover] = Act.forward
        let scene = RWAREScene(agents: positions, facing: [Dir.right, Dir.right])
        #expect(try scene.step(actions).terminal, "mover \(mover)")
    }

    @Test(arguments: [(0, 0, Dir.up), (0, 0, Dir.left), (10, 9, Dir.down), (10, 9, Dir.right)])
    func walkingIntoTheWallStaysWithoutCollision(row: Int, col: Int, facing: Int) throws {
        let scene = RWAREScene(agents: [(row, col), (5, 4)], facing: [facing, Dir.up])
        let result = try scene.step([Act.forward, Act.noop])
        #expect(!result.terminal)
        #expect(result.next.agentPositions[0] == at(row, col))
        #expect(scene.view().mask[0] == [1, 1, 1, 1, 1])
    }

    @Test func turningRotatesClockwiseOnRight() throws {
        let scene = RWAREScene(agents: [(5, 4), (5, 0)], facing: [Dir.up, Dir.up])
        let result = try scene.step([Act.right, Act.left])
        #expect(result.next.agentDirections == [Dir.right, Dir.left])
        #expect(result.next.stepCount == scene.state.stepCount + 1)
    }

    @Test func theTimeLimitTruncatesOnlyWithoutCollision() throws {
        var scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.up], timeLimit: 10)
        scene.state.stepCount = 9
        let quiet = try scene.step([Act.noop, Act.noop])
        #expect(quiet.truncated && !quiet.terminal)
        let crash = try scene.step([Act.forward, Act.noop])
        #expect(crash.terminal && !crash.truncated)
    }

    /// Agent 1 moved onto agent 0's cell, or below the 11×10 grid.
    @Test(arguments: [at(9, 3), at(11, 3)])
    func loadingAnAgentOntoAnOccupiedOrOffGridCellIsRejected(cell: GridCell) throws {
        var scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.up])
        scene.state.agentPositions[1] = cell
        #expect(throws: RWAREStateError.self) { try scene.batch.load(scene.state, copy: 0) }
    }
}
