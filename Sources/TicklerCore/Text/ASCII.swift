extension Unicode.Scalar {
    /// `a`–`z`, `A`–`Z` or `0`–`9`: the letters and digits of names (rules, channels, owners,
    /// environment variables, language subtags).
    public var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
