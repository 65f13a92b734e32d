/// The full state of one RWARE episode, as in the trace schema (spec §2), without jumanji's key.
///
/// Properties: a carried shelf shares its carrier's position; `shelfRequested[s]` holds exactly for
/// the ids in `requestQueue`.
public struct RWAREState: Sendable, Equatable {
    /// Shapes: N.
    public var agentPositions: [GridCell]
    /// Shapes: N, values 0 UP, 1 RIGHT, 2 DOWN, 3 LEFT.
    public var agentDirections: [Int]
    /// Shapes: N.
    public var agentCarrying: [Bool]
    /// Shapes: S.
    public var shelfPositions: [GridCell]
    /// Shapes: S.
    public var shelfRequested: [Bool]
    /// Shapes: Q, distinct shelf ids (order matters: a delivery replaces its own slot).
    public var requestQueue: [Int]
    /// Steps taken in this episode.
    public var stepCount: Int

    public init(
        agentPositions: [GridCell], agentDirections: [Int], agentCarrying: [Bool],
        shelfPositions: [GridCell], shelfRequested: [Bool], requestQueue: [Int], stepCount: Int
    ) {
        self.agentPositions = agentPositions
        self.agentDirections = agentDirections
        self.agentCarrying = agentCarrying
        self.shelfPositions = shelfPositions
        self.shelfRequested = shelfRequested
        self.requestQueue = requestQueue
        self.stepCount = stepCount
    }
}

/// A state that does not fit its task or is not consistent (loading it would break the grid).
public struct RWAREStateError: Error, CustomStringConvertible, Equatable {
    public let field: String
    public let found: String
    public let expected: String
    public var description: String {
        "RWARE state field \(field) is \(found), expected \(expected); check that the state belongs to this task."
    }
}
