import Model

/// The three training objectives (spec §4), with what each needs from the rest of the system.
/// The trainer, the update engine and evaluation ask these properties instead of comparing kinds,
/// so a new loss is one case here plus its terms in `SableLoss`.
public enum LossKind: String, Codable, Sendable, CaseIterable {
    /// MT Oryx: autoregressive ICQ policy and critic (spec §4.1).
    case oryx
    /// MT CQL-Sable: TD critic with the conservative penalty; acts greedily on Q (spec §4.2).
    case cql
    /// MT BC-Sable: behaviour cloning of the dataset actions (spec §4.3).
    case bc

    /// The name the paper uses.
    public var paperName: String {
        switch self {
        case .oryx: "MT Oryx"
        case .cql: "MT CQL-Sable"
        case .bc: "MT BC-Sable"
        }
    }

    /// Whether the network needs a Q head (and the loss a value support).
    public var usesQHead: Bool { self != .bc }

    /// Whether bootstrapped targets come from a Polyak-averaged target network.
    public var usesTargetNetwork: Bool { self != .bc }

    /// Whether the loss needs the ICQ batch-softmax maxima and sums reduced across ranks (§4.4 step 2).
    public var usesICQStatistics: Bool { self == .oryx }

    /// Which loss terms the objective has, in the order of `LossReport` (critic/TD, policy/BC, CQL penalty).
    public var terms: (critic: Bool, policy: Bool, conservative: Bool) {
        switch self {
        case .oryx: (true, true, false)
        case .cql: (true, false, true)
        case .bc: (false, true, false)
        }
    }

    /// How the acting policy picks actions: CQL has no trained policy and acts greedily on Q;
    /// Oryx and BC sample their policy.
    public var actionSelection: ActionSelection { self == .cql ? .greedyQ : .sample }
}
