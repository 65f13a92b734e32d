// Temporary scaffolding: the LBF work replaces this file.
public struct LBFParameters: Sendable, Equatable {
    public var agentCount: Int
    public var observationSize: Int
    public var timeLimit: Int
}
public enum LBFTasks { public static let all: [TaskSpec] = [] }
public final class LBFBatch: BatchedEnvironment {
    public let copyCount: Int
    public var agentCount: Int { parameters.agentCount }
    public var observationSize: Int { parameters.observationSize }
    public var actionCount: Int { 5 }
    public var timeLimit: Int { parameters.timeLimit }
    let parameters: LBFParameters
    public init(parameters: LBFParameters, copies: Int) { self.parameters = parameters; copyCount = copies }
    public func reset(copy: Int, seed: UInt64) { fatalError("not yet") }
    public func observations(into buffer: inout [Float]) { fatalError("not yet") }
    public func legalActions(into buffer: inout [UInt8]) { fatalError("not yet") }
    public func step(actions: [Int32], rewards: inout [Float], terminal: inout [Bool], truncated: inout [Bool]) { fatalError("not yet") }
    public func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) { fatalError("not yet") }
    public func render(copy: Int) -> String { "" }
}
public struct LBFTraceReplayer: TraceReplayer {
    public init(header: [String: Any]) throws {}
    public func check(transition: [String: Any]) throws -> TraceMismatch? { TraceMismatch(field: "all", expected: "", actual: "not implemented") }
}
