import BinaryFormat
import Foundation

/// Per-feature standardisation of observations, fitted on an environment's training datasets (the
/// paper: "observations are standardised per environment"): feature k becomes (x − mean_k) / std_k.
///
/// Feature k's statistics pool every step and agent of every dataset whose observations have a
/// k-th feature (tasks of one environment can differ in size; padded features stay zero). A
/// feature that is constant in the training data is only centred (std below `minimumDeviation`
/// counts as 1), so a held-out task where it varies keeps its raw spread rather than blowing up.
/// The trainer fits it once and stores it in the run (`observation-standardisation.tsv`); every
/// reader of the run applies the stored values.
public struct ObservationStandardiser: Sendable, Equatable {
    public let mean: [Float]
    public let standardDeviation: [Float]
    /// 1 / std (1 where the feature is constant).
    let inverseScale: [Float]

    /// Standard deviations below this count as a constant feature.
    public static let minimumDeviation: Float = 1e-6

    public init(mean: [Float], standardDeviation: [Float]) {
        precondition(mean.count == standardDeviation.count, "standardiser: \(mean.count) means, \(standardDeviation.count) deviations")
        self.mean = mean
        self.standardDeviation = standardDeviation
        inverseScale = standardDeviation.map { $0 >= Self.minimumDeviation ? 1 / $0 : 1 }
    }

    public var featureCount: Int { mean.count }

    /// Mean and standard deviation of each of `featureSize` features over `datasets` (sums in Double;
    /// observations are small numbers, so Σx² − n·mean² loses nothing that matters at Float precision).
    public static func fit(datasets: [DatasetFile], featureSize: Int) -> ObservationStandardiser {
        var count = [Double](repeating: 0, count: featureSize)
        var sum = [Double](repeating: 0, count: featureSize)
        var sumOfSquares = [Double](repeating: 0, count: featureSize)
        for dataset in datasets {
            let task = dataset.metadata.task
            let f = min(task.observationSize, featureSize)
            let rows = dataset.metadata.stepCount * task.agentCount
            dataset.withObservations { observations in
                for r in 0..<rows {
                    let row = observations.baseAddress! + r * task.observationSize
                    for k in 0..<f {
                        let x = Double(row[k])
                        sum[k] += x
                        sumOfSquares[k] += x * x
                    }
                }
                for k in 0..<f { count[k] += Double(rows) }
            }
        }
        var mean = [Float](repeating: 0, count: featureSize)
        var deviation = [Float](repeating: 1, count: featureSize)
        for k in 0..<featureSize where count[k] > 0 {
            let m = sum[k] / count[k]
            mean[k] = Float(m)
            deviation[k] = Float(max(0, sumOfSquares[k] / count[k] - m * m).squareRoot())
        }
        return ObservationStandardiser(mean: mean, standardDeviation: deviation)
    }

    /// Standardises the first `count` features at `features` in place.
    @inline(__always)
    public func apply(_ features: UnsafeMutablePointer<Float>, count: Int) {
        for k in 0..<count { features[k] = (features[k] - mean[k]) * inverseScale[k] }
    }

    /// The file name inside a run directory.
    public static let fileName = "observation-standardisation.tsv"

    /// Writes "feature<TAB>mean<TAB>std" lines (exact round-trip of the Float values), atomically.
    public func write(path: String) throws {
        var text = "# feature\tmean\tstd (observations are standardised as (x - mean) / std; std < 1e-6 counts as 1)\n"
        for k in 0..<featureCount { text += "\(k)\t\(mean[k])\t\(standardDeviation[k])\n" }
        try AtomicFile.write(Array(text.utf8), to: path)
    }

    /// Reads a file written by `write`. - Throws: `StandardiserFileError` naming the file and line.
    public static func read(path: String) throws -> ObservationStandardiser {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StandardiserFileError.unreadable(path) }
        var mean: [Float] = [], deviation: [Float] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 3, Int(fields[0]) == mean.count, let m = Float(fields[1]), let s = Float(fields[2]), m.isFinite,
                  s.isFinite, s >= 0
            else { throw StandardiserFileError.badLine(path, number + 1, String(line)) }
            mean.append(m)
            deviation.append(s)
        }
        return ObservationStandardiser(mean: mean, standardDeviation: deviation)
    }
}

/// A stored standardisation that cannot be used.
public enum StandardiserFileError: Error, CustomStringConvertible {
    case unreadable(String)
    case badLine(String, Int, String)
    case wrongSize(String, found: Int, expected: Int)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path); the run was trained with --standardise on and needs it (restore it from a copy of the run)."
        case let .badLine(path, line, text): "\(path):\(line): expected 'feature<TAB>mean<TAB>std' in feature order, found '\(text)'."
        case let .wrongSize(path, found, expected): "\(path) holds \(found) features; the run's inputs have \(expected)."
        }
    }
}
