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
    /// The style `--color` asks for. `auto` colours when stdout is a terminal that supports
    /// it, unless `NO_COLOR` is set or `CLICOLOR=0`; `CLICOLOR_FORCE` colours anywhere (the
    /// conventions of ripgrep, bat and git, as anstream reads them).
    pub fn detect(when: anstream::ColorChoice) -> Style {
        let choice = match when {
            anstream::ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()),
            other => other,
        };
        Style { color: choice != anstream::ColorChoice::Never }
    }

    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
}
