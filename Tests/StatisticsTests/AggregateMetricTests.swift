import Foundation
import Statistics
import Testing

/// Point estimates on small matrices worked out by hand (rliable's definitions).
@Suite struct AggregateMetricTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    /// Runs × tasks = 2 × 4:
    ///   run 0: 0.1 0.5 0.9 2.0
    ///   run 1: 0.3 0.7 1.2 0.0
    /// Pooled, sorted: 0.0 0.1 0.3 0.5 0.7 0.9 1.2 2.0 (n = 8, sum 5.7).
    static let twoByFour = try! ScoreMatrix([[0.1, 0.5, 0.9, 2.0], [0.3, 0.7, 1.2, 0.0]])

    @Test func meanIsTheMeanOfAllScores() {
        // 5.7 / 8 = 0.7125
        #expect(Self.close(AggregateMetric.mean.value(of: Self.twoByFour), 0.7125))
    }

    @Test func medianIsTheMedianOfTaskMeans() {
        // Task means 0.2, 0.6, 1.05, 1.0 → sorted 0.2 0.6 1.0 1.05 → (0.6 + 1.0) / 2 = 0.8.
        // (The median of the 8 pooled scores would be (0.5 + 0.7) / 2 = 0.6: not rliable's.)
        #expect(Self.close(AggregateMetric.median.value(of: Self.twoByFour), 0.8))
        // Odd task count, 3 × 3 (below): task means 19/3, 37/3, 74/3 → median 37/3.
        #expect(Self.close(AggregateMetric.median.value(of: Self.threeByThree), 37.0 / 3))
    }

    @Test func iqmDropsAQuarterFromEachEnd() {
        // n = 8: int(0.25 · 8) = 2 dropped per end → 0.3 0.5 0.7 0.9 → 2.4 / 4 = 0.6.
        #expect(Self.close(AggregateMetric.iqm.value(of: Self.twoByFour), 0.6))
    }

    /// 3 × 3, pooled sorted 0 1 2 3 4 8 16 32 64 (n = 9).
    static let threeByThree = try! ScoreMatrix([[0, 1, 2], [3, 4, 8], [16, 32, 64]])

    @Test func iqmTrimsIntOfAQuarterWhenCountIsNotAMultipleOfFour() throws {
        // n = 9: int(2.25) = 2 per end → 2 3 4 8 16 → 33 / 5 = 6.6 (rounding up, 3 per end, gives 5).
        #expect(Self.close(AggregateMetric.iqm.value(of: Self.threeByThree), 6.6))
        // n = 7 (1 × 7, shuffled 0 1 2 4 8 16 32): int(1.75) = 1 per end → 1 2 4 8 16 → 31 / 5 = 6.2
        // (rounding to nearest, 2 per end, gives 14 / 3).
        let seven = try ScoreMatrix([[16, 0, 8, 32, 1, 4, 2]])
        #expect(Self.close(AggregateMetric.iqm.value(of: seven), 6.2))
        // n = 3: int(0.75) = 0 → the plain mean (1 + 2 + 9) / 3 = 4.
        let three = try ScoreMatrix([[9], [1], [2]])
        #expect(Self.close(AggregateMetric.iqm.value(of: three), 4))
    }

    @Test func optimalityGapIsTheMeanShortfallBelowOne() {
        // max(1 − x, 0): 0.9 0.5 0.1 0 | 0.7 0.3 0 1.0 → 3.5 / 8 = 0.4375 (2.0 counts as 0, not −1).
        #expect(Self.close(AggregateMetric.optimalityGap.value(of: Self.twoByFour), 0.4375))
    }

    @Test func titlesAndCodedNames() throws {
        #expect(AggregateMetric.allCases.map(\.title) == ["Mean", "Median", "IQM", "Optimality gap"])
        let json = String(decoding: try JSONEncoder().encode(AggregateMetric.allCases), as: UTF8.self)
        #expect(json == #"["mean","median","iqm","optimality_gap"]"#)
        #expect(try JSONDecoder().decode([AggregateMetric].self, from: Data(json.utf8)) == AggregateMetric.allCases)
    }
}
