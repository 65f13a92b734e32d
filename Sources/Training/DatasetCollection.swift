import Datasets
import Distributed
import Environments
import Foundation

/// Collection of offline datasets and their normalisation references on every rank of a
/// communicator (`mtrl-dist collect`, and any command that needs datasets made the same way).
public enum DatasetCollection {
    /// Records `tasks`' datasets to `out/<env>/<task>.mtds` (tasks dealt round-robin to ranks) and,
    /// on rank 0, merges into `out/<env>/reference-returns.tsv` per task: the reference return
    /// (`behaviour` at ε = 0.05, to `precision`) with its standard error and the uniformly random
    /// legal policy's return with its standard error (`DatasetCollector.measureRandom`). The table
    /// covers the collected tasks and, per environment, its test tasks not collected here.
    ///
    /// Task i of that list uses seed `seed + i·1,000,003` for its data and reference, and that plus
    /// `randomSeedOffset` for its random return. Every rank prints a line per task it measured.
    /// - Throws: `DatasetError.badCollectionRequest` for an empty task list or a bad episode count,
    ///   file errors, and collective errors.
    public static func collect(tasks: [TaskSpec], episodes: Int, stages: Int, seed: UInt64, behaviour: BehaviourKind,
                               precision: ReferencePrecision, out: String, communicator: any Communicator) throws {
        guard !tasks.isEmpty else {
            throw DatasetError.badCollectionRequest(task: "(none)", reason: "no tasks to collect; name at least one task")
        }
        let kinds = Set(tasks.map(\.kind))
        var referenceTasks: [TaskSpec] = tasks
        for kind in EnvironmentKind.allCases where kinds.contains(kind) {
            let collected = Set(tasks.map(\.id))
            referenceTasks += TaskRegistry.tasks(kind: kind, split: .test).filter { !collected.contains($0.id) }
        }
        // Per task: reference mean, its standard error, random mean, its standard error.
        var measured = [Double](repeating: 0, count: 4 * referenceTasks.count)
        for (index, task) in referenceTasks.enumerated() where index % communicator.size == communicator.rank {
            let start = Date()
            let taskSeed = seed &+ UInt64(index) &* 1_000_003
            var line: String
            if index < tasks.count {
                let summary = try DatasetCollector.collectAndWrite(task: task, episodes: episodes, stages: stages, seed: taskSeed,
                                                                   behaviour: behaviour, reference: precision, directory: out)
                (measured[4 * index], measured[4 * index + 1]) = (summary.referenceReturn, summary.referenceStandardError)
                line = String(format: "%@ (%@): %d episodes, %d transitions, %.1f MB, reference return %.4f ± %.4f",
                              task.id, behaviour.rawValue, summary.episodes, summary.transitions,
                              Double(summary.fileBytes ?? 0) / 1e6, summary.referenceReturn, summary.referenceStandardError)
            } else {
                let reference = DatasetCollector.measureReference(task: task, behaviour: behaviour, seed: taskSeed, precision: precision)
                (measured[4 * index], measured[4 * index + 1]) = (reference.mean, reference.standardError)
                line = String(format: "%@: reference return %.4f ± %.4f (%@, epsilon %.2f, %d episodes)", task.id, reference.mean,
                              reference.standardError, behaviour.rawValue, DatasetCollector.finalEpsilon, reference.episodes)
            }
            let random = DatasetCollector.measureRandom(task: task, seed: taskSeed &+ randomSeedOffset, precision: precision,
                                                        reference: measured[4 * index])
            (measured[4 * index + 2], measured[4 * index + 3]) = (random.mean, random.standardError)
            line += String(format: ", random %.4f ± %.4f (%d episodes), %.1f s", random.mean, random.standardError, random.episodes,
                           Date().timeIntervalSince(start))
            print("[rank \(communicator.rank)] \(line)")
            fflush(nil)
        }
        try communicator.allReduceSum(&measured)
        guard communicator.rank == 0 else { return }
        for kind in EnvironmentKind.allCases where kinds.contains(kind) {
            let path = ReferenceReturnTable.path(dataDirectory: out, environment: kind.rawValue)
            try FileManager.default.createDirectory(atPath: "\(out)/\(kind.rawValue)", withIntermediateDirectories: true)
            var table = FileManager.default.fileExists(atPath: path) ? try ReferenceReturnTable.read(path: path) : ReferenceReturnTable()
            for (index, task) in referenceTasks.enumerated() where task.kind == kind {
                table[task.id] = ReferenceReturn(
                    mean: measured[4 * index], standardError: measured[4 * index + 1], behaviour: behaviour.rawValue,
                    randomMean: measured[4 * index + 2], randomStandardError: measured[4 * index + 3])
            }
            try table.write(path: path)
            print("wrote \(path) (\(table.entries.count) tasks)")
        }
    }

    /// Added to a task's seed for its random-policy return, so its episodes are not the reference's.
    public static let randomSeedOffset: UInt64 = 0xA11_D0
}
