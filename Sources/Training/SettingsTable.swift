import Foundation
import OptionParsing

/// A run's settings described by one table of `RunSetting`s (`TrainConfig`, the online runs'
/// settings): parsing and printing each setting, the resolved `key = value` text, `config.json`,
/// JSON config files and the resume check all come from that table.
public protocol SettingsTable: Sendable, Equatable {
    /// The defaults.
    init()
    /// Every setting, in the order they are printed and saved.
    static var settings: [RunSetting<Self>] { get }
}

extension SettingsTable {
    /// The setting named `key`. - Throws: `ConfigError.unknownKey` with the closest key.
    public static func setting(_ key: String) throws -> RunSetting<Self> {
        guard let setting = settings.first(where: { $0.key == key }) else {
            throw ConfigError.unknownKey(key, OptionParser.closest(to: key, in: settings.map(\.key)))
        }
        return setting
    }

    /// Sets one setting from text. - Throws: `ConfigError` naming the key, the value and what is allowed.
    public mutating func set(_ key: String, _ text: String) throws { try Self.setting(key).set(text, in: &self) }

    /// The setting `key` as text (inverse of `set`).
    public func value(of key: String) throws -> String { try Self.setting(key).value(in: self) }

    /// Settings as `key = value` lines (printed at start, compared across ranks).
    public var resolvedText: String { Self.settings.map { "\($0.key) = \($0.value(in: self))" }.joined(separator: "\n") }

    /// Settings as a JSON object of strings (config.json; readable back by `loadJSON`).
    public var json: String {
        let body = Self.settings.map { "  \"\($0.key)\": \"\($0.value(in: self).replacingOccurrences(of: "\"", with: "\\\""))\"" }
        return "{\n" + body.joined(separator: ",\n") + "\n}\n"
    }

    /// The first setting a resumed run may not change that differs between `self` and `saved`.
    public func resumeConflict(with saved: Self) -> String? {
        Self.settings.first { !$0.mayChangeOnResume && $0.value(in: self) != $0.value(in: saved) }?.key
    }

    /// Applies the settings of a JSON config file (keys as the flags, values strings or numbers).
    /// - Throws: `ConfigError` for unreadable files, non-objects, unknown keys and bad values.
    public mutating func load(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError.unreadable(path) }
        try loadJSON(text: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Applies the settings of JSON text (`source` names it in errors): one object of strings and
    /// numbers, each key once (`FlatJSONObject`).
    public mutating func loadJSON(text: String, source path: String) throws {
        let entries: [(key: String, value: String)]
        do { entries = try FlatJSONObject.parse(text) } catch let problem as FlatJSONObject.Problem {
            throw ConfigError.badFile(path, "\(problem)")
        }
        for (key, value) in entries { try set(key, value) }
    }
}
