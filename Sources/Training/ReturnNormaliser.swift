import Datasets

/// Turns a task's mean return into the normalised return every report shows: return / reference,
/// the reference being the behaviour's return stored with the data (`ReferenceReturnTable`).
/// Policy and random scores go through the same normaliser.
public struct ReturnNormaliser: Sendable {
    public let references: ReferenceReturnTable

    public init(references: ReferenceReturnTable) { self.references = references }

    /// meanReturn / reference of `taskID`; NaN when the task has no reference or it is zero.
    public func normalised(_ meanReturn: Double, taskID: String) -> Double {
        guard let reference = references.returns[taskID], reference != 0 else { return .nan }
        return meanReturn / reference
    }
}
