/// Every parameter of one Connector task (spec env-connector.md §1).
///
/// Properties: the grid is `gridSize × gridSize`; each of the `agentCount` agents has a start and a
/// target; an episode ends at `timeLimit` steps at the latest; the observation vector has
/// `4 + 2·(2·fieldOfView + 1)²` floats (54 for the wrapper's field of view 2).
public struct ConnectorParameters: Sendable, Equatable {
    /// Side G of the square grid.
    public var gridSize: Int
    /// Agents N.
    public var agentCount: Int
    /// Episode step limit (Mava's scenarios use G²).
    public var timeLimit: Int
    /// Softmax temperature of the reset's random walks (§3).
    public var walkTemperature: Double
    /// Walk-loop bound of the reset (§3: floor(1.5·G)).
    public var walkMaxSteps: Int
    /// Reward for the step an agent reaches its target (§6.6).
    public var connectedReward: Float
    /// Reward per step while an agent is not connected (§6.6).
    public var timestepReward: Float
    /// Half-width of the observation window (§8: 2, a 5×5 window).
    public var fieldOfView: Int

    /// A task with the reference's defaults for everything but the sizes.
    /// - Parameters:
    ///   - timeLimit: defaults to G².
    ///   - walkMaxSteps: defaults to floor(1.5·G).
    public init(
        gridSize: Int, agentCount: Int, timeLimit: Int? = nil, walkTemperature: Double = 1.0,
        walkMaxSteps: Int? = nil, connectedReward: Float = 1.0, timestepReward: Float = -0.03,
        fieldOfView: Int = 2
    ) {
        self.gridSize = gridSize
        self.agentCount = agentCount
        self.timeLimit = timeLimit ?? gridSize * gridSize
        self.walkTemperature = walkTemperature
        self.walkMaxSteps = walkMaxSteps ?? (3 * gridSize) / 2
        self.connectedReward = connectedReward
        self.timestepReward = timestepReward
        self.fieldOfView = fieldOfView
    }

    /// Side of the observation window, 2·fieldOfView + 1.
    public var windowSide: Int { 2 * fieldOfView + 1 }

    /// Length of one agent's observation vector (§8): 4 + 2·windowSide².
    public var observationSize: Int { 4 + 2 * windowSide * windowSide }

    /// Checks that the reset generator can always place every agent.
    ///
    /// A start needs an empty cell with an empty neighbour; while fewer than ⌊G²/2⌋ cells are taken
    /// (the grid's minimum vertex cover), one exists, so we require 2N ≤ ⌊G²/2⌋.
    /// - Throws: `ConnectorParameterError` naming the first bad parameter.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ found: String, _ expected: String) throws {
            if !ok { throw ConnectorParameterError(parameter: name, found: found, expected: expected) }
        }
        try check(gridSize >= 2, "grid_size", "\(gridSize)", "at least 2")
        try check(agentCount >= 1, "num_agents", "\(agentCount)", "at least 1")
        try check(
            2 * agentCount <= gridSize * gridSize / 2, "num_agents", "\(agentCount) on a \(gridSize)x\(gridSize) grid",
            "at most \(gridSize * gridSize / 4) (2N cells must fit in half the grid)")
        try check(timeLimit >= 1, "time_limit", "\(timeLimit)", "at least 1")
        try check(walkMaxSteps >= 1, "max_steps", "\(walkMaxSteps)", "at least 1")
        try check(walkTemperature > 0 && walkTemperature.isFinite, "temperature", "\(walkTemperature)", "a positive number")
        try check(fieldOfView >= 0, "fov", "\(fieldOfView)", "0 or more")
    }
}

/// A Connector task parameter outside what the environment supports.
public struct ConnectorParameterError: Error, CustomStringConvertible, Equatable {
    public let parameter: String
    public let found: String
    public let expected: String
    public var description: String {
        "Connector parameter '\(parameter)' is \(found), expected \(expected); fix the task parameters."
    }
}
