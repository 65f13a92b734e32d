import Foundation
import Statistics
import Testing

/// Input checks of `ScoreMatrix` and `StratifiedBootstrap.checked`, and `MeanWithError`.
@Suite struct ScoreInputTests {
    @Test func emptyRaggedAndNonFiniteMatricesAreRefused() {
        #expect(throws: StatisticsError.emptyScores) { try ScoreMatrix([]) }
        #expect(throws: StatisticsError.emptyScores) { try ScoreMatrix([[]]) }
        #expect(throws: StatisticsError.raggedRows(row: 1, count: 2, expected: 3)) {
            try ScoreMatrix([[1, 2, 3], [1, 2]])
        }
        #expect(throws: StatisticsError.nonFiniteScore(row: 1, task: 0, value: .infinity)) {
            try ScoreMatrix([[1, 2], [.infinity, 2]])
        }
        do {
            _ = try ScoreMatrix([[1, .nan]])
            Issue.record("a NaN score was accepted")
        } catch let error as StatisticsError {
            guard case .nonFiniteScore(0, 1, let value) = error, value.isNaN else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("run 0, task 1"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func validMatrixKeepsItsShape() throws {
        let scores = try ScoreMatrix([[1, 2, 3], [4, 5, 6]])
        #expect(scores.runCount == 2 && scores.taskCount == 3)
        #expect(scores.rows == [[1, 2, 3], [4, 5, 6]])
    }

    @Test func bootstrapSettingsFromUsersAreChecked() throws {
        #expect(throws: StatisticsError.invalidRepetitions(0)) {
            try StratifiedBootstrap.checked(repetitions: 0, confidence: 0.95, seed: 0)
        }
        #expect(throws: StatisticsError.invalidConfidence(1)) {
            try StratifiedBootstrap.checked(repetitions: 10, confidence: 1, seed: 0)
        }
        #expect(throws: StatisticsError.invalidConfidence(0)) {
            try StratifiedBootstrap.checked(repetitions: 10, confidence: 0, seed: 0)
        }
        let bootstrap = try StratifiedBootstrap.checked(repetitions: 10, confidence: 0.9, seed: 3)
        #expect(bootstrap.repetitions == 10 && bootstrap.confidence == 0.9 && bootstrap.seed == 3)
    }

    @Test func meanWithStandardError() throws {
        // 1 2 3 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 → s² = 5/3,
        // SE = √(5/3) / √4 = 0.6454972243679028.
        let four = MeanWithError([1, 2, 3, 4])
        #expect(four.mean == 2.5 && four.count == 4)
        #expect(abs(four.standardError - 0.6454972243679028) < 1e-12)
        let one = MeanWithError([7])
        #expect(one.mean == 7 && one.standardError == 0 && one.count == 1)
        let none = MeanWithError([])
        #expect(none.mean.isNaN && none.standardError.isNaN && none.count == 0)
    }

    @Test func meanWithErrorCodesSnakeCaseKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let value = MeanWithError([1, 3])
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        // mean 2, s² = (1 + 1) / 1 = 2, SE = √2 / √2 = 1.
        #expect(json == #"{"count":2,"mean":2,"standard_error":1}"#)
        #expect(try JSONDecoder().decode(MeanWithError.self, from: Data(json.utf8)) == value)
        let interval = ConfidenceInterval(point: 0.5, lower: 0.25, upper: 0.75)
        let intervalJSON = String(decoding: try encoder.encode(interval), as: UTF8.self)
        #expect(intervalJSON == #"{"lower":0.25,"point":0.5,"upper":0.75}"#)
    }
}
