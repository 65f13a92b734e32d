import Testing
import TapeReference
import TensorCore
import TestSupport

/// Seeds every gradient test runs with (each draws its own random shapes and values).
let gradientSeeds: [UInt64] = [1, 2, 3]

/// Expects every directional check to pass, naming the op, seed and failing directions.
func expectAllPass(_ results: [GradientCheckResult], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!results.isEmpty, "\(label): nothing was checked", sourceLocation: sourceLocation)
    let failures = results.filter { !$0.passed }
    #expect(failures.isEmpty, "\(label): \(failures.map(\.description).joined(separator: "; "))",
            sourceLocation: sourceLocation)
}

/// A random dimension in `range`.
func randomDimension(_ stream: inout RandomStream, _ range: ClosedRange<Int> = 1...5) -> Int {
    range.lowerBound + stream.nextInt(below: range.count)
}

/// Random integer indices in 0..<bound.
func randomIndices(_ count: Int, below bound: Int, _ stream: inout RandomStream) -> [Int32] {
    (0..<count).map { _ in Int32(stream.nextInt(below: bound)) }
}
