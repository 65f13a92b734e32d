import Datasets
import Environments
import Foundation
import OptionParsing

/// Which loss trains the network (paper: MT Oryx, MT CQL-Sable, MT BC-Sable).
public enum Algorithm: String, CaseIterable, Sendable, Codable { case oryx, cql, bc }
/// Value learning as classification (HL-Gauss) or regression (MSE).
public enum ValueLoss: String, CaseIterable, Sendable, Codable { case hlgauss, mse }
/// A two-state switch written `on`/`off` on the command line.
public enum Switch: String, CaseIterable, Sendable, Codable { case on, off }
/// Which split picks the best checkpoint.
public enum SelectionSplit: String, CaseIterable, Sendable, Codable { case train, test }

/// Every setting of a training run. Flags and config-file keys share names (`--batch` = "batch").
///
/// Defaults follow spec §6 (og-marl's Oryx config) except `steps` and the evaluation cadence,
/// which are sized for a laptop-scale run; set them as the paper does for comparable numbers.
public struct TrainConfig: Sendable, Equatable {
    public var env: EnvironmentKind = .lbf
    public var algo: Algorithm = .oryx
    public var data = "data"
    /// `train`, `test`, or a comma-separated list of task ids.
    public var tasks = "train"
    public var embed = 64
    public var heads = 4
    public var blocks = 1
    public var batch = 64
    public var chunk = 20
    public var steps = 2_000
    public var seed = 42
    public var out = "runs/run"
    public var lr: Double = 3e-4
    public var weightDecay: Double = 0
    public var gamma: Double = 0.99
    public var tau: Double = 0.005
    public var maxGradNorm: Double = 10
    public var valueTemperature: Double = 1_000
    public var policyTemperature: Double = 0.1
    public var criticCoef: Double = 1
    public var cqlWeight: Double = 3
    public var value: ValueLoss = .hlgauss
    public var bins = 51
    /// HL-Gauss support; NaN = from the datasets' return-to-go range, padded by 10 %.
    public var vmin: Double = .nan
    public var vmax: Double = .nan
    public var batching: BatchingMode = .balanced
    public var agentShuffle: Switch = .on
    /// off: absent agent slots leak into retention and count in the losses (spec §7 "no masking" ablation).
    public var masking: Switch = .on
    public var logEvery = 20
    public var evalEvery = 500
    public var checkpointEvery = 500
    public var evalEpisodes = 32
    public var finalEvalEpisodes = 320
    public var selectBy: SelectionSplit = .train
    public var checksumEvery = 100
    public var blasThreads = 1

    public init() {}

    /// Names of all settings, in the order they are printed and saved.
    public static let keys = [
        "env", "algo", "data", "tasks", "embed", "heads", "blocks", "batch", "chunk", "steps", "seed", "out", "lr",
        "weight-decay", "gamma", "tau", "max-grad-norm", "value-temperature", "policy-temperature", "critic-coef",
        "cql-weight", "value", "bins", "vmin", "vmax", "batching", "agent-shuffle", "masking", "log-every",
        "eval-every", "checkpoint-every", "eval-episodes", "final-eval-episodes", "select-by", "checksum-every",
        "blas-threads",
    ]

