import TicklerCore

/// Lexical path arithmetic for paths written in configuration files, which are relative to the
/// file that names them. No file system access: `..` is resolved on the text.
public enum Paths {
    /// The directory part of `path` (`etc` for `etc/tickler.yaml`, `.` for `tickler.yaml`).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `relative` resolved against `directory`; absolute paths are returned normalized.
    public static func resolve(_ relative: String, against directory: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        if directory == "." || directory.isEmpty { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    /// Removes `.` and empty components and folds `name/..` pairs, keeping leading `..`.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
