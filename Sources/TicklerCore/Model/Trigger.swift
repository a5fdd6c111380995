/// What makes a rule fire: a yearly date, a recorded event, or a lapse of contact.
public enum Trigger: Sendable, Hashable {
    case date(DateTrigger)
    case after(AfterTrigger)
    case every(EveryTrigger)

    /// The three kinds, which decide the keys a rule may use and the values its template sees.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case date
        case after
        case every
    }

    public var kind: Kind {
        switch self {
        case .date: .date
        case .after: .after
        case .every: .every
        }
    }
}
