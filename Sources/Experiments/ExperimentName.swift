import Environments

/// The paper's experiments, each a grid of training runs (`mtrl-dist experiment run NAME`).
public enum ExperimentName: String, CaseIterable, Sendable, Codable {
    /// MT Oryx, MT CQL-Sable and MT BC-Sable on all training tasks of each environment.
    case table1
    /// Single-task (one run per training task, averaged) against multi-task, per algorithm.
    case fig1
    /// Test and train return against the number of training tasks, 1 … M in the registry's order.
    case fig4
    /// Dataset size (a fraction of each task's episodes) at the full training task set.
    case fig5a
    /// Model size (embedding) at the full training task set.
    case fig5b
    /// Ablations: HL-Gauss → MSE, masking + shuffling off, task balancing off (single-task and
    /// proportional batches), for Oryx and CQL.
    case fig6

    /// One line for `experiment list`.
    public var summary: String {
        switch self {
        case .table1: "MT Oryx vs MT CQL-Sable vs MT BC-Sable: normalised held-out return per environment and combined"
        case .fig1: "single-task (one run per training task, averaged) vs multi-task, held-out tasks, per algorithm"
        case .fig4: "held-out and training return against the number of training tasks (1 … M, registry order)"
        case .fig5a: "dataset size: a fraction of every training task's episodes (1/8 … 1), all training tasks"
        case .fig5b: "model size: embedding 64 … 768 (cpu scale: up to 256), all training tasks"
        case .fig6: "ablations: HL-Gauss → MSE, masking + shuffling off, task balancing off (single-task, proportional)"
        }
    }

    /// Training settings the grid sets differently from run to run (beyond each run's tasks, data
    /// and seed): `--settings` may not set them, or every run would carry one value under its
    /// own setting's label.
    public var variedSettings: Set<String> {
        switch self {
        case .table1, .fig1, .fig4, .fig5a: []
        case .fig5b: ["embed"]
        case .fig6: ["value", "masking", "agent-shuffle", "batching"]
        }
    }

    /// Environments run when `--env` is not given (the paper ran the ablations on RWARE).
    public var defaultEnvironments: [EnvironmentKind] {
        self == .fig6 ? [.rware] : [.lbf, .rware, .connector]
    }
}
