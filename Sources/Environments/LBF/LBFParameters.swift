/// Every parameter of one Level-Based Foraging task (spec env-lbf.md §1).
///
/// Properties: `observationSize` = 3·(F + N) (spec §8); the generator constraint
/// (G−2)² − N > 5F holds for every value that `init` accepts.
public struct LBFParameters: Sendable, Equatable {
    /// Side G of the square grid.
    public let gridSize: Int
    /// Chebyshev view radius; `fieldOfView >= gridSize - 1` means full view.
    public let fieldOfView: Int
    /// Agents N.
    public let agentCount: Int
    /// Food items F.
    public let foodCount: Int
    /// Agent levels are drawn from 1...maxAgentLevel (L).
    public let maxAgentLevel: Int
    /// Every food gets the "hardest" level (sum of the 3 smallest agent levels).
    public let forcesCooperation: Bool
    /// Episode step limit (100 in every Mava scenario).
    public let timeLimit: Int
    /// Penalty p for a failed load (0 in every Mava scenario).
    public let penalty: Float
    /// Rewards divided by (S_f · T) so a fully eaten episode returns 1 (true in every Mava scenario).
    public let normalizesReward: Bool

    /// - Throws: `LBFParameterError` when a value is out of its range or the generator constraint fails.
    public init(
        gridSize: Int, fieldOfView: Int, agentCount: Int, foodCount: Int, maxAgentLevel: Int,
        forcesCooperation: Bool, timeLimit: Int = 100, penalty: Float = 0, normalizesReward: Bool = true
    ) throws {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw LBFParameterError.outOfRange(name: name, value: "\(value)", expected: expected) }
        }
        try require(gridSize >= 5, "grid_size", gridSize, ">= 5")
        try require(fieldOfView >= 1 && fieldOfView <= gridSize, "fov", fieldOfView, "in 1...grid_size (\(gridSize))")
        try require(agentCount >= 1, "num_agents", agentCount, ">= 1")
        try require(foodCount >= 1, "num_food", foodCount, ">= 1")
        try require(maxAgentLevel >= 2, "max_agent_level", maxAgentLevel, ">= 2")
        try require(timeLimit >= 1, "time_limit", timeLimit, ">= 1")
        try require(penalty >= 0 && penalty.isFinite, "penalty", penalty, "a finite value >= 0")
        let freeCells = (gridSize - 2) * (gridSize - 2) - agentCount
        if freeCells <= 5 * foodCount {
            throw LBFParameterError.generatorConstraint(
                gridSize: gridSize, agentCount: agentCount, foodCount: foodCount)
        }
        self.gridSize = gridSize
        self.fieldOfView = fieldOfView
        self.agentCount = agentCount
        self.foodCount = foodCount
        self.maxAgentLevel = maxAgentLevel
        self.forcesCooperation = forcesCooperation
        self.timeLimit = timeLimit
        self.penalty = penalty
        self.normalizesReward = normalizesReward
    }

    /// Length of one agent's observation vector: 3·(F + N) (spec §8).
    public var observationSize: Int { 3 * (foodCount + agentCount) }
}

/// LBF task parameters that the reference generator would reject.
public enum LBFParameterError: Error, CustomStringConvertible, Equatable {
    case outOfRange(name: String, value: String, expected: String)
    case generatorConstraint(gridSize: Int, agentCount: Int, foodCount: Int)

    public var description: String {
        switch self {
        case .outOfRange(let name, let value, let expected):
            "LBF parameter '\(name)' is \(value), expected \(expected) (spec env-lbf.md §1)."
        case .generatorConstraint(let g, let n, let f):
            "LBF grid \(g)x\(g) with \(n) agents and \(f) foods breaks the generator constraint "
                + "(G-2)^2 - N > 5F (\((g - 2) * (g - 2) - n) <= \(5 * f)); use a larger grid or fewer foods."
        }
    }
}
