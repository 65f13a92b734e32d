import Datasets
import Environments
import Foundation

/// Which tasks a run evaluates zero-shot besides its training tasks.
public enum HeldOutTasks: String, CaseIterable, Sendable, Codable {
    /// The environment's test split (minus any trained on): the paper's protocol.
    case test
    /// None: only the training tasks, and sizes (N_max, features) from them alone.
    case none
}

/// The tasks of a run and the sizes they imply (spec §7.1).
///
/// Training tasks come from `--tasks` (`train`, `test`, or ids); evaluation covers the training
/// tasks and the environment's held-out test tasks. N_max and the feature width cover both, so
/// evaluation needs no wider input than training.
public struct TrainingTasks: Sendable {
    public let kind: EnvironmentKind
    public let training: [TaskSpec]
    /// Zero-shot evaluation tasks (the environment's test split, minus any trained on).
    public let heldOut: [TaskSpec]
    /// N_max: agent slots of every sample.
    public let agentSlots: Int
    /// Observation features per slot (largest of the environment's tasks).
    public let featureSize: Int
    public let actionCount: Int

    /// D_o = N_max (agent-ID one-hot) + features.
    public var inputSize: Int { agentSlots + featureSize }

    /// Resolves `selection` for environment `kind`.
    /// - Throws: `TaskLookupError` for unknown ids, `TrainingSetupError` for ids of another environment.
    public init(kind: EnvironmentKind, selection: String, heldOut held: HeldOutTasks = .test) throws {
        self.kind = kind
        let all = TaskRegistry.tasks(kind: kind)
        switch selection {
        case "train": training = all.filter { $0.split == .train }
        case "test": training = all.filter { $0.split == .test }
        default:
            training = try selection.split(separator: ",").map { id in
                let task = try TaskRegistry.task(id: String(id).trimmingCharacters(in: .whitespaces))
                guard task.kind == kind else { throw TrainingSetupError.wrongEnvironment(task.id, kind) }
                return task
            }
        }
        guard !training.isEmpty else { throw TrainingSetupError.noTasks(selection) }
        var trainedIDs: Set<String> = []
        for task in training where !trainedIDs.insert(task.id).inserted { throw TrainingSetupError.repeatedTask(task.id) }
        heldOut = held == .none ? [] : all.filter { $0.split == .test && !trainedIDs.contains($0.id) }
        let sized = training + heldOut
        agentSlots = sized.map(\.agentCount).max()!
        featureSize = sized.map(\.observationSize).max()!
        actionCount = training[0].actionCount
    }

    /// Opens every training task's dataset, `directory/<env>/<id>.mtds`.
    /// - Throws: `TrainingSetupError.missingDataset` with the collect command to run, or the file's
    ///   `DatasetError` (corrupted, or holding another task than its name says).
    public func openDatasets(directory: String) throws -> [DatasetFile] {
        try training.map { task in
            let path = "\(directory)/\(kind.rawValue)/\(task.id).mtds"
            guard FileManager.default.fileExists(atPath: path) else {
                throw TrainingSetupError.missingDataset(path: path, task: task.id, directory: directory)
            }
            let dataset = try DatasetFile(path: path)
            try dataset.check(holds: task)
            return dataset
        }
    }

    /// Cost per sample of each training task (agents × observation size), for sharding.
    public var costs: [Double] { training.map { Double($0.agentCount * $0.observationSize) } }
}

/// A run that cannot start because of its tasks or data.
public enum TrainingSetupError: Error, CustomStringConvertible {
    case wrongEnvironment(String, EnvironmentKind)
    case noTasks(String)
    /// A task listed twice in `--tasks` (Eq. 1 would weigh it twice).
    case repeatedTask(String)
    case missingDataset(path: String, task: String, directory: String)
    case missingReferenceReturn(task: String, path: String)
    case mixedBehaviours(String)

    public var description: String {
        switch self {
        case let .wrongEnvironment(id, kind): "task \(id) is not a \(kind.rawValue) task; pass --env for it or drop it from --tasks."
        case let .noTasks(selection): "--tasks '\(selection)' selects no task; use train, test or task ids."
        case let .repeatedTask(id):
            "--tasks lists \(id) twice; Eq. 1 weighs every training task once, so give each task once."
        case let .missingDataset(path, task, directory):
            "no dataset for task \(task) at \(path); create it with `mtrl-dist collect --task \(task) --episodes 200 --out \(directory)`."
        case let .mixedBehaviours(what):
            "cannot mix behaviours in one run: \(what). Re-collect so every dataset and reference comes from one behaviour "
                + "(source), or pass --allow-mixed-sources on to train on them anyway (each task keeps its own source's "
                + "reference; final.json lists them)."
        case let .missingReferenceReturn(task, path):
            "no reference return for \(task) in \(path); re-run `mtrl-dist collect` for this environment."
        }
    }
}
