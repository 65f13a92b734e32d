/// One copy's full LBF state as plain values (spec env-lbf.md §2), for loading and inspecting
/// hand-built or traced states. Agents and foods are listed in id order.
public struct LBFSnapshot: Sendable, Equatable {
    public struct Agent: Sendable, Equatable {
        public var row: Int
        public var col: Int
        public var level: Int
        /// "My last action was LOAD".
        public var isLoading: Bool
        public init(row: Int, col: Int, level: Int, isLoading: Bool = false) {
            self.row = row
            self.col = col
            self.level = level
            self.isLoading = isLoading
        }
    }

    public struct Food: Sendable, Equatable {
        public var row: Int
        public var col: Int
        public var level: Int
        /// Eaten food keeps its cell and level but is invisible and blocks nothing.
        public var isEaten: Bool
        public init(row: Int, col: Int, level: Int, isEaten: Bool = false) {
            self.row = row
            self.col = col
            self.level = level
            self.isEaten = isEaten
        }
    }

    public var agents: [Agent]
    public var foods: [Food]
    public var stepCount: Int

    public init(agents: [Agent], foods: [Food], stepCount: Int = 0) {
        self.agents = agents
        self.foods = foods
        self.stepCount = stepCount
    }
}

/// A snapshot that does not fit the task it is loaded into.
public enum LBFStateError: Error, CustomStringConvertible, Equatable {
    case wrongCount(entity: String, expected: Int, found: Int)
    case outsideGrid(entity: String, index: Int, row: Int, col: Int, gridSize: Int)
    case badLevel(entity: String, index: Int, level: Int)
    case badStepCount(Int)

    public var description: String {
        switch self {
        case .wrongCount(let entity, let expected, let found):
            "LBF state has \(found) \(entity) records, the task expects \(expected); check the task parameters."
        case .outsideGrid(let entity, let index, let row, let col, let g):
            "LBF state: \(entity) \(index) at [\(row), \(col)] is outside the \(g)x\(g) grid."
        case .badLevel(let entity, let index, let level):
            "LBF state: \(entity) \(index) has level \(level), expected >= 1."
        case .badStepCount(let count):
            "LBF state: step_count \(count) is negative."
        }
    }
}
