/// The checkout this test build was compiled from, for tests that read `etc/`, `templates/` or `README.md`.
public enum RepositoryRoot {
    /// The absolute path of the repository root (the directory holding `Package.swift`), derived from this
    /// file's own path at compile time: `Sources/TicklerTestSupport/RepositoryRoot.swift` → `../..`.
    public static let path: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let root = parts.joined(separator: "/")
        return root.isEmpty ? "/" : root
    }()

    /// The absolute path of `relativePath` inside the repository (`RepositoryRoot.path("etc/tickler.yaml")`).
    public static func path(_ relativePath: String) -> String {
        path + "/" + relativePath
    }
}
