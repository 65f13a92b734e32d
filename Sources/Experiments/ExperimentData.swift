import BinaryFormat
import Datasets
import Distributed
import Environments
import Foundation
import Training

/// The datasets an experiment trains on, made once and shared by all its runs (and by other
/// experiments given the same `--data`): every training task of each environment recorded by the
/// environment's default behaviour, the reference returns of its training and test tasks, and for
/// fig5a the subsampled copies. `DATA/<env>/collection.json` records how a directory was made; a
/// directory made otherwise is refused rather than silently mixed.
public enum ExperimentData {
    /// What `collection.json` records.
    struct Collection: Codable, Equatable {
        var episodes: Int
        var stages: Int
        var behaviour: String
        var seed: Int
        var referenceEpisodes: Int
        var referenceMaxEpisodes: Int

        enum CodingKeys: String, CodingKey {
            case episodes, stages, behaviour, seed, referenceEpisodes = "reference_episodes", referenceMaxEpisodes = "reference_max_episodes"
        }
    }

    /// Seed of every experiment collection (the data is part of the experiment, not of a run's seed).
    static let collectionSeed = 0

    /// Collects what is missing and subsamples fig5a's copies; collective over `communicator`
    /// (tasks dealt to ranks). Rank 0 holds `DATA/.lock` meanwhile, so independent jobs (a job
    /// array) wait for one collection instead of racing.
    /// - Throws: `ExperimentError.dataMismatch` when existing data was made with other settings.
    public static func prepare(spec: ExperimentSpec, directory: ExperimentDirectory, communicator: any Communicator) throws {
        var lock: RunLock?
        if communicator.rank == 0 {
            try FileManager.default.createDirectory(atPath: spec.data, withIntermediateDirectories: true)
            lock = try RunLock(directory: spec.data, purpose: "experiment data", waits: true)
        }
        defer { withExtendedLifetime(lock) {} }
        for environment in spec.environments {
            let scale = spec.scale.settings(for: environment)
            let wanted = Collection(
                episodes: scale.episodesPerTask, stages: scale.stages, behaviour: BehaviourKind.default(for: environment).rawValue,
                seed: collectionSeed, referenceEpisodes: scale.referenceEpisodes, referenceMaxEpisodes: scale.referenceMaxEpisodes)
            let missing = communicator.rank == 0 ? try needsCollection(environment, wanted: wanted, data: spec.data) : false
            var needed = [missing ? 1.0 : 0.0]
            try communicator.allReduceSum(&needed)
            if needed[0] > 0 {
                try DatasetCollection.collect(
                    tasks: TaskRegistry.tasks(kind: environment, split: .train), episodes: wanted.episodes, stages: wanted.stages,
                    seed: UInt64(collectionSeed), behaviour: BehaviourKind.default(for: environment),
                    precision: scale.referencePrecision, out: spec.data, communicator: communicator)
                if communicator.rank == 0 { try write(wanted, to: markerPath(environment, data: spec.data)) }
            }
            if spec.name == .fig5a && communicator.rank == 0 {
                for fraction in scale.datasetFractions where fraction < 1 {
                    try subsample(environment, fraction: fraction, data: spec.data, into: directory.subsampledData(fraction: fraction))
                }
            }
        }
        try communicator.barrier()
    }

    static func markerPath(_ environment: EnvironmentKind, data: String) -> String { "\(data)/\(environment.rawValue)/collection.json" }

    /// Whether `data` lacks the environment's datasets. Data with a record of other settings, or a
    /// partial set without a record, is refused.
    static func needsCollection(_ environment: EnvironmentKind, wanted: Collection, data: String) throws -> Bool {
        let marker = markerPath(environment, data: data)
        let fm = FileManager.default
        if let bytes = fm.contents(atPath: marker) {
            guard let recorded = try? JSONDecoder().decode(Collection.self, from: bytes) else {
                throw ExperimentError.unreadable(marker, "not a collection record; remove \(data)/\(environment.rawValue) to collect again")
            }
            guard recorded == wanted else {
                throw ExperimentError.dataMismatch(
                    "\(data)/\(environment.rawValue) was collected with \(describe(recorded)); this experiment's scale needs "
                        + "\(describe(wanted)). Pass another --data (or leave it out to use EXP_DIR/data).")
            }
            return false
        }
        let tasks = TaskRegistry.tasks(kind: environment, split: .train)
        let present = tasks.filter { fm.fileExists(atPath: "\(data)/\(environment.rawValue)/\($0.id).mtds") }
        let table = ReferenceReturnTable.path(dataDirectory: data, environment: environment.rawValue)
        if present.count == tasks.count && fm.fileExists(atPath: table) {
            print("using the \(environment.rawValue) datasets in \(data) as they are (no collection.json: not made by `experiment run`)")
            return false
        }
        guard present.isEmpty else {
            let missing = tasks.filter { !present.map(\.id).contains($0.id) }.map(\.id)
            throw ExperimentError.dataMismatch(
                "\(data)/\(environment.rawValue) holds some datasets but not \(missing.joined(separator: ", ")); complete them with "
                    + "`mtrl-dist collect` or pass another --data.")
        }
        return true
    }

    static func describe(_ c: Collection) -> String {
        "\(c.episodes) episodes per task in \(c.stages) stages by the \(c.behaviour) behaviour (seed \(c.seed), references from "
            + "\(c.referenceEpisodes) to \(c.referenceMaxEpisodes) episodes)"
    }

    /// fig5a: `fraction` of every training task's episodes of `data` (each quality stage kept in
    /// proportion), with the same reference returns, unless already made (the marker is written
    /// last, so files of an interrupted earlier attempt are made again).
    static func subsample(_ environment: EnvironmentKind, fraction: Double, data: String, into root: String) throws {
        let marker = "\(root)/\(environment.rawValue)/subsample.json"
        let record = "{\"fraction\": \(fraction), \"source\": \"\(data)/\(environment.rawValue)\"}\n"
        if let existing = FileManager.default.contents(atPath: marker) {
            guard String(decoding: existing, as: UTF8.self) == record else {
                throw ExperimentError.dataMismatch("\(marker) records another subsample; remove \(root) to make it again")
            }
            return
        }
        for task in TaskRegistry.tasks(kind: environment, split: .train) {
            _ = try DatasetSubsampler.subsample(source: "\(data)/\(environment.rawValue)/\(task.id).mtds", destination: root,
                                                fraction: fraction, seed: UInt64(collectionSeed), replacing: true)
        }
        let table = try ReferenceReturnTable.read(path: ReferenceReturnTable.path(dataDirectory: data, environment: environment.rawValue))
        try table.write(path: ReferenceReturnTable.path(dataDirectory: root, environment: environment.rawValue))
        try AtomicFile.write(Array(record.utf8), to: marker)
    }

    static func write(_ collection: Collection, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(collection)) + Array("\n".utf8), to: path)
    }
}
