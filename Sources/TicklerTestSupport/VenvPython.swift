import Foundation

/// The Python of the virtual environment `bin/setup` makes at `.build-python/` in the repository:
/// Debian's Python (`/usr/bin/python3`) with the PyPI packages the tests use (`standardwebhooks`,
/// `apprise`) on top of Debian's own packages (it is made with `--system-site-packages`).
public enum VenvPython {
    /// `<repository>/.build-python/bin/python3`.
    public static let path = RepositoryRoot.path(".build-python/bin/python3")

    /// Whether `bin/setup` has made the environment.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }
}
