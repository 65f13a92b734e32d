/// The source (behaviour) of a task's data and the reference return R_ref its scores are
/// normalised by, as `final.json` lists them per task.
public struct TaskReference: Codable, Sendable, Equatable {
    public var source: String
    public var reference: Double

    public init(source: String, reference: Double) {
        self.source = source
        self.reference = reference
    }
}
