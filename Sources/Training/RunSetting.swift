import OptionParsing

/// One setting of a run: its key (the `--key` flag and the config-file key), help, what it accepts,
/// where it lives in the settings value `Config`, and whether a resumed run may change it.
///
/// A `SettingsTable`'s `settings` (`TrainConfig.settings`, the online runs' `OnlineRunSettings.settings`)
/// drive the flags, `--help`, JSON config files, the resolved config (printed, saved, compared
/// across ranks) and the resume check.
public struct RunSetting<Config: SettingsTable>: @unchecked Sendable {
    public let key: String
    public let help: String
    /// Shown after the flag in `--help` (`--embed N`).
    public let placeholder: String
    /// What the setting takes, as help and errors say it: "an integer in 1...64", "one of oryx, cql, bc";
    /// nil for free text.
    public let accepted: String?
    /// Whether `--resume` may give another value (e.g. `steps`); the others must match the saved run.
    public let mayChangeOnResume: Bool
    private let read: (Config) -> String
    /// Stores the parsed text; false when the text is not accepted.
    private let write: (inout Config, String) -> Bool

    /// The setting's value in `config`, as text (`set` reads it back).
    public func value(in config: Config) -> String { read(config) }

    /// The default value, as text.
    public var defaultValue: String { read(Config()) }

    /// Parses `text` into `config`. - Throws: `ConfigError.badValue` naming the key and what it accepts.
    public func set(_ text: String, in config: inout Config) throws {
        guard write(&config, text) else { throw ConfigError.badValue(key, text, accepted ?? "text") }
    }

    /// `--help` line: the help text, then what is accepted.
    public var helpText: String { accepted.map { "\(help) (\($0))" } ?? help }

    /// An integer within `range`.
    public static func integer(_ key: String, _ path: WritableKeyPath<Config, Int>, _ range: ClosedRange<Int>, _ help: String,
                        placeholder: String = "N", resumable: Bool = false) -> RunSetting {
        RunSetting(
            key: key, help: help, placeholder: placeholder,
            accepted: "an integer in \(range.lowerBound)...\(range.upperBound)", mayChangeOnResume: resumable,
            read: { "\($0[keyPath: path])" },
            write: { config, text in
                guard let v = Int(text), range.contains(v) else { return false }
                config[keyPath: path] = v
                return true
            })
    }

    /// A finite number within `range`, stored as Double or Float. With `auto`, the text "auto"
    /// stores NaN (resolved later from the data).
    public static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ key: String, _ path: WritableKeyPath<Config, F>, _ range: ClosedRange<Double>, _ help: String,
        auto: Bool = false, resumable: Bool = false
    ) -> RunSetting {
        RunSetting(
            key: key, help: help, placeholder: auto ? "X|auto" : "X",
            accepted: "a number in \(range.lowerBound)...\(range.upperBound)\(auto ? " or auto" : "")", mayChangeOnResume: resumable,
            read: { config in
                let v = config[keyPath: path]
                return v.isNaN ? "auto" : "\(v)"
            },
            write: { config, text in
                if auto && text == "auto" { config[keyPath: path] = .nan; return true }
                guard let checked = Double(text), checked.isFinite, range.contains(checked), let v = F(text) else { return false }
                config[keyPath: path] = v
                return true
            })
    }

    /// One of an enum's raw values.
    public static func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ path: WritableKeyPath<Config, E>, _ help: String,
                                                           resumable: Bool = false) -> RunSetting where E.RawValue == String {
        RunSetting(
            key: key, help: help, placeholder: "NAME",
            accepted: "one of " + E.allCases.map(\.rawValue).joined(separator: ", "), mayChangeOnResume: resumable,
            read: { $0[keyPath: path].rawValue },
            write: { config, text in
                guard let v = E(rawValue: text) else { return false }
                config[keyPath: path] = v
                return true
            })
    }

    /// A switch written `on` / `off`.
    public static func onOff(_ key: String, _ path: WritableKeyPath<Config, Bool>, _ help: String,
                      resumable: Bool = false) -> RunSetting {
        RunSetting(
            key: key, help: help, placeholder: "on|off", accepted: "on or off", mayChangeOnResume: resumable,
            read: { $0[keyPath: path] ? "on" : "off" },
            write: { config, text in
                guard text == "on" || text == "off" else { return false }
                config[keyPath: path] = text == "on"
                return true
            })
    }

    /// Free text (paths, task lists).
    public static func text(_ key: String, _ path: WritableKeyPath<Config, String>, _ help: String, placeholder: String,
                     resumable: Bool = false) -> RunSetting {
        RunSetting(
            key: key, help: help, placeholder: placeholder, accepted: nil, mayChangeOnResume: resumable,
            read: { $0[keyPath: path] },
            write: { config, text in
                config[keyPath: path] = text
                return true
            })
    }
}

/// The settings of an offline training run.
public typealias TrainSetting = RunSetting<TrainConfig>
