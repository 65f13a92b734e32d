import Environments
import Testing

/// The random-walk generator's invariants (spec env-connector.md §3) over many seeds of every task.
@Suite struct ConnectorResetTests {
    static let taskIds = ConnectorTasks.all.map(\.id)

    static func parameters(_ id: String) throws -> ConnectorParameters {
        guard case .connector(let p) = try TaskRegistry.task(id: id).parameters else {
            throw TaskLookupError.unknown(id: id, suggestions: [])
        }
        return p
    }

    /// Whether `to` is reachable from `from` through empty cells (and `to` itself).
    static func reachable(_ grid: [[Int]], from: GridCell, to: GridCell) -> Bool {
        let side = grid.count
        var seen = Set([from])
        var frontier = [from]
        while let cell = frontier.popLast() {
            for (dr, dc) in [(-1, 0), (0, 1), (1, 0), (0, -1)] {
                let next = GridCell(row: cell.row + dr, col: cell.col + dc)
                guard next.row >= 0, next.row < side, next.col >= 0, next.col < side, !seen.contains(next) else { continue }
                if next == to { return true }
                guard grid[next.row][next.col] == 0 else { continue }
                seen.insert(next)
                frontier.append(next)
            }
        }
        return false
    }

    @Test(arguments: taskIds)
    func resetsSatisfyTheGeneratorInvariants(task: String) throws {
        let parameters = try Self.parameters(task)
        let n = parameters.agentCount
        let side = parameters.gridSize
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        let check = ConnectorBatch(parameters: parameters, copies: 1)
        for seed in UInt64(0)..<40 {
            batch.reset(copy: 0, seed: seed)
            let state = batch.state(copy: 0)
            #expect(state.stepCount == 0, "seed \(seed)")
            #expect(state.positions == state.starts, "seed \(seed): heads start at the starts")
            let cells = state.starts + state.targets
            #expect(Set(cells).count == 2 * n, "seed \(seed): starts and targets are distinct")
            #expect(cells.allSatisfy { $0.row >= 0 && $0.row < side && $0.col >= 0 && $0.col < side }, "seed \(seed)")
            var expectedGrid = [[Int]](repeating: [Int](repeating: 0, count: side), count: side)
            for k in 0..<n {
                expectedGrid[state.starts[k].row][state.starts[k].col] = 3 * k + 2
                expectedGrid[state.targets[k].row][state.targets[k].col] = 3 * k + 3
            }
            #expect(state.grid == expectedGrid, "seed \(seed): only heads and targets on the grid")
            for k in 0..<n {
                let distance = abs(state.starts[k].row - state.targets[k].row) + abs(state.starts[k].col - state.targets[k].col)
                #expect(distance <= parameters.walkMaxSteps, "seed \(seed), agent \(k): a first step plus at most max_steps - 1 moves")
                #expect(Self.reachable(state.grid, from: state.starts[k], to: state.targets[k]), "seed \(seed), agent \(k)")
            }
            var derived = state
            derived.actionMask = nil
            try check.load(derived, copy: 0)
            #expect(check.state(copy: 0).actionMask == state.actionMask, "seed \(seed): mask derived from the grid")
        }
    }

    @Test func theSameSeedGivesTheSameInstanceAndOthersDiffer() throws {
        let parameters = try Self.parameters("con-7x7x5a")
        let batch = ConnectorBatch(parameters: parameters, copies: 2)
        batch.reset(copy: 0, seed: 11)
        batch.reset(copy: 1, seed: 11)
        #expect(batch.state(copy: 0) == batch.state(copy: 1))
        let layouts = Set((UInt64(0)..<20).map { seed -> [GridCell] in
            batch.reset(copy: 0, seed: seed)
            return batch.state(copy: 0).targets
        })
        #expect(layouts.count > 15)
    }

    /// Starts are uniform over free cells: on an empty grid every cell is a candidate for agent 0.
    @Test func firstStartsCoverTheWholeGrid() throws {
        let parameters = ConnectorParameters(gridSize: 4, agentCount: 1)
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        var counts = [GridCell: Int]()
        for seed in UInt64(0)..<1600 {
            batch.reset(copy: 0, seed: seed)
            counts[batch.state(copy: 0).starts[0], default: 0] += 1
        }
        #expect(counts.count == 16)
        #expect(counts.values.allSatisfy { $0 > 50 && $0 < 150 }, "\(counts)")
    }

    @Test func walksDriftAwayFromTheirStarts() throws {
        // With max_steps = floor(1.5·G) and a drift toward larger displacement, targets end up farther
        // than one cell on average (a walk of a single first step would give exactly 1).
        let parameters = try Self.parameters("con-10x10x10a")
        let batch = ConnectorBatch(parameters: parameters, copies: 1)
        var total = 0
        var count = 0
        for seed in UInt64(0)..<200 {
            batch.reset(copy: 0, seed: seed)
            let state = batch.state(copy: 0)
            for k in 0..<parameters.agentCount {
                total += abs(state.starts[k].row - state.targets[k].row) + abs(state.starts[k].col - state.targets[k].col)
                count += 1
            }
        }
        #expect(Double(total) / Double(count) > 2)
    }

    @Test func invalidParametersThrowNamingTheParameter() {
        #expect(throws: ConnectorParameterError.self) { try ConnectorParameters(gridSize: 4, agentCount: 5).validate() }
        #expect(throws: ConnectorParameterError.self) { try ConnectorParameters(gridSize: 5, agentCount: 2, timeLimit: 0).validate() }
        #expect(throws: Never.self) { try ConnectorParameters(gridSize: 5, agentCount: 4).validate() }
    }
}
