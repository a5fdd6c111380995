import TicklerCore
import Yams

/// A node of a parsed YAML file with its place in the file.
///
/// A thin view over Yams' node tree: children are wrapped on demand, so a document whose aliases
/// expand to millions of nodes costs nothing until a reader walks into it (and readers walk only
/// as deep as the configuration's shape).
public struct YAMLNode {
    let node: Node
    public let path: String

    init(_ node: Node, path: String) {
        self.node = node
        self.path = path
    }

    public var location: SourceLocation {
        let mark = node.mark
        return SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The text of a scalar; `nil` for lists and maps.
    public var scalar: String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    /// Whether the scalar was written in quotes (`"08-15"`) rather than plain (`08-15`).
    public var isQuoted: Bool {
        if case .scalar(let scalar) = node { return scalar.style != .plain && scalar.style != .any }
        return false
    }

    /// `~`, `null` or nothing at all, written without quotes.
    public var isNull: Bool {
        guard case .scalar(let scalar) = node, !isQuoted else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The items of a list; `nil` for scalars and maps.
    public var items: [YAMLNode]? {
        if case .sequence(let sequence) = node { return sequence.map { YAMLNode($0, path: path) } }
        return nil
    }

    /// The key–value pairs of a map in file order, with `<<: *alias` merge keys expanded
    /// (keys written in the map itself win over merged ones); `nil` for scalars and lists.
    public var pairs: [(key: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let mapping) = node else { return nil }
        var own: [(key: YAMLNode, value: YAMLNode)] = []
        var merged: [(key: YAMLNode, value: YAMLNode)] = []
        for (key, value) in mapping {
            if case .scalar(let scalar) = key, scalar.string == "<<", scalar.style == .plain {
                let sources = value.sequence.map(Array.init) ?? [value]
                for source in sources {
                    merged.append(contentsOf: YAMLNode(source, path: path).pairs ?? [])
                }
            } else {
                own.append((YAMLNode(key, path: path), YAMLNode(value, path: path)))
            }
        }
        let ownKeys = Set(own.compactMap(\.key.scalar))
        var seen = Set<String>()
        let inherited = merged.filter { pair in
            guard let name = pair.key.scalar else { return true }
            return !ownKeys.contains(name) && seen.insert(name).inserted
        }
        return own + inherited
    }

    /// How the node reads in a message: "a string", "a list", "a map".
    public var kindDescription: String {
        switch node {
        case .scalar: return isNull ? "nothing" : "a string"
        case .sequence: return "a list"
        case .mapping: return "a map"
        case .alias: return "an alias"
        }
    }

    /// The location of the scalar's text after `offset` scalars, accounting for an opening quote.
    public func location(atScalarOffset offset: Int) -> SourceLocation {
        location.advanced(by: offset + (isQuoted ? 1 : 0))
    }
}
