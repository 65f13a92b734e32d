/// One option a command accepts: `--name VALUE` or a `--name` switch.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable { case value(placeholder: String), flag }
    public let name: String
    public let kind: Kind
    public let help: String
    /// Shown in help; nil means "no default" (optional or required, see `isRequired`).
    public let defaultValue: String?
    public let isRequired: Bool

    /// An option that takes a value.
    public static func value(_ name: String, _ placeholder: String, _ help: String, default defaultValue: String? = nil,
                             required: Bool = false) -> OptionSpec {
        OptionSpec(name: name, kind: .value(placeholder: placeholder), help: help, defaultValue: defaultValue,
                   isRequired: required)
    }

    /// A switch without a value.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .flag, help: help, defaultValue: nil, isRequired: false)
    }
}

/// A (sub)command: its name path, one-line summary, options and positional arguments.
public struct CommandSpec: Sendable {
    /// e.g. "env check-trace".
    public let name: String
    public let summary: String
    public let options: [OptionSpec]
    /// Placeholder of the positional arguments (e.g. "FILE..."), nil if none are accepted.
    public let positionals: String?
    /// Extra help paragraph printed after the options.
    public let discussion: String?

    public init(name: String, summary: String, options: [OptionSpec], positionals: String? = nil,
                discussion: String? = nil) {
        self.name = name
        self.summary = summary
        self.options = options
        self.positionals = positionals
        self.discussion = discussion
    }

    /// The `--help` text.
    public var helpText: String {
        var lines = ["USAGE: mtrl-dist \(name)\(options.isEmpty ? "" : " [options]")\(positionals.map { " \($0)" } ?? "")", "",
                     summary]
        if !options.isEmpty {
            lines.append("")
            lines.append("OPTIONS:")
            for option in options + [.flag("help", "Show this help.")] {
                var left = "  --\(option.name)"
                if case .value(let placeholder) = option.kind { left += " \(placeholder)" }
                var right = option.help
                if option.isRequired { right += " (required)" }
                if let d = option.defaultValue { right += " (default: \(d))" }
                let pad = max(1, 30 - left.count)
                lines.append(left + String(repeating: " ", count: pad) + right)
            }
        }
        if let discussion { lines += ["", discussion] }
        return lines.joined(separator: "\n")
    }
}
