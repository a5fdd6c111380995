import TicklerCore

extension ConfigParser.Builder {
    mutating func parseRules(owners: [String: Owner], channels: [String: Channel]) -> [Rule] {
        guard let node = map.value("rules", diagnostics: &diagnostics) else { return [] }
        guard let items = node.items else {
            diagnostics.error(
                "'rules' must be a list of rules, not \(node.kindDescription)", at: node.location,
                notes: [.init("start each rule with '- name: …'")])
            return []
        }
        var rules: [Rule] = []
        var names: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            guard let rule = parseRule(item, number: index + 1, channels: channels) else { continue }
            if let first = names[rule.name] {
                diagnostics.error(
                    "duplicate rule name '\(rule.name)'", at: rule.location,
                    notes: [
                        .init("rule names must be unique: they are part of every occurrence key"),
                        .init("'\(rule.name)' is first used here", at: first),
                    ])
                continue
            }
            names[rule.name] = rule.location
            rules.append(rule)
        }
        return rules
    }

    private mutating func parseRule(_ node: YAMLNode, number: Int, channels: [String: Channel]) -> Rule? {
        let nameNode = node.pairs?.first { $0.key.scalar == "name" }?.value
        let declaredName = nameNode?.scalar.flatMap { $0.isEmpty ? nil : $0 }
        let context = declaredName.map { "rule '\($0)'" } ?? "rule \(number)"
        guard let map = MappingReader(node, context: context, allowed: ConfigKeys.rule, diagnostics: &diagnostics)
        else { return nil }
        var valid = true
        var name = ""
        if let (text, node) = map.required(
            "name", diagnostics: &diagnostics, note: "every rule needs a unique name, e.g. 'name: birthday-greeting'")
        {
            valid = Names.rule.check(text, at: node, diagnostics: &diagnostics) && valid
            name = text
        } else {
            valid = false
        }
        let trigger = parseTrigger(map)
        let recipient = map.choice("to", as: Rule.Recipient.self, diagnostics: &diagnostics)
        if !map.has("to") {
            diagnostics.error(
                "\(context) is missing 'to'", at: node.location,
                notes: [.init("'to' is one of 'contact', 'owner' or 'manager'")])
        }
        var channel: String?
        if let (text, node) = map.required(
            "channel", diagnostics: &diagnostics, note: "name one of the channels under 'channels:'")
        {
            if channels[text] != nil {
                channel = text
            } else {
                let known = channels.keys.sorted()
                diagnostics.error(
                    "unknown channel '\(text)' in \(context)", at: node.location(atScalarOffset: 0),
                    notes: Suggestion.note(for: text, in: known) + [
                        .init(
                            known.isEmpty ? "no channels are configured" : "channels: \(known.joined(separator: ", "))")
                    ])
            }
        }
        var template: String?
        var templateLocation: SourceLocation?
        if let (text, node) = map.required(
            "template", diagnostics: &diagnostics,
            note: "name a template file in the templates directory, without '.txt'")
        {
            if Names.template.check(text, at: node, diagnostics: &diagnostics) { template = text }
            templateLocation = node.location(atScalarOffset: 0)
        }
        let filter = parseFilter(map)
        var at: TimeOfDay?
        if let (text, node) = map.string("at", diagnostics: &diagnostics) {
            at = TimeOfDay.parse(text)
            if at == nil {
                diagnostics.error(
                    "invalid time '\(text)' for 'at' in \(context)", at: node.location(atScalarOffset: 0),
                    notes: [.init("write a 24-hour time as HH:MM, e.g. '09:00' or '18:30'")])
            }
        }
        let window = parseWindow(map)
        let catchUp = map.duration("catch_up", diagnostics: &diagnostics)
        let digest = map.boolean("digest", diagnostics: &diagnostics) ?? false
        guard valid, let trigger, let recipient, let channel, let template else { return nil }
        return Rule(
            name: name, trigger: trigger, recipient: recipient, channel: channel, template: template,
            filter: filter, at: at, window: window, catchUp: catchUp,
            location: map.key("name")?.location ?? node.location,
            templateLocation: templateLocation, digest: digest)
    }

    /// Exactly one of `date`, `after`, `every`, and only the keys that belong to it.
    private mutating func parseTrigger(_ map: MappingReader) -> Trigger? {
        let kinds = Trigger.Kind.allCases.filter { map.has($0.rawValue) }
        guard let kind = kinds.first else {
            diagnostics.error(
                "\(map.context) has no trigger", at: map.node.location,
                notes: [
                    .init("add one of 'date:' (a yearly date), 'after:' (an event) or 'every:' (a lapse of contact)")
                ])
            return nil
        }
        if kinds.count > 1 {
            let second = kinds[1].rawValue
            diagnostics.error(
                "\(map.context) has both '\(kind.rawValue)' and '\(second)'", at: map.key(second)!.location,
                notes: [.init("a rule has exactly one trigger; split it into two rules")])
            return nil
        }
        var misplaced = false
        for key in map.orderedKeys {
            guard let owner = ConfigKeys.kind(owning: key), owner != kind else { continue }
            diagnostics.error(
                "'\(key)' applies only to '\(owner.rawValue)' rules, not to \(map.context)", at: map.key(key)!.location,
                notes: [
                    .init(
                        "this rule is an '\(kind.rawValue)' rule; its keys are \(ConfigKeys.ruleTrigger[kind]!.quotedList)"
                    )
                ])
            misplaced = true
        }
        let trigger: Trigger?
        switch kind {
        case .date: trigger = dateTrigger(map).map(Trigger.date)
        case .after: trigger = afterTrigger(map).map(Trigger.after)
        case .every: trigger = everyTrigger(map).map(Trigger.every)
        }
        return misplaced ? nil : trigger
    }

    private mutating func dateTrigger(_ map: MappingReader) -> DateTrigger? {
        guard let (text, node) = map.string("date", diagnostics: &diagnostics) else { return nil }
        let field: DateTrigger.Field
        switch text {
        case "birthday": field = .birthday
        case "lunar_birthday": field = .lunarBirthday
        case _ where text.hasPrefix("lunar ") || text.hasPrefix("term ") || Self.looksLikeMonthDay(text):
            guard let fixed = fixedDate(text, at: node, context: map.context) else { return nil }
            field = fixed
        default:
            let name = text.hasPrefix("dates.") ? String(text.dropFirst(6)) : text
            guard !name.isEmpty,
                name.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "_" || $0 == "-" })
            else {
                diagnostics.error(
                    "invalid date field '\(text)' in \(map.context)", at: node.location(atScalarOffset: 0),
                    notes: [
                        .init(
                            "'date' is 'birthday', 'lunar_birthday', the name of a date under a contact's 'dates:', or a"
                                + " date the same for every contact: 'MM-DD', 'lunar MM-DD' or 'term NAME'")
                    ])
                return nil
            }
            field = .custom(name)
        }
        var leads: [TimeSpan] = [TimeSpan(0, .days)]
        if let items = map.stringList("before", diagnostics: &diagnostics) {
            leads = []
            for (text, node) in items {
                guard
                    let span = MappingReader.duration(
                        text, at: node, key: "before", context: map.context, diagnostics: &diagnostics)
                else { continue }
                guard span.calendarDays != nil else {
                    diagnostics.error(
                        "lead time '\(text)' in \(map.context) is not in days", at: node.location(atScalarOffset: 0),
                        notes: [
                            .init(
                                "lead times count calendar days back from the date: write them in d or w, e.g. '3d'; use 'at' for the time of day"
                            )
                        ])
                    continue
                }
                if leads.contains(where: { $0.calendarDays == span.calendarDays }) {
                    diagnostics.error(
                        "lead time '\(text)' is given twice in \(map.context)", at: node.location(atScalarOffset: 0))
                    continue
                }
                leads.append(span)
            }
            if items.isEmpty, let key = map.key("before") {
                diagnostics.error(
                    "'before' in \(map.context) is an empty list", at: key.location,
                    notes: [.init("leave it out to fire on the day itself ('[0d]')")])
            }
        }
        let feb29 = map.choice("feb29", as: DateTrigger.Feb29Policy.self, diagnostics: &diagnostics) ?? .feb28
        if field.isLunar || field.isTerm, let key = map.key("feb29") {
            diagnostics.error(
                "'feb29' does not apply to '\(field)' in \(map.context)", at: key.location,
                notes: [
                    .init(
                        field.isLunar
                            ? "lunar dates have no February 29; day 30 of a short month falls on day 29"
                            : "a solar term falls on its own day each year")
                ])
        }
        return DateTrigger(field: field, leads: leads, feb29: feb29)
    }

    private mutating func afterTrigger(_ map: MappingReader) -> AfterTrigger? {
        guard let type = eventType("after", in: map) else { return nil }
        let delay = map.duration("delay", workdays: true, diagnostics: &diagnostics) ?? TimeSpan(0, .minutes)
        let unless = eventType("unless", in: map)
        if let unless, unless == type, let node = map.value("unless", diagnostics: &diagnostics) {
            diagnostics.error(
                "'unless' names the same event type as 'after' in \(map.context)", at: node.location(atScalarOffset: 0),
                notes: [
                    .init(
                        "'unless' is the event that closes the matter, e.g. 'after: callback-requested' with 'unless: callback-done'"
                    )
                ])
        }
        var repeatEvery = map.duration("repeat", diagnostics: &diagnostics)
        if let span = repeatEvery, span.seconds < 60, let node = map.value("repeat", diagnostics: &diagnostics) {
            diagnostics.error(
                "'repeat' of '\(span)' in \(map.context) is too short", at: node.location(atScalarOffset: 0),
                notes: [.init("nag at most once a minute: use '1m' or more")])
            repeatEvery = nil
        }
        let maxOverdue = map.duration("max_overdue", diagnostics: &diagnostics) ?? TimeSpan(7, .days)
        if repeatEvery == nil, !map.has("repeat"), let key = map.key("max_overdue") {
            diagnostics.warning(
                "'max_overdue' has no effect without 'repeat' in \(map.context)", at: key.location,
                notes: [.init("'max_overdue' says when repeated reminders stop")])
        }
        return AfterTrigger(
            eventType: type, delay: delay, unless: unless, repeatEvery: repeatEvery, maxOverdue: maxOverdue)
    }

    private mutating func everyTrigger(_ map: MappingReader) -> EveryTrigger? {
        guard let period = map.duration("every", diagnostics: &diagnostics) else { return nil }
        if period.seconds < 3_600, let node = map.value("every", diagnostics: &diagnostics) {
            diagnostics.error(
                "period '\(period)' in \(map.context) is too short", at: node.location(atScalarOffset: 0),
                notes: [.init("'every' is the longest a contact may go without interaction, e.g. '14d'; at least '1h'")]
            )
            return nil
        }
        var since: [String]?
        if let items = map.stringList("since", diagnostics: &diagnostics) {
            since = items.compactMap { text, node in checkEventType(text, at: node) ? text : nil }
        }
        let spread = map.duration("spread", diagnostics: &diagnostics) ?? TimeSpan(0, .days)
        return EveryTrigger(period: period, since: since, spread: spread)
    }

    private mutating func eventType(_ key: String, in map: MappingReader) -> String? {
        guard let (text, node) = map.string(key, diagnostics: &diagnostics) else { return nil }
        return checkEventType(text, at: node) ? text : nil
    }

    private mutating func checkEventType(_ text: String, at node: YAMLNode) -> Bool {
        if Names.isEventType(text) { return true }
        if Names.eventType.check(text, at: node, diagnostics: &diagnostics) {
            diagnostics.error(
                "invalid event type '\(text)'", at: node.location(atScalarOffset: 0),
                notes: [.init(Names.eventType.explanation)])
        }
        return false
    }

    private mutating func parseFilter(_ map: MappingReader) -> ContactFilter {
        guard let node = map.value("where", diagnostics: &diagnostics) else { return ContactFilter() }
        guard let pairs = node.pairs else {
            diagnostics.error(
                "'where' in \(map.context) must be a map of field: value", at: node.location,
                notes: [.init("e.g. 'where: { tier: key }' or 'where: { tags: [vip, partner] }'")])
            return ContactFilter()
        }
        var conditions: [ContactFilter.Condition] = []
        for (key, value) in pairs {
            guard let field = key.scalar, !key.isNull else {
                diagnostics.error("fields in 'where' must be plain words", at: key.location)
                continue
            }
            let items = value.items ?? [value]
            var values: [String] = []
            for item in items {
                guard let text = item.scalar, !item.isNull else {
                    diagnostics.error(
                        "'where' field '\(field)' in \(map.context) takes a value or a list of values, not \(item.kindDescription)",
                        at: item.location)
                    continue
                }
                values.append(text)
            }
            if items.isEmpty {
                diagnostics.error(
                    "'where' field '\(field)' in \(map.context) has an empty list; it would match nobody",
                    at: value.location)
            }
            conditions.append(ContactFilter.Condition(field: field, values: values, location: key.location))
        }
        return ContactFilter(conditions)
    }

    private mutating func parseWindow(_ map: MappingReader) -> Window? {
        guard let items = map.stringList("window", diagnostics: &diagnostics) else { return nil }
        var spans: [Window.Span] = []
        for (text, node) in items {
            switch Window.parse(text) {
            case .success(let parsed): spans.append(contentsOf: parsed)
            case .failure(let problem):
                diagnostics.error(
                    problem.message, at: node.location(atScalarOffset: problem.offset), notes: [.init(problem.note)])
                return nil
            }
        }
        return spans.isEmpty ? nil : Window(spans: spans, text: items.map(\.text).joined(separator: ", "))
    }

    /// Whether a `date:` is shaped like a Gregorian month and day (`12-25`).
    static func looksLikeMonthDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 5 && bytes[2] == UInt8(ascii: "-")
            && [0, 1, 3, 4].allSatisfy { (0x30...0x39).contains(bytes[$0]) }
    }

    /// A date that is the same for every contact: `"MM-DD"`, `"lunar MM-DD"` or `"term NAME"`.
    private mutating func fixedDate(_ text: String, at node: YAMLNode, context: String) -> DateTrigger.Field? {
        if text.hasPrefix("term ") {
            let name = String(text.dropFirst(5))
            if let term = SolarTerm.named(name) { return .term(term) }
            diagnostics.error(
                "unknown solar term '\(name)' in \(context)", at: node.location(atScalarOffset: 5),
                notes: Suggestion.note(for: name.lowercased(), in: SolarTerm.pinyinNames) + [
                    .init("the 24 terms in pinyin: \(SolarTerm.pinyinNames.joined(separator: " "))")
                ])
            return nil
        }
        if text.hasPrefix("lunar ") {
            let date = String(text.dropFirst(6))
            switch LunarDate.parse(date) {
            case .success(let lunar): return .lunar(lunar)
            case .failure(let error):
                diagnostics.error(
                    "invalid lunar date '\(date)' in \(context)", at: node.location(atScalarOffset: 6),
                    notes: [.init(error.reason), .init("e.g. 'lunar 01-01' for 春节, 'lunar 08-15' for 中秋")])
                return nil
            }
        }
        switch PartialDate.parse("--" + text) {
        case .success(let date): return .gregorian(date)
        case .failure(let error):
            diagnostics.error(
                "invalid date '\(text)' in \(context)", at: node.location(atScalarOffset: 0),
                notes: [.init(error.reason), .init("a fixed date is 'MM-DD', e.g. '12-25' for Christmas")])
            return nil
        }
    }
}
