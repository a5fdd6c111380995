/// `${NAME}` references to environment variables inside configuration values.
public enum EnvironmentReferences {
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
        public var offset: Int
    }

    /// The variable names referenced by `text`, or the first malformed reference.
    public static func names(in text: String) -> Result<[String], Problem> {
        let scalars = Array(text.unicodeScalars)
        var names: [String] = []
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                return .failure(Problem(message: "'${' without a closing '}'", offset: index))
            }
            let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            let valid =
                !name.isEmpty
                && name.unicodeScalars.enumerated().allSatisfy { offset, s in
                    s.isASCIIAlphanumeric && !(offset == 0 && ("0"..."9").contains(s)) || s == "_"
                }
            guard valid else {
                return .failure(Problem(message: "invalid environment variable name '\(name)'", offset: index + 2))
            }
            names.append(name)
            index = close + 1
        }
        return .success(names)
    }

    /// `text` with every `${NAME}` replaced by its value in `environment`, and the values used (so
    /// callers can keep them out of messages). `what` names the setting in the problem
    /// ("the channel's url"): a malformed reference, or a variable that is not set.
    public static func expand(_ text: String, environment: [String: String], what: String)
        -> Result<(text: String, values: [String]), Problem>
    {
        let names: [String]
        switch self.names(in: text) {
        case .success(let found): names = found
        case .failure(let problem):
            return .failure(Problem(message: "\(what) is malformed: \(problem.message)", offset: problem.offset))
        }
        var expanded = text
        var values: [String] = []
        for name in Set(names).sorted() {
            guard let value = environment[name] else {
                return .failure(
                    Problem(message: "environment variable '\(name)', used in \(what), is not set", offset: 0))
            }
            expanded = expanded.replacing("${\(name)}", with: value)
            values.append(value)
        }
        return .success((expanded, values))
    }
}
