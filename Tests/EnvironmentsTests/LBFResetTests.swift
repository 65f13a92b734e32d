import Environments
import Testing

/// Fresh episodes follow the invariants of jumanji's generator (spec env-lbf.md §3).
@Suite struct LBFResetTests {
    static let lbfTaskIds = TaskRegistry.tasks(kind: .lbf).map(\.id)

    static func parameters(_ task: TaskSpec) throws -> LBFParameters {
        let lbf: LBFParameters? = if case .lbf(let p) = task.parameters { p } else { nil }
        return try #require(lbf, "\(task.id) is not an LBF task")
    }

    @Test(arguments: lbfTaskIds)
    func resetStatesSatisfyTheGeneratorInvariants(id: String) throws {
        let task = try TaskRegistry.task(id: id)
        let p = try Self.parameters(task)
        let batch = LBFBatch(parameters: p, copies: 3)
        let g = p.gridSize
        var agentLevelsSeen = Set<Int>()
        for seed in UInt64(0)..<300 {
            let copy = Int(seed % 3)
            batch.reset(copy: copy, seed: seed * 7919 + 1)
            let s = batch.snapshot(copy: copy)
            let label = "\(id) seed \(seed)"
            #expect(s.stepCount == 0, "\(label)")
            #expect(s.agents.allSatisfy { !$0.isLoading } && s.foods.allSatisfy { !$0.isEaten }, "\(label)")
            for (f, food) in s.foods.enumerated() {
                #expect(
                    food.row > 0 && food.row < g - 1 && food.col > 0 && food.col < g - 1,
                    "\(label): food \(f) on the border")
                for other in s.foods[(f + 1)...] {
                    #expect(
                        abs(food.row - other.row) + abs(food.col - other.col) > 1, "\(label): foods adjacent or shared")
                }
            }
            let forbiddenRows = Set(s.foods.flatMap { [$0.row, $0.col] })
            var cells = Set<Int>()
            for (i, agent) in s.agents.enumerated() {
                #expect(
                    agent.row >= 0 && agent.row < g && agent.col >= 0 && agent.col < g,
                    "\(label): agent \(i) off the grid")
                #expect(!forbiddenRows.contains(agent.row), "\(label): agent \(i) in a row the generator excludes")
                #expect(
                    !s.foods.contains { $0.row == agent.row && $0.col == agent.col }, "\(label): agent \(i) on food")
                #expect((1...p.maxAgentLevel).contains(agent.level), "\(label): agent \(i) level \(agent.level)")
                cells.insert(agent.row * g + agent.col)
                agentLevelsSeen.insert(agent.level)
            }
            #expect(cells.count == p.agentCount, "\(label): agents share a cell")
            let hard = s.agents.map(\.level).sorted().prefix(3).reduce(0, +)
            for food in s.foods {
                if p.forcesCooperation {
                    #expect(food.level == hard, "\(label): coop food level \(food.level), expected \(hard)")
                } else {
                    #expect((1...hard).contains(food.level), "\(label): food level \(food.level) outside 1...\(hard)")
                }
            }
        }
        #expect(agentLevelsSeen == Set(1...p.maxAgentLevel), "\(id): agent levels seen \(agentLevelsSeen.sorted())")
    }

    @Test func foodReachesEveryInteriorCellAndAgentsEveryAllowedRow() throws {
        let p = try Self.parameters(try TaskRegistry.task(id: "lbf-8x8-2p-2f-coop"))
        let batch = LBFBatch(parameters: p, copies: 1)
        var foodCells = Set<Int>()
        var agentRows = Set<Int>()
        for seed in UInt64(0)..<2000 {
            batch.reset(copy: 0, seed: seed)
            let s = batch.snapshot(copy: 0)
            for food in s.foods { foodCells.insert(food.row * 8 + food.col) }
            for agent in s.agents { agentRows.insert(agent.row) }
        }
        #expect(foodCells.count == 36, "interior cells holding food: \(foodCells.count) of 36")
        #expect(agentRows == Set(0..<8))
    }

    @Test func sameSeedSameEpisode() throws {
        let p = try Self.parameters(try TaskRegistry.task(id: "lbf-15x15-4p-5f"))
        let batch = LBFBatch(parameters: p, copies: 2)
        batch.reset(copy: 0, seed: 42)
        batch.reset(copy: 1, seed: 42)
        #expect(batch.snapshot(copy: 0) == batch.snapshot(copy: 1))
        batch.reset(copy: 1, seed: 43)
        #expect(batch.snapshot(copy: 0) != batch.snapshot(copy: 1))
    }

    @Test func parametersBreakingTheGeneratorConstraintAreRejected() {
        // (5−2)² − 3 = 6 is not > 5·2.
        #expect(throws: LBFParameterError.generatorConstraint(gridSize: 5, agentCount: 3, foodCount: 2)) {
            try LBFParameters(
                gridSize: 5, fieldOfView: 5, agentCount: 3, foodCount: 2, maxAgentLevel: 2, forcesCooperation: false)
        }
        #expect(throws: LBFParameterError.self) {
            try LBFParameters(
                gridSize: 8, fieldOfView: 9, agentCount: 2, foodCount: 2, maxAgentLevel: 2, forcesCooperation: false)
        }
        #expect(throws: Never.self) {
            try LBFParameters(
                gridSize: 5, fieldOfView: 5, agentCount: 3, foodCount: 1, maxAgentLevel: 2, forcesCooperation: false)
        }
    }

    @Test func registryHoldsTheSpecTaskTable() throws {
        let lbf = TaskRegistry.tasks(kind: .lbf)
        // spec §9: ids, obs_dim = 3·(F + N), proposed split.
        let expected: [(String, Int, TaskSplit)] = [
            ("lbf-2s-8x8-2p-2f-coop", 12, .train), ("lbf-8x8-2p-2f-coop", 12, .train),
            ("lbf-2s-10x10-3p-3f", 18, .train), ("lbf-10x10-3p-3f", 18, .train), ("lbf-15x15-3p-5f", 24, .train),
            ("lbf-15x15-4p-3f", 21, .test), ("lbf-15x15-4p-5f", 27, .test), ("lbf-8x8-3p-2f-coop", 15, .test),
            ("lbf-10x10-4p-3f", 21, .test), ("lbf-10x10-3p-3f-l3", 18, .test), ("lbf-15x15-4p-5f-l3", 27, .test),
            ("lbf-2s-10x10-4p-3f-l3", 21, .spare),
        ]
        #expect(lbf.map(\.id) == expected.map(\.0))
        #expect(lbf.map(\.observationSize) == expected.map(\.1))
        #expect(lbf.map(\.split) == expected.map(\.2))
        #expect(lbf.allSatisfy { $0.timeLimit == 100 && $0.actionCount == 6 })
    }
}
