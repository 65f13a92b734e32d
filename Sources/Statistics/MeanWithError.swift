import Foundation

/// Mean and standard error of the mean (sample standard deviation with n − 1 denominator over
/// √n; 0 for a single value), as in a "mean ± SE" results table.
///
/// Empty input gives NaN mean and error (JSONEncoder then needs a non-conforming float strategy);
/// a NaN or infinite value makes both non-finite.
public struct MeanWithError: Sendable, Codable, Equatable {
    public var mean: Double
    public var standardError: Double
    public let count: Int

    public init(mean: Double, standardError: Double, count: Int) {
        self.mean = mean
        self.standardError = standardError
        self.count = count
    }

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else {
            mean = .nan
            standardError = .nan
            return
        }
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        guard values.count > 1 else {
            standardError = 0
            return
        }
        let center = mean
        let squaredDeviations = values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
        standardError = (squaredDeviations / (n - 1)).squareRoot() / n.squareRoot()
    }

    enum CodingKeys: String, CodingKey {
        case mean
        case standardError = "standard_error"
        case count
    }
}
