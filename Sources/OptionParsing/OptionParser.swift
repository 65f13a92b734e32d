/// A command-line mistake, with a message that says what to do.
public enum OptionError: Error, Equatable, CustomStringConvertible {
    case unknownOption(command: String, option: String, suggestion: String?)
    case missingValue(command: String, option: String, placeholder: String)
    case malformedValue(command: String, option: String, value: String, expected: String)
    case missingRequired(command: String, option: String)
    case unexpectedArgument(command: String, argument: String)
    case missingArgument(command: String, placeholder: String)
    case repeatedOption(command: String, option: String)

    public var description: String {
        switch self {
        case let .unknownOption(command, option, suggestion):
            let hint = suggestion.map { " Did you mean --\($0)?" } ?? ""
            return "unknown option '\(option)' for `mtrl-dist \(command)`.\(hint) See `mtrl-dist \(command) --help`."
        case let .missingValue(command, option, placeholder):
            return "option --\(option) of `mtrl-dist \(command)` needs a value (\(placeholder))."
        case let .malformedValue(command, option, value, expected):
            return "invalid value '\(value)' for --\(option) of `mtrl-dist \(command)`: expected \(expected)."
        case let .missingRequired(command, option):
            return "`mtrl-dist \(command)` needs --\(option). See `mtrl-dist \(command) --help`."
        case let .unexpectedArgument(command, argument):
            return "unexpected argument '\(argument)' for `mtrl-dist \(command)`. See `mtrl-dist \(command) --help`."
        case let .missingArgument(command, placeholder):
            return "`mtrl-dist \(command)` needs \(placeholder). See `mtrl-dist \(command) --help`."
        case let .repeatedOption(command, option):
            return "option --\(option) given twice to `mtrl-dist \(command)`; give it once."
        }
    }
}

/// The options and positional arguments of one command line, typed on access.
public struct ParsedOptions: Sendable {
    public let command: CommandSpec
    public let values: [String: String]
    public let flags: Set<String>
    public let positionals: [String]
    public let wantsHelp: Bool

    /// The raw value of `--name` (or its default).
    public func string(_ name: String) -> String? { values[name] ?? spec(name)?.defaultValue }

    /// `--name` as a required string.
    public func requiredString(_ name: String) throws -> String {
        guard let v = string(name) else { throw OptionError.missingRequired(command: command.name, option: name) }
        return v
    }

    /// `--name` parsed as an integer within `range`.
    public func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let raw = string(name) else { return nil }
        guard let v = Int(raw), range.contains(v) else {
            let bound = range == Int.min...Int.max ? "an integer" : "an integer in \(range.lowerBound)...\(range.upperBound)"
            throw OptionError.malformedValue(command: command.name, option: name, value: raw, expected: bound)
        }
        return v
    }

    /// `--name` parsed as a finite number within `range`.
    public func double(_ name: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        throws -> Double?
    {
        guard let raw = string(name) else { return nil }
        guard let v = Double(raw), v.isFinite, range.contains(v) else {
            throw OptionError.malformedValue(command: command.name, option: name, value: raw,
                                             expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// `--name` parsed as one of an enum's raw values.
    public func choice<E: RawRepresentable & CaseIterable>(_ name: String, as type: E.Type) throws -> E?
    where E.RawValue == String {
        guard let raw = string(name) else { return nil }
        guard let v = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw OptionError.malformedValue(command: command.name, option: name, value: raw, expected: "one of \(allowed)")
        }
        return v
    }

    /// Whether the switch `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether `--name` was given explicitly (not defaulted).
    public func isSet(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    private func spec(_ name: String) -> OptionSpec? { command.options.first { $0.name == name } }
}

/// Hand-written parser for `--name value`, `--name=value` and `--flag` arguments.
public enum OptionParser {
    /// Parses `arguments` (after the command words) against `command`.
    /// - Throws: `OptionError` for unknown, malformed, repeated or missing options.
    public static func parse(_ arguments: [String], for command: CommandSpec) throws -> ParsedOptions {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        var wantsHelp = false
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if argument == "--help" || argument == "-h" { wantsHelp = true; continue }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument.hasPrefix("-") && argument.count > 1 && Double(argument) == nil {
                    throw OptionError.unknownOption(command: command.name, option: argument, suggestion: nil)
                }
                guard command.positionals != nil else {
                    throw OptionError.unexpectedArgument(command: command.name, argument: argument)
                }
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                throw OptionError.unknownOption(command: command.name, option: "--\(name)",
                                                suggestion: closest(to: name, in: command.options.map(\.name)))
            }
            if values[name] != nil || flags.contains(name) {
                throw OptionError.repeatedOption(command: command.name, option: name)
            }
            switch option.kind {
            case .flag:
                if let inlineValue {
                    throw OptionError.malformedValue(command: command.name, option: name, value: inlineValue,
                                                     expected: "no value (it is a switch)")
                }
                flags.insert(name)
            case .value(let placeholder):
                if let inlineValue {
                    values[name] = inlineValue
                } else {
                    guard i < arguments.count, !(arguments[i].hasPrefix("--") && arguments[i].count > 2) else {
                        throw OptionError.missingValue(command: command.name, option: name, placeholder: placeholder)
                    }
                    values[name] = arguments[i]
                    i += 1
                }
            }
        }
        if !wantsHelp {
            for option in command.options where option.isRequired && values[option.name] == nil {
                throw OptionError.missingRequired(command: command.name, option: option.name)
            }
        }
        return ParsedOptions(command: command, values: values, flags: flags, positionals: positionals, wantsHelp: wantsHelp)
    }

    /// The candidate closest to `name` by edit distance, if reasonably close.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(Array(name), Array($0))) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let keep = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = keep
            }
        }
        return row[b.count]
    }
}
