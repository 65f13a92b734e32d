/// The LBF task table of spec env-lbf.md §9 (time limit 100, penalty 0, normalised reward).
public enum LBFTasks {
    /// Every task of the spec table, in its order: 5 train, 6 test, 1 spare.
    public static let all: [TaskSpec] = [
        task("lbf-2s-8x8-2p-2f-coop", .train, grid: 8, fov: 2, agents: 2, food: 2, level: 2, coop: true),
        task("lbf-8x8-2p-2f-coop", .train, grid: 8, fov: 8, agents: 2, food: 2, level: 2, coop: true),
        task("lbf-2s-10x10-3p-3f", .train, grid: 10, fov: 2, agents: 3, food: 3, level: 2, coop: false),
        task("lbf-10x10-3p-3f", .train, grid: 10, fov: 10, agents: 3, food: 3, level: 2, coop: false),
        task("lbf-15x15-3p-5f", .train, grid: 15, fov: 15, agents: 3, food: 5, level: 2, coop: false),
        task("lbf-15x15-4p-3f", .test, grid: 15, fov: 15, agents: 4, food: 3, level: 2, coop: false),
        task("lbf-15x15-4p-5f", .test, grid: 15, fov: 15, agents: 4, food: 5, level: 2, coop: false),
        task("lbf-8x8-3p-2f-coop", .test, grid: 8, fov: 8, agents: 3, food: 2, level: 2, coop: true),
        task("lbf-10x10-4p-3f", .test, grid: 10, fov: 10, agents: 4, food: 3, level: 2, coop: false),
        task("lbf-10x10-3p-3f-l3", .test, grid: 10, fov: 10, agents: 3, food: 3, level: 3, coop: false),
        task("lbf-15x15-4p-5f-l3", .test, grid: 15, fov: 15, agents: 4, food: 5, level: 3, coop: false),
        task("lbf-2s-10x10-4p-3f-l3", .spare, grid: 10, fov: 2, agents: 4, food: 3, level: 3, coop: false),
    ]

    private static func task(
        _ id: String, _ split: TaskSplit, grid: Int, fov: Int, agents: Int, food: Int, level: Int, coop: Bool
    ) -> TaskSpec {
        do {
            let parameters = try LBFParameters(
                gridSize: grid, fieldOfView: fov, agentCount: agents, foodCount: food, maxAgentLevel: level,
                forcesCooperation: coop)
            return TaskSpec(id: id, split: split, parameters: .lbf(parameters))
        } catch {
            preconditionFailure("LBF task table entry \(id) is invalid: \(error)")
        }
    }
}
