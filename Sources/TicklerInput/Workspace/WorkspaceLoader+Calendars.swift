import TicklerCore

extension WorkspaceLoader {
    /// Reads the calendar files named under `calendars:`, each by its format; a file that is missing
    /// or has errors is reported with its place, like a contacts file.
    static func loadCalendars(_ config: Config, reader: SourceReader, diagnostics: inout Diagnostics)
        -> [String: HolidayCalendar]
    {
        var calendars: [String: HolidayCalendar] = [:]
        for (name, file) in config.calendarFiles.sorted(by: { $0.key < $1.key }) {
            guard let source = SourceText.read(listed: file, "calendar file", from: reader, diagnostics: &diagnostics)
            else { continue }
            let (calendar, fileDiagnostics) =
                switch CalendarFileFormat(path: file.path) {
                case .iCalendar: ICSCalendarReader.parse(source, name: name)
                case .yaml, nil: YAMLCalendarReader.parse(source, name: name)
                }
            diagnostics.append(contentsOf: fileDiagnostics)
            calendars[name] = calendar
        }
        return calendars
    }
}
