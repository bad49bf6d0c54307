//! A progress bar for long index runs: on stderr, only when stderr is a terminal, and only
//! once a run has taken more than a moment. Pipes and CI logs never see it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(400);

/// Progress of an index run, in files.
pub struct Progress {
    enabled: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar that shows itself only on a terminal.
    pub fn for_stderr() -> Progress {
        Progress { enabled: std::io::stderr().is_terminal(), started: Instant::now(), bar: None }
    }

    /// `done` of `total` files read.
    pub fn update(&mut self, done: u64, total: u64) {
        if !self.enabled || (self.bar.is_none() && self.started.elapsed() < DELAY) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{spinner} indexing {bar:30} {pos}/{len} files, {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        bar.set_position(done);
    }

    /// Removes the bar, if shown.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
