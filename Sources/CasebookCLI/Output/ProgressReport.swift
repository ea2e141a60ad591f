import Foundation

/// How far `verify` or `rebuild` has got, on standard error.
///
/// On a terminal: one line, rewritten in place, from the moment the run has taken more
/// than a second (a quick run shows nothing) and cleared at the end. When standard error
/// is not a terminal, nothing unless `--progress` is given; then one line at the start,
/// at most one a second after, and a last line with the total, for a log file.
final class ProgressReport {
    /// Where to write, and whether it is a terminal.
    struct Sink {
        var write: (String) -> Void
        var isTerminal: Bool
    }

    private let label: String
    private let sink: Sink
    private let isShown: Bool
    private let seconds: () -> Double
    private let started: Double
    private var lastShown: Double?
    private var showsLine = false

    /// `forced`: `--progress` was given; `seconds` a monotonic clock (injected by tests).
    init(_ label: String, sink: Sink, forced: Bool, seconds: @escaping () -> Double = ProgressReport.monotonicSeconds) {
        self.label = label
        self.seconds = seconds
        started = seconds()
        self.sink = sink
        isShown = sink.isTerminal || forced
    }

    /// Takes the events done so far and the total.
    func update(_ done: Int, _ total: Int) {
        guard isShown else { return }
        let now = seconds()
        if sink.isTerminal {
            guard now - started >= 1, lastShown.map({ now - $0 >= 0.1 }) ?? true else { return }
            sink.write("\r\u{1B}[K" + text(done, total))
            showsLine = true
        } else {
            guard lastShown.map({ now - $0 >= 1 }) ?? true else { return }
            sink.write(text(done, total) + "\n")
        }
        lastShown = now
    }

    /// Ends the report: clears the terminal's line, or writes the total.
    func finish(_ total: Int) {
        guard isShown else { return }
        if sink.isTerminal {
            if showsLine { sink.write("\r\u{1B}[K") }
        } else {
            sink.write(text(total, total) + String(format: " in %.1f s", seconds() - started) + "\n")
        }
    }

    private func text(_ done: Int, _ total: Int) -> String {
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        return "\(label): \(done) of \(total) events (\(percent)%)"
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
