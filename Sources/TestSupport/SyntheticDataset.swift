import Datasets
import Environments

/// Random but valid dataset contents: episodes of the given lengths, stages assigned in equal
/// blocks, the last step of each episode terminal or (every third episode) truncated; random
/// observations in [−1, 1], actions, legal masks (not necessarily holding the action) and rewards.
public func syntheticContents(
    id: String = "toy-task", agents: Int = 3, features: Int = 5, actions: Int = 4,
    episodeLengths: [Int] = [7, 3, 12, 1, 9, 5],
    stages: Int = 2, seed: UInt64 = 1
) -> DatasetContents {
    var rng = SplitMixGenerator(seed: seed)
    let steps = episodeLengths.reduce(0, +)
    var episodes: [EpisodeRecord] = []
    var flags = [UInt8](repeating: 0, count: steps)
    let rewards = (0..<steps).map { _ in Float(Int.random(in: -3...10, using: &rng)) * 0.25 }
    var start = 0
    for (e, length) in episodeLengths.enumerated() {
        let total = rewards[start..<(start + length)].reduce(0.0) { $0 + Double($1) }
        episodes.append(
            EpisodeRecord(
                start: start, length: length, totalReturn: total, qualityStage: e * stages / episodeLengths.count))
        flags[start + length - 1] = e % 3 == 2 ? StepFlag.truncated : StepFlag.terminal
        start += length
    }
    let task = TaskDescription(
        id: id, environment: "toy", split: "train", parameters: "{\"size\": 8}", agentCount: agents,
        observationSize: features, actionCount: actions)
    return DatasetContents(
        task: task, qualityStageCount: stages, referenceReturn: 2.5,
        observations: (0..<(steps * agents * features)).map { _ in Float.random(in: -1...1, using: &rng) },
        actions: (0..<(steps * agents)).map { _ in UInt8.random(in: 0..<UInt8(actions), using: &rng) },
        legal: (0..<(steps * agents * actions)).map { _ in UInt8.random(in: 0...1, using: &rng) },
        rewards: rewards, flags: flags, episodes: episodes)
}

/// Writes `contents` into `directory` and opens it.
public func writeAndOpen(_ contents: DatasetContents, in directory: String) throws -> DatasetFile {
    let path = DatasetWriter.path(directory: directory, task: contents.task)
    try DatasetWriter.write(contents, to: path)
    return try DatasetFile(path: path)
}
