import Foundation
import TensorCore

/// Writes smaller datasets keeping a fraction of the episodes of every quality stage (the paper's
/// dataset-size experiment).
///
/// Per stage with c episodes, keeps max(1, round(f·c)) of them (0 when c = 0), chosen uniformly
/// without replacement by the stream (seed, "subsample/<task id>", stage), in their original order.
/// The reference return is kept (normalisation must not change with dataset size); the
/// return-to-go range is recomputed from the kept steps.
public enum DatasetSubsampler {
    /// Subsamples one dataset in memory.
    /// - Throws: `DatasetError.invalidOption` unless 0 < fraction ≤ 1.
    public static func subsample(_ contents: DatasetContents, fraction: Double, seed: UInt64) throws -> DatasetContents {
        contents.selecting(episodes: try choose(contents, fraction: fraction, seed: seed))
    }

    /// Splits one dataset into the episodes kept for training and `heldOutFraction` of each quality
    /// stage's episodes (at least one per stage) held out.
    /// - Throws: `DatasetError.invalidOption` unless 0 < heldOutFraction < 1.
    public static func split(_ contents: DatasetContents, heldOutFraction: Double, seed: UInt64) throws
        -> (training: DatasetContents, heldOut: DatasetContents)
    {
        guard heldOutFraction < 1 else {
            throw DatasetError.invalidOption(name: "held-out fraction", value: "\(heldOutFraction)", expected: "a number in (0, 1)")
        }
        let heldOut = try choose(contents, fraction: heldOutFraction, seed: seed)
        let training = Set(contents.episodes.indices).subtracting(heldOut)
        return (contents.selecting(episodes: training), contents.selecting(episodes: heldOut))
    }

    /// `fraction` of each quality stage's episodes (at least one), drawn without replacement.
    private static func choose(_ contents: DatasetContents, fraction: Double, seed: UInt64) throws -> Set<Int> {
        guard fraction > 0, fraction <= 1 else {
            throw DatasetError.invalidOption(name: "--fraction", value: "\(fraction)", expected: "a number in (0, 1]")
        }
        let root = RandomStream(seed: seed)
        var kept = Set<Int>()
        for stage in 0..<contents.qualityStageCount {
            var indices = contents.episodes.indices.filter { contents.episodes[$0].qualityStage == stage }
            guard !indices.isEmpty else { continue }
            let keep = max(1, Int((fraction * Double(indices.count)).rounded()))
            var rng = root.derived("subsample/" + contents.task.id, stage)
            for i in 0..<keep { indices.swapAt(i, i + rng.nextInt(below: indices.count - i)) }
            kept.formUnion(indices.prefix(keep))
        }
        return kept
    }

    /// `dataset subsample`: every dataset at `source` (file or directory) is subsampled and
    /// written to `destination/<environment>/<task id>.mtds`.
    /// - Parameter replacing: whether existing files there may be replaced; without it an existing
    ///   one (e.g. the source itself, when `destination` is the source's directory) is refused before
    ///   anything is written.
    /// - Returns: the written paths with their episode and step counts, one line each.
    public static func subsample(source: String, destination: String, fraction: Double, seed: UInt64,
                                 replacing: Bool = false) throws -> String {
        let files = try DatasetInspector.datasetPaths(at: source).map { try DatasetFile(path: $0) }
        let targets = files.map { DatasetWriter.path(directory: destination, task: $0.metadata.task) }
        if !replacing, let existing = targets.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw DatasetError.outputExists(path: existing)
        }
        var lines: [String] = []
        for (file, target) in zip(files, targets) {
            let original = try file.contents()
            let smaller = try subsample(original, fraction: fraction, seed: seed)
            let bytes = try DatasetWriter.write(smaller, to: target)
            lines.append(
                "\(target): \(smaller.episodes.count) of \(original.episodes.count) episodes, \(smaller.stepCount) of \(original.stepCount) transitions, \(bytes) bytes"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension DatasetContents {
    /// The episodes whose indices are in `kept`, in their order, with their steps.
    func selecting(episodes kept: Set<Int>) -> DatasetContents {
        var result = self
        (result.observations, result.actions, result.legal, result.rewards, result.flags, result.episodes) = (
            [], [], [], [], [], []
        )
        let n = task.agentCount
        let f = task.observationSize
        let a = task.actionCount
        for (e, episode) in episodes.enumerated() where kept.contains(e) {
            let steps = episode.start..<(episode.start + episode.length)
            result.episodes.append(
                EpisodeRecord(
                    start: result.rewards.count, length: episode.length, totalReturn: episode.totalReturn,
                    qualityStage: episode.qualityStage))
            result.observations += observations[(steps.lowerBound * n * f)..<(steps.upperBound * n * f)]
            result.actions += actions[(steps.lowerBound * n)..<(steps.upperBound * n)]
            result.legal += legal[(steps.lowerBound * n * a)..<(steps.upperBound * n * a)]
            result.rewards += rewards[steps]
            result.flags += flags[steps]
        }
        return result
    }
}
