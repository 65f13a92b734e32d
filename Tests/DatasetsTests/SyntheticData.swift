import Datasets
import Foundation

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "datasets-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Random but valid contents: episodes of the given lengths, stages assigned in equal blocks,
/// the last step of each episode terminal or (every third episode) truncated.
func syntheticContents(
    id: String = "toy-task", agents: Int = 3, features: Int = 5, actions: Int = 4,
    episodeLengths: [Int] = [7, 3, 12, 1, 9, 5],
    stages: Int = 2, seed: UInt64 = 1
) -> DatasetContents {
    var rng = SeededGenerator(state: seed)
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

/// SplitMix64, so synthetic data is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes `contents` into `directory` and opens it.
func writeAndOpen(_ contents: DatasetContents, in directory: String) throws -> DatasetFile {
    let path = DatasetWriter.path(directory: directory, task: contents.task)
    try DatasetWriter.write(contents, to: path)
    return try DatasetFile(path: path)
}
