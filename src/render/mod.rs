//! Output: turning results into text for people and JSON for programs. Every renderer takes
//! an `impl Write`, so tests capture output in memory.

pub mod bibtex;
pub mod csl;
pub mod json;
pub mod progress;
pub mod styled;
pub mod text;

/// How text output may be decorated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colors and bold.
    pub color: bool,
}

impl Style {
    /// Color when `stdout` is a terminal and `NO_COLOR` is not set.
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { color: std::io::stdout().is_terminal() && !no_color }
    }

    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
}
