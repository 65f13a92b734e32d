import Datasets
import Environments
import Foundation
import Testing

private let toyTask = TaskDescription(
    id: "scripted", environment: "toy", split: "train", parameters: "{}", agentCount: 3, observationSize: 4,
    actionCount: 5)

private func collect(copies: Int = 4, episodes: Int = 30, stages: Int = 3, seed: UInt64 = 5) throws -> (
    DatasetContents, CollectionSummary
) {
    try DatasetCollector.collect(
        environment: ScriptedEnvironment(copies: copies, agents: 3, timeLimit: 9), task: toyTask, episodes: episodes,
        stages: stages, seed: seed)
}

@Test func collectedEpisodesAreWholeAndInOrder() throws {
    let (contents, summary) = try collect()
    try contents.validate()
    let env = ScriptedEnvironment(copies: 1, agents: 3, timeLimit: 9)
    #expect(contents.episodes.count == 30 && summary.episodes == 30 && summary.transitions == contents.stepCount)
    #expect(contents.episodes.map(\.qualityStage) == (0..<30).map { $0 / 10 }, "equal stages, in order")
    var seedsSeen = Set<Int>()
    for (e, episode) in contents.episodes.enumerated() {
        let steps = episode.start..<(episode.start + episode.length)
        let seedMark = Int(contents.observations[episode.start * 12 + 2])
        seedsSeen.insert(seedMark)
        for (k, step) in steps.enumerated() {
            for i in 0..<3 {
                let row = Array(contents.observations[((step * 3 + i) * 4)..<((step * 3 + i + 1) * 4)])
                #expect(row == [Float(k), Float(i), Float(seedMark), 0.5], "episode \(e) step \(k) agent \(i)")
                #expect(
                    contents.legal[(step * 3 + i) * 5 + Int(contents.actions[step * 3 + i])] == 1,
                    "episode \(e) step \(k): stored action is legal")
                let legalRow = (0..<5).map { contents.legal[(step * 3 + i) * 5 + $0] == 1 }
                #expect(legalRow == (0..<5).map { env.isLegal(action: $0, step: k, agent: i) })
            }
            let reward = 0.1 * Float(contents.actions[(step * 3)..<(step * 3 + 3)].reduce(0) { $0 + Int32($1) })
            #expect(contents.rewards[step] == reward)
        }
        let last = steps.upperBound - 1
        #expect(episode.length <= 9, "episode \(e) longer than the time limit")
        if episode.length < 9 {
            #expect(contents.flags[last] == StepFlag.terminal, "episode \(e) ends before the limit: terminal")
        } else {
            #expect(
                [StepFlag.terminal, StepFlag.truncated].contains(contents.flags[last]), "episode \(e) at the limit")
        }
        let total = contents.rewards[steps].reduce(0.0) { $0 + Double($1) }
        #expect(abs(episode.totalReturn - total) < 1e-9)
    }
    #expect(seedsSeen.count > 25, "episodes start from different seeds")
    #expect(contents.flags.contains(StepFlag.truncated), "some episodes hit the time limit")
}

@Test func referenceReturnIsTheBestStageMean() throws {
    let (contents, summary) = try collect()
    let best = contents.episodes.filter { $0.qualityStage == 2 }
    let mean = best.map(\.totalReturn).reduce(0, +) / Double(best.count)
    #expect(abs(contents.referenceReturn - mean) < 1e-12 && summary.referenceReturn == contents.referenceReturn)
    #expect(summary.stageReturns.map(\.count) == [10, 10, 10])
    #expect(DatasetCollector.epsilon(stage: 0, stageCount: 10) == 1.0)
    #expect(abs(DatasetCollector.epsilon(stage: 9, stageCount: 10) - 0.05) < 1e-12)
    #expect(DatasetCollector.epsilon(stage: 0, stageCount: 1) == 0.05)
}

@Test func collectionIsAPureFunctionOfItsInputs() throws {
    let (a, _) = try collect(seed: 5)
    let (b, _) = try collect(seed: 5)
    let (c, _) = try collect(seed: 6)
    #expect(a == b)
    #expect(a != c)
    let (many, _) = try collect(copies: 16)
    try many.validate()
    #expect(many.episodes.count == 30)
}

@Test func badRequestsThrow() {
    #expect(throws: DatasetError.self) { try collect(episodes: 31, stages: 3) }
    #expect(throws: DatasetError.self) { try collect(episodes: 2, stages: 3) }
    #expect(throws: DatasetError.self) { try collect(episodes: 3, stages: 0) }
    let wrong = TaskDescription(
        id: "x", environment: "toy", split: "train", parameters: "", agentCount: 2, observationSize: 4, actionCount: 5)
    #expect(throws: DatasetError.self) {
        try DatasetCollector.collect(
            environment: ScriptedEnvironment(copies: 2, agents: 3, timeLimit: 5), task: wrong, episodes: 4, stages: 2,
            seed: 1)
    }
}
