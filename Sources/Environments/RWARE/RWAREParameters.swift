/// Every parameter of one RWARE task (spec env-rware.md §1), plus the sizes derived from them.
///
/// Grid: `H = (columnHeight + 1)·shelfRows + 2` rows, `W = 3·shelfColumns + 1` columns,
/// `S = 2·columnHeight·(shelfRows·shelfColumns − 1)` shelves, observation size `8 + 5(k−1) + 2k`
/// with `k = (2·sensorRange + 1)²` (66 for sensor range 1).
public struct RWAREParameters: Sendable, Equatable {
    /// Horizontal bands of shelf clusters.
    public var shelfRows: Int
    /// Shelf clusters per band (odd).
    public var shelfColumns: Int
    /// Rows of each cluster.
    public var columnHeight: Int
    /// Agents N.
    public var agentCount: Int
    /// Half-width r of the square view.
    public var sensorRange: Int
    /// Number Q of shelves requested at any time.
    public var requestQueueSize: Int
    /// Episode step limit.
    public var timeLimit: Int

    public init(
        shelfRows: Int, shelfColumns: Int, columnHeight: Int = 8, agentCount: Int, sensorRange: Int = 1,
        requestQueueSize: Int, timeLimit: Int = 500
    ) {
        self.shelfRows = shelfRows
        self.shelfColumns = shelfColumns
        self.columnHeight = columnHeight
        self.agentCount = agentCount
        self.sensorRange = sensorRange
        self.requestQueueSize = requestQueueSize
        self.timeLimit = timeLimit
    }

    /// Grid rows H.
    public var gridHeight: Int { (columnHeight + 1) * shelfRows + 2 }
    /// Grid columns W.
    public var gridWidth: Int { 3 * shelfColumns + 1 }
    /// Shelves S (one per shelf slot).
    public var shelfCount: Int { 2 * columnHeight * (shelfRows * shelfColumns - 1) }
    /// Cells k of the view window.
    public var windowCellCount: Int { (2 * sensorRange + 1) * (2 * sensorRange + 1) }
    /// Length of one agent's observation (§6).
    public var observationSize: Int { 8 + 5 * (windowCellCount - 1) + 2 * windowCellCount }

    /// Checks that the generator accepts these parameters.
    /// - Throws: `RWAREParameterError` naming the first bad parameter.
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Int, _ expected: String) throws {
            if !ok { throw RWAREParameterError(parameter: name, value: value, expected: expected) }
        }
        try require(shelfRows >= 1, "shelf_rows", shelfRows, "at least 1")
        try require(shelfColumns >= 1 && shelfColumns % 2 == 1, "shelf_columns", shelfColumns, "an odd number ≥ 1")
        try require(columnHeight >= 1, "column_height", columnHeight, "at least 1")
        try require(shelfCount >= 2, "shelf_rows·shelf_columns", shelfRows * shelfColumns, "at least 2 clusters")
        try require(
            agentCount >= 1 && agentCount <= gridHeight * gridWidth, "num_agents", agentCount,
            "between 1 and the \(gridHeight * gridWidth) grid cells")
        try require(sensorRange >= 1, "sensor_range", sensorRange, "at least 1")
        try require(
            requestQueueSize >= 1 && requestQueueSize < shelfCount, "request_queue_size", requestQueueSize,
            "between 1 and \(shelfCount - 1) (fewer than the \(shelfCount) shelves)")
        try require(timeLimit >= 1, "time_limit", timeLimit, "at least 1")
    }
}

/// An RWARE task parameter outside what the generator accepts.
public struct RWAREParameterError: Error, CustomStringConvertible, Equatable {
    public let parameter: String
    public let value: Int
    public let expected: String
    public var description: String {
        "RWARE parameter \(parameter) is \(value), expected \(expected); fix the task parameters (spec env-rware.md §1)."
    }
}
