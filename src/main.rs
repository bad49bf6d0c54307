//! The `citedex` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 found, 1 no match, 2 error), print errors as one line.

use citedex::Outcome;
use citedex::cli::{Cli, Command};
use citedex::commands::{self, Output};
use citedex::render::Style;
use std::io::Write;
use std::process::ExitCode;

/// The system allocator for a search, mimalloc once there is bulk work (`citedex::memory`).
#[global_allocator]
static ALLOCATOR: citedex::memory::Allocator = citedex::memory::Allocator;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("citedex: internal error: {msg}; please report this with the command that caused it");
    }));
    let cli = match Cli::parse_args(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = std::panic::catch_unwind(|| run(&cli));
    match result {
        Ok(Ok(Outcome::Success)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::NoMatch)) => ExitCode::from(1),
        Ok(Err(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("citedex: error: {e:#}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    let paths = cli.globals.paths.paths()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    let style = Style::detect(cli.globals.color.into());
    let outcome = match &cli.command {
        Command::Index { rebuild, timings } => commands::index(&paths, *rebuild, *timings, &mut err)?,
        Command::Search(args) if args.count || args.files_with_matches => {
            let query = args.query.join(" ");
            let output = Output { json: args.json, style, timings: false, lines: false };
            let what = if args.count { commands::Matches::Count } else { commands::Matches::Files };
            commands::matches(&paths, &query, what, args.exact, !args.no_update, output, &mut out, &mut err)?
        }
        Command::Search(args) => {
            let query = args.query.join(" ");
            let output = Output { json: args.json, style, timings: args.timings, lines: args.json_lines };
            commands::search(&paths, &query, &args.options(), !args.no_update, output, &mut out, &mut err)?
        }
        Command::Cite { query, style: Some(csl), no_update, .. } => {
            let query = query.join(" ");
            commands::cite_styled(&paths, Some(&query), csl, !no_update, &mut out, &mut err)?
        }
        Command::Cite { query, json, format, no_update, .. } => {
            let query = query.join(" ");
            let output = Output { json: *json, style, timings: false, lines: false };
            commands::cite(&paths, Some(&query), (*format).into(), output, !no_update, &mut out, &mut err)?
        }
        Command::Eval(args) => commands::eval(
            &paths,
            &args.config(),
            Output { json: args.json, style, timings: false, lines: false },
            &mut out,
            &mut err,
        )?,
        Command::Add { files, force } => commands::add(&paths, files, *force, &mut err)?,
        Command::Serve { addr, cors } => {
            // A long-lived process answering on several threads.
            citedex::memory::bulk_work();
            let opts = citedex::serve::Options { paths: paths.clone(), addr: *addr, cors: cors.clone() };
            citedex::serve::run(&opts, &mut out, &mut err)?;
            Outcome::Success
        }
        Command::Completions { shell } => {
            citedex::cli::completions(*shell, &mut out);
            Outcome::Success
        }
        Command::Man => {
            citedex::cli::man_page(&mut out)?;
            Outcome::Success
        }
        Command::Stats { json, no_update } => {
            let output = Output { json: *json, style, timings: false, lines: false };
            commands::stats(&paths, output, !no_update, &mut out, &mut err)?
        }
        Command::List { json, no_update } => {
            let output = Output { json: *json, style, timings: false, lines: false };
            commands::list(&paths, output, !no_update, &mut out, &mut err)?
        }
        Command::Show { id, json, no_update } => {
            let output = Output { json: *json, style, timings: false, lines: false };
            commands::show(&paths, id, output, !no_update, &mut out, &mut err)?
        }
    };
    out.flush()?;
    Ok(outcome)
}

/// Help and version go to stdout as clap prints them; a usage error is one line on stderr.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    // Everything else is clap's to say, as clap says it (the argument missing, a similar
    // subcommand, the valid choices, the usage line), with one tip of citedex's own where a
    // query word was taken for an option.
    match exclusion_tip(&e) {
        Some(tip) => {
            let text = e.render().to_string();
            // After clap's own tips, before the usage line.
            let at = text.find("\n\nUsage:").unwrap_or(text.trim_end().len());
            eprint!("{}\n  tip: {tip}{}", &text[..at], &text[at..]);
        }
        None => {
            let _ = e.print();
        }
    }
    ExitCode::from(2)
}

/// `citedex search Sakhalin -Witte`: an exclusion read as an option.
fn exclusion_tip(e: &clap::Error) -> Option<&'static str> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else { return None };
    let word = arg.strip_prefix('-').is_some_and(|w| w.chars().next().is_some_and(char::is_alphanumeric));
    let takes_query = std::env::args().skip(1).any(|a| a == "search" || a == "cite");
    (word && takes_query).then_some("to exclude a word, quote the query: citedex search 'Sakhalin -Witte'")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
