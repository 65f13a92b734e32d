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
    public static func subsample(_ contents: DatasetContents, fraction: Double, seed: UInt64) throws -> DatasetContents
    {
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
        var result = contents
        (result.observations, result.actions, result.legal, result.rewards, result.flags, result.episodes) = (
            [], [], [], [], [], []
        )
        let n = contents.task.agentCount
        let f = contents.task.observationSize
        let a = contents.task.actionCount
        for (e, episode) in contents.episodes.enumerated() where kept.contains(e) {
            let steps = episode.start..<(episode.start + episode.length)
            result.episodes.append(
                EpisodeRecord(
                    start: result.rewards.count, length: episode.length, totalReturn: episode.totalReturn,
                    qualityStage: episode.qualityStage))
            result.observations += contents.observations[(steps.lowerBound * n * f)..<(steps.upperBound * n * f)]
            result.actions += contents.actions[(steps.lowerBound * n)..<(steps.upperBound * n)]
            result.legal += contents.legal[(steps.lowerBound * n * a)..<(steps.upperBound * n * a)]
            result.rewards += contents.rewards[steps]
            result.flags += contents.flags[steps]
        }
        return result
    }

    /// `dataset subsample`: every dataset at `source` (file or directory) is subsampled and
    /// written to `destination/<environment>/<task id>.mtds`.
    /// - Returns: the written paths with their episode and step counts, one line each.
    public static func subsample(source: String, destination: String, fraction: Double, seed: UInt64) throws -> String {
        var lines: [String] = []
        for path in try DatasetInspector.datasetPaths(at: source) {
            let original = try DatasetFile(path: path).contents()
            let smaller = try subsample(original, fraction: fraction, seed: seed)
            let target = DatasetWriter.path(directory: destination, task: smaller.task)
            let bytes = try DatasetWriter.write(smaller, to: target)
            lines.append(
                "\(target): \(smaller.episodes.count) of \(original.episodes.count) episodes, \(smaller.stepCount) of \(original.stepCount) transitions, \(bytes) bytes"
            )
        }
        return lines.joined(separator: "\n")
    }
}
