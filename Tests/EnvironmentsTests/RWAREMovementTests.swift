import Environments
import Testing

/// Sequential move resolution and collisions (spec env-rware.md §4), from hand-built states.
@Suite struct RWAREMovementTests {
    @Test func twoAgentsEnteringOneCellCollide() throws {
        let scene = RWAREScene(agents: [(9, 3), (9, 5)], facing: [Dir.right, Dir.left])
        let result = try scene.step([Act.forward, Act.forward])
        #expect(result.terminal)
        #expect(!result.truncated)
        #expect(result.next.agentPositions == [at(9, 4), at(9, 4)])
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

    @Test func swappingNeighboursCollide() throws {
        let scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.left])
        let result = try scene.step([Act.forward, Act.forward])
        #expect(result.terminal)
        #expect(result.next.agentPositions == [at(9, 4), at(9, 3)])
    }

    @Test func followingALowerIndexLeaderIsSafe() throws {
        let scene = RWAREScene(agents: [(9, 4), (9, 3)], facing: [Dir.right, Dir.right])
        let result = try scene.step([Act.forward, Act.forward])
        #expect(!result.terminal)
        #expect(result.next.agentPositions == [at(9, 5), at(9, 4)])
    }

    @Test func followingAHigherIndexLeaderCollides() throws {
        let scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.right])
        let result = try scene.step([Act.forward, Act.forward])
        #expect(result.terminal)
        #expect(result.next.agentPositions == [at(9, 4), at(9, 5)])
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

    @Test func loadingTwoAgentsIntoOneCellIsRejected() throws {
        var scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.up])
        scene.state.agentPositions[1] = at(9, 3)
        #expect(throws: RWAREStateError.self) { try scene.batch.load(scene.state, copy: 0) }
        scene.state.agentPositions[1] = at(11, 3)
        #expect(throws: RWAREStateError.self) { try scene.batch.load(scene.state, copy: 0) }
    }
}