    /// Sets one setting from text. - Throws: `ConfigError` naming the key, the value and what is allowed.
    public mutating func set(_ key: String, _ text: String) throws {
        func int(_ range: ClosedRange<Int>) throws -> Int {
            guard let v = Int(text), range.contains(v) else { throw ConfigError.badValue(key, text, "an integer in \(range.lowerBound)...\(range.upperBound)") }
            return v
        }
        func real(_ range: ClosedRange<Double>) throws -> Double {
            guard let v = Double(text), v.isFinite, range.contains(v) else { throw ConfigError.badValue(key, text, "a number in \(range.lowerBound)...\(range.upperBound)") }
            return v
        }
        func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws -> E where E.RawValue == String {
            guard let v = E(rawValue: text) else { throw ConfigError.badValue(key, text, "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")) }
            return v
        }
        switch key {
        case "env": env = try choice(EnvironmentKind.self)
        case "algo": algo = try choice(Algorithm.self)
        case "data": data = text
        case "tasks": tasks = text
        case "embed": embed = try int(4...4096)
        case "heads": heads = try int(1...64)
        case "blocks": blocks = try int(1...16)
        case "batch": batch = try int(1...65_536)
        case "chunk": chunk = try int(2...1_000)
        case "steps": steps = try int(0...100_000_000)
        case "seed": seed = try int(0...Int(Int32.max))
        case "out": out = text
        case "lr": lr = try real(0...1)
        case "weight-decay": weightDecay = try real(0...1)
        case "gamma": gamma = try real(0...1)
        case "tau": tau = try real(0...1)
        case "max-grad-norm": maxGradNorm = try real(1e-12...1e12)
        case "value-temperature": valueTemperature = try real(1e-9...1e12)
        case "policy-temperature": policyTemperature = try real(1e-9...1e12)
        case "critic-coef": criticCoef = try real(0...1e6)
        case "cql-weight": cqlWeight = try real(0...1e6)
        case "value": value = try choice(ValueLoss.self)
        case "bins": bins = try int(2...1_024)
        case "vmin": vmin = try real(-1e9...1e9)
        case "vmax": vmax = try real(-1e9...1e9)
        case "batching": batching = try batchingMode(text)
        case "agent-shuffle": agentShuffle = try choice(Switch.self)
        case "masking": masking = try choice(Switch.self)
        case "log-every": logEvery = try int(1...1_000_000)
        case "eval-every": evalEvery = try int(0...100_000_000)
        case "checkpoint-every": checkpointEvery = try int(0...100_000_000)
        case "eval-episodes": evalEpisodes = try int(0...1_000_000)
        case "final-eval-episodes": finalEvalEpisodes = try int(0...1_000_000)
        case "select-by": selectBy = try choice(SelectionSplit.self)
        case "checksum-every": checksumEvery = try int(0...100_000_000)
        case "blas-threads": blasThreads = try int(1...256)
        default:
            let suggestion = OptionParser.closest(to: key, in: Self.keys)
            throw ConfigError.unknownKey(key, suggestion)
        }
    }

    /// The setting `key` as text (inverse of `set`).
    public func value(of key: String) -> String {
        switch key {
        case "env": env.rawValue
        case "algo": algo.rawValue
        case "data": data
        case "tasks": tasks
        case "embed": "\(embed)"
        case "heads": "\(heads)"
        case "blocks": "\(blocks)"
        case "batch": "\(batch)"
        case "chunk": "\(chunk)"
        case "steps": "\(steps)"
        case "seed": "\(seed)"
        case "out": out
        case "lr": "\(lr)"
        case "weight-decay": "\(weightDecay)"
        case "gamma": "\(gamma)"
        case "tau": "\(tau)"
        case "max-grad-norm": "\(maxGradNorm)"
        case "value-temperature": "\(valueTemperature)"
        case "policy-temperature": "\(policyTemperature)"
        case "critic-coef": "\(criticCoef)"
        case "cql-weight": "\(cqlWeight)"
        case "value": value.rawValue
        case "bins": "\(bins)"
        case "vmin": vmin.isNaN ? "auto" : "\(vmin)"
        case "vmax": vmax.isNaN ? "auto" : "\(vmax)"
        case "batching": Self.batchingNames[batching]!
        case "agent-shuffle": agentShuffle.rawValue
        case "masking": masking.rawValue
        case "log-every": "\(logEvery)"
        case "eval-every": "\(evalEvery)"
        case "checkpoint-every": "\(checkpointEvery)"
        case "eval-episodes": "\(evalEpisodes)"
        case "final-eval-episodes": "\(finalEvalEpisodes)"
        case "select-by": selectBy.rawValue
        case "checksum-every": "\(checksumEvery)"
        case "blas-threads": "\(blasThreads)"
        default: preconditionFailure("TrainConfig has no key \(key)")
        }
    }

    /// Command-line names of the batching modes.
    static let batchingNames: [BatchingMode: String] = [.balanced: "balanced", .proportional: "proportional", .singleTask: "single-task"]

    private func batchingMode(_ text: String) throws -> BatchingMode {
        guard let mode = Self.batchingNames.first(where: { $0.value == text })?.key else {
            throw ConfigError.badValue("batching", text, "one of balanced, proportional, single-task")
        }
        return mode
    }

    /// Checks relations between settings. - Throws: `ConfigError.inconsistent`.
    public func validate() throws {
        guard embed % heads == 0 else { throw ConfigError.inconsistent("embed \(embed) is not divisible by heads \(heads)") }
        guard (embed / heads) % heads == 0 else {
            throw ConfigError.inconsistent("head size \(embed / heads) must be divisible by heads \(heads) (GroupNorm, spec §2.4)")
        }
        if !vmin.isNaN && !vmax.isNaN && vmin >= vmax { throw ConfigError.inconsistent("vmin \(vmin) must be below vmax \(vmax)") }
    }

    /// Settings as `key = value` lines (printed at start, saved in the run directory).
    public var resolvedText: String { Self.keys.map { "\($0) = \(value(of: $0))" }.joined(separator: "\n") }

    /// Settings as a JSON object of strings (config.json; readable back by `load(file:)`).
    public var json: String {
        let body = Self.keys.map { "  \"\($0)\": \"\(value(of: $0).replacingOccurrences(of: "\"", with: "\\\""))\"" }
        return "{\n" + body.joined(separator: ",\n") + "\n}\n"
    }

    /// Settings a resumed run must share with the run it continues (the rest, e.g. `steps` or the
    /// evaluation cadence, may change on resume).
    public static let resumeInvariantKeys = [
        "env", "algo", "data", "tasks", "embed", "heads", "blocks", "batch", "chunk", "seed", "lr", "weight-decay", "gamma",
        "tau", "max-grad-norm", "value-temperature", "policy-temperature", "critic-coef", "cql-weight", "value", "bins",
        "vmin", "vmax", "batching", "agent-shuffle", "masking",
    ]

    /// Applies the settings of a JSON config file (keys as the flags, values strings or numbers).
    /// - Throws: `ConfigError` for unreadable files, non-objects, unknown keys and bad values.
    public mutating func load(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError.unreadable(path) }
        try loadJSON(text: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Applies the settings of JSON text (`source` names it in errors).
    public mutating func loadJSON(text: String, source path: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw ConfigError.notAnObject(path)
        }
        for key in object.keys.sorted() {
            let raw = object[key]!
            let text: String
            switch raw {
            case let s as String: text = s
            case let n as NSNumber: text = n.stringValue
            default: throw ConfigError.badValue(key, "\(raw)", "a string or a number (in \(path))")
            }
            if (key == "vmin" || key == "vmax") && text == "auto" { if key == "vmin" { vmin = .nan } else { vmax = .nan }; continue }
            try set(key, text)
        }
    }
}

/// A bad training setting.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unknownKey(String, String?)
    case badValue(String, String, String)
    case inconsistent(String)
    case unreadable(String)
    case notAnObject(String)

    public var description: String {
        switch self {
        case let .unknownKey(key, suggestion):
            "unknown setting '\(key)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? ""); see `mtrl-dist train --help`."
        case let .badValue(key, value, expected): "invalid value '\(value)' for \(key): expected \(expected)."
        case let .inconsistent(why): "inconsistent settings: \(why)."
        case let .unreadable(path): "cannot read config file \(path); check the path."
        case let .notAnObject(path): "config file \(path) is not a JSON object of settings ({\"batch\": 64, ...})."
        }
    }
}
