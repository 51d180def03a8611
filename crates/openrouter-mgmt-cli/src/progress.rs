//! Progress of long work (list walks of several pages, rotations, bulk assignments) on stderr: an `indicatif`
//! bar when stderr is a terminal, one line per finished step otherwise, nothing with `--no-progress`. The bar is
//! drawn through [`Out`] (a [`TermLike`] over its stderr), so progress passes the same scrubbing choke point as
//! everything else the tool prints.

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::output::Out;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Not at all (`--no-progress`).
    Off,
    /// One line per finished step (stderr is not a terminal).
    Lines,
    /// A bar redrawn in place (stderr is a terminal).
    Bar,
}

impl Mode {
    /// The mode for these flags and this stderr.
    pub(crate) fn new(no_progress: bool, stderr_is_terminal: bool) -> Self {
        match (no_progress, stderr_is_terminal) {
            (true, _) => Self::Off,
            (false, true) => Self::Bar,
            (false, false) => Self::Lines,
        }
    }
}

/// Where progress goes: the mode and the output choke point.
#[derive(Clone)]
pub(crate) struct Settings {
    /// How it is shown.
    pub(crate) mode: Mode,
    /// The choke point it is written through.
    pub(crate) out: Arc<Out>,
}

/// The progress of one piece of work, counted in steps.
pub(crate) struct Progress {
    settings: Settings,
    label: String,
    total: Option<u64>,
    done: u64,
    /// Steps before anything is shown (a list of one page shows nothing).
    quiet_below: u64,
    /// Lines held back while quiet.
    held: Vec<String>,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress of `label`, `total` steps if known, shown from the `quiet_below`-th finished step on (earlier
    /// steps are then shown too).
    pub(crate) fn new(
        settings: &Settings,
        label: &str,
        total: Option<u64>,
        quiet_below: u64,
    ) -> Self {
        Self {
            settings: settings.clone(),
            label: label.to_owned(),
            total,
            done: 0,
            quiet_below,
            held: Vec::new(),
            bar: None,
        }
    }

    /// One more step finished; `what` says which (it must hold no secret; it is scrubbed all the same).
    pub(crate) fn step(&mut self, what: &str) {
        self.done += 1;
        match self.settings.mode {
            Mode::Off => {}
            Mode::Lines => {
                let line = match self.total {
                    Some(total) => format!("{}: [{}/{total}] {what}\n", self.label, self.done),
                    None => format!("{}: [{}] {what}\n", self.label, self.done),
                };
                if self.done < self.quiet_below {
                    self.held.push(line);
                } else {
                    for held in self.held.drain(..) {
                        self.settings.out.stderr(&held);
                    }
                    self.settings.out.stderr(&line);
                }
            }
            Mode::Bar => {
                if self.done < self.quiet_below {
                    return;
                }
                match &self.bar {
                    Some(bar) => {
                        bar.set_position(self.done);
                        bar.set_message(what.to_owned());
                    }
                    None => {
                        let bar = bar(&self.settings.out, &self.label, self.total, self.done, what);
                        // While it is shown, stdout writes clear it first and redraw it after.
                        self.settings.out.set_bar(Some(bar.clone()));
                        bar.tick();
                        self.bar = Some(bar);
                    }
                }
            }
        }
    }

    /// The work is over: the bar is cleared (the lines stay).
    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            self.settings.out.set_bar(None);
            bar.finish_and_clear();
        }
    }
}

fn bar(out: &Arc<Out>, label: &str, total: Option<u64>, done: u64, what: &str) -> ProgressBar {
    let target = ProgressDrawTarget::term_like(Box::new(Stderr(Arc::clone(out))));
    let style = match total {
        Some(_) => ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        None => ProgressStyle::with_template("{prefix} {spinner} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    };
    // Built whole before the first draw, so that it never shows an empty state.
    ProgressBar::with_draw_target(total, target)
        .with_style(style)
        .with_prefix(label.to_owned())
        .with_position(done)
        .with_message(what.to_owned())
}

/// stderr, through the choke point, as a terminal for `indicatif`.
struct Stderr(Arc<Out>);

impl std::fmt::Debug for Stderr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stderr")
    }
}

impl TermLike for Stderr {
    fn width(&self) -> u16 {
        80
    }

    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'A')
    }

    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'B')
    }

    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'C')
    }

    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'D')
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.stderr(&format!("{s}\n"));
        Ok(())
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.stderr(s);
        Ok(())
    }

    fn clear_line(&self) -> std::io::Result<()> {
        self.0.stderr("\r\x1b[2K");
        Ok(())
    }

    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Stderr {
    fn escape(&self, n: usize, code: char) -> std::io::Result<()> {
        if n > 0 {
            self.0.stderr(&format!("\x1b[{n}{code}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn settings(mode: Mode) -> (Settings, Buf) {
        let err = Buf::default();
        let out = Arc::new(Out::new(Box::new(Buf::default()), Box::new(err.clone())));
        out.secret("sk-or-v1-progress-secret");
        (Settings { mode, out }, err)
    }

    fn text(buf: &Buf) -> String {
        String::from_utf8(buf.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn lines_are_one_per_step_held_back_while_quiet_and_scrubbed() {
        let (s, err) = settings(Mode::Lines);
        let mut p = Progress::new(&s, "keys list", None, 2);
        p.step("page 1");
        assert_eq!(text(&err), "", "quiet below two steps");
        p.step("page 2 sk-or-v1-progress-secret");
        p.finish();
        assert_eq!(
            text(&err),
            "keys list: [1] page 1\nkeys list: [2] page 2 <redacted>\n"
        );
    }

    #[test]
    fn the_bar_draws_through_the_choke_point_and_off_draws_nothing() {
        let (s, err) = settings(Mode::Bar);
        let mut p = Progress::new(&s, "rotate", Some(3), 1);
        p.step("sk-or-v1-progress-secret");
        p.step("two");
        p.finish();
        let drawn = text(&err);
        assert!(drawn.contains("rotate"), "{drawn:?}");
        assert!(!drawn.contains("progress-secret"), "{drawn:?}");
        let (s, err) = settings(Mode::Off);
        let mut p = Progress::new(&s, "rotate", Some(3), 1);
        p.step("one");
        p.finish();
        assert_eq!(text(&err), "");
        assert_eq!(Mode::new(true, true), Mode::Off);
        assert_eq!(Mode::new(false, true), Mode::Bar);
        assert_eq!(Mode::new(false, false), Mode::Lines);
    }
}
