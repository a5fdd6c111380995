extension Owner {
    /// `digest: { at: "08:30", channel: email, template: digest }` — one message a day carrying
    /// everything that `digest: true` rules have due for this person on their day.
    public struct Digest: Sendable, Hashable {
        /// The wall-clock time in the owner's zone it goes out at.
        public var at: TimeOfDay
        public var channel: String
        public var template: String
        /// Where `digest:` is written, and where its `template:` is, for diagnostics.
        public var location: SourceLocation
        public var templateLocation: SourceLocation
        public var channelLocation: SourceLocation

        public init(
            at: TimeOfDay, channel: String, template: String, location: SourceLocation,
            templateLocation: SourceLocation? = nil, channelLocation: SourceLocation? = nil
        ) {
            self.at = at
            self.channel = channel
            self.template = template
            self.location = location
            self.templateLocation = templateLocation ?? location
            self.channelLocation = channelLocation ?? location
        }
    }
}
