import Environments
import Losses
import Training

/// One run of an experiment's grid: an ordinary run directory `EXP_DIR/runs/<id>`.
public struct ExperimentCell: Sendable, Equatable {
    /// Path of the run under `EXP_DIR/runs`, e.g. "lbf/oryx/mt/seed0".
    public let id: String
    public let environment: EnvironmentKind
    public let algorithm: LossKind
    /// The setting this run stands for ("MT", "ST", "tasks", "episodes", "embed", or an ablation).
    public let setting: String
    /// The setting's value on a plot's x axis (task count, episodes per task, embedding), if any.
    public let x: Double?
    public let seed: Int
    /// The run's complete settings (`out` is the run directory).
    public let config: TrainConfig

    /// Cells of one group (same environment, algorithm, setting and x) differ only in seed, or,
    /// for single-task runs, in their training task: their scores are averaged per seed.
    public var groupKey: GroupKey { GroupKey(environment: environment, algorithm: algorithm, setting: setting, x: x) }

    /// Which results are pooled into one score matrix.
    public struct GroupKey: Hashable, Sendable, Comparable {
        public let environment: EnvironmentKind
        public let algorithm: LossKind
        public let setting: String
        public let x: Double?

        /// Environments, algorithms and settings in the grid's order (Oryx, CQL, BC; MT before ST), x ascending.
        public static func < (a: GroupKey, b: GroupKey) -> Bool {
            func rank(_ k: GroupKey) -> (Int, Int, String, Double) {
                (EnvironmentKind.allCases.firstIndex(of: k.environment)!, LossKind.allCases.firstIndex(of: k.algorithm)!, k.setting,
                 k.x ?? -1)
            }
            return rank(a) < rank(b)
        }
    }
}

/// How a setting of the grid is shown in tables and legends.
public enum SettingTitle {
    /// "MT", "ST", "HL-Gauss → MSE", … for a cell's `setting`.
    public static func of(_ setting: String) -> String {
        switch setting {
        case "full": "full (balanced, HL-Gauss, masking)"
        case "mse": "HL-Gauss → MSE"
        case "no-masking": "masking + shuffling off"
        case "single-task": "single-task batches"
        case "proportional": "proportional batches"
        case "tasks": "training tasks"
        case "episodes": "episodes per task"
        case "embed": "embedding"
        default: setting
        }
    }

    /// An algorithm's short name ("Oryx", "CQL-Sable", "BC-Sable").
    public static func of(_ algorithm: LossKind) -> String {
        algorithm.paperName.replacingOccurrences(of: "MT ", with: "")
    }
}
