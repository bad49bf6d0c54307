//! Command-line arguments (clap derive). Only types and their conversion to the plain
//! configuration of [`crate::commands`]; no logic.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const QUERY_HELP: &str = "\
Query language:
  treaty portsmouth       words; any may match, rarer words weigh more
  \"Building 86\"           a phrase
  +Sakhalin               required
  Sakhalin AND Korea      both required (also &&)
  -Witte, NOT Witte       exclude a word or phrase (also !Witte)
  Sakhalin OR Korea       either word (also ||)
  (Sakhalin OR Korea) AND treaty
                          parentheses group
  negoti*                 prefix
  doc:portsmouth          document title or slug
  section:effects         section heading
  kind:reference          body, caption, reference, link or note
  author:jukes            reference author
  year:1905, year:1900..1910, year:..1950
                          reference year or range
A filter can be excluded too: -kind:note.
--expand adds the words most common in the best hits (RM3) and searches again.
Typos are corrected: a word found nowhere in the index, of at least 5
letters, becomes the nearest indexed word starting with the same letter (one
edit, two from 9 letters), unless the query already has 4 known words or
--exact is given.

Examples:
  citedex search Sakhalin reparations
  citedex search '\"Hibiya riots\"' --json
  citedex search 'Witte -memoirs kind:body' --limit 3";

const EVAL_HELP: &str = "\
Queries file, either format (told apart by content):
  1<TAB>heat conduction in composite slabs     TSV: id, tab, query (# lines skipped)
  <top> <num> Number: 401 <title> ... </top>   TREC topics: the <title> is the query
Qrels (TREC): one `qid iter docid grade` per line; grade > 0 is relevant and is the
gain for nDCG. Queries without a relevant judgement are skipped.

Each query is searched DEPTH hits deep; a hit counts its passage, then the passages
folded into it. At the document level (the default) a document ranks by its best
passage and its id is its file name without extension (corpus/d00017.wiki -> d00017),
or its slug when only the slug is judged. At the passage level ids are passage ids.
Measures (trec_eval's): nDCG@10, MAP@DEPTH, R@DEPTH (recall), MRR@10.

Examples:
  citedex eval --queries queries.tsv --qrels qrels.txt
  citedex eval --queries topics.txt --qrels qrels.txt --per-query --run run.txt
  citedex eval --queries q.tsv --qrels passages.qrels --level passage --json";

/// Full-text search for source texts that carry references: ranked, highlighted passages,
/// each with an exact citation.
#[derive(Debug, Parser)]
#[command(name = "citedex", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  citedex search Sakhalin reparations\n  citedex index --rebuild\n  citedex show treaty-of-portsmouth/effects/1"
)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, Args)]
pub struct Globals {
    #[command(flatten)]
    pub paths: PathArgs,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR or CLICOLOR=0; or
    /// anywhere with CLICOLOR_FORCE), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// A search's command line, parsed without building the other commands' arguments (clap
/// builds every command's before it parses; see [`Cli::parse_args`]).
#[derive(Debug, Parser)]
#[command(name = "citedex", version, about, long_about = None)]
struct SearchCli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: SearchCommand,
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Search the corpus (the index is built first if there is none).
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
}

impl Cli {
    /// Parses a command line (the program's name first). `citedex search …`, the command run
    /// most often and in the least time, is parsed by [`SearchCli`], which knows that command
    /// alone: building every command's arguments was a tenth of a search's time, and its
    /// page faults 46 of 397. A test holds the two parsers to the same results, help and
    /// errors.
    pub fn parse_args(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
        if args.get(1).is_some_and(|a| a == "search") {
            let SearchCli { globals, command: SearchCommand::Search(search) } =
                SearchCli::try_parse_from(args)?;
            return Ok(Cli { globals, command: Command::Search(search) });
        }
        Cli::try_parse_from(args)
    }
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl From<ColorWhen> for anstream::ColorChoice {
    fn from(w: ColorWhen) -> anstream::ColorChoice {
        match w {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

/// Where the corpus and the index are.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Folder of source texts [default: found from here: see the README's "Where the corpus is"]
    #[arg(long, global = true, value_name = "DIR", env = "CITEDEX_CORPUS")]
    pub corpus: Option<PathBuf>,
    /// Folder of the index [default: beside the corpus]
    #[arg(long, global = true, value_name = "DIR", env = "CITEDEX_INDEX")]
    pub index: Option<PathBuf>,
    /// Read only the corpus files that match (relative to the corpus; `!` excludes), as ripgrep's --glob; repeatable
    #[arg(long, short = 'g', global = true, value_name = "GLOB")]
    pub glob: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the index from the corpus.
    #[command(
        after_help = "Examples:\n  citedex index\n  citedex index --corpus ~/texts --index ~/texts-index\n  citedex index --rebuild\n  citedex index --rebuild --timings"
    )]
    Index {
        /// Start over instead of updating only what changed.
        #[arg(long)]
        rebuild: bool,
        /// Also print how long each stage took (scan, reading, parsing, commit, merge).
        #[arg(long)]
        timings: bool,
    },
    /// Search the corpus (the index is built first if there is none).
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// Show one passage in full, with the passages around it.
    #[command(after_help = "Example:\n  citedex show treaty-of-portsmouth/effects/1")]
    Show {
        /// Passage id, as printed by `citedex search`.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Do not bring the index up to date with the corpus first.
        #[arg(long)]
        no_update: bool,
    },
    /// Copy source texts into the corpus and index them.
    #[command(
        after_help = "Examples:\n  citedex add ~/texts/witte-memoirs.md\n  citedex add --force corpus-update/*.txt"
    )]
    Add {
        /// Files to add (wiki text, Markdown or plain text).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Overwrite a corpus file of the same name with different content.
        #[arg(long)]
        force: bool,
    },
    /// Show what the index holds: documents, passages by kind, references, citations, size.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Do not bring the index up to date with the corpus first.
        #[arg(long)]
        no_update: bool,
    },
    /// List the indexed documents with their source file, language, passages and references.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Do not bring the index up to date with the corpus first.
        #[arg(long)]
        no_update: bool,
    },
    /// Measure ranking against relevance judgements: nDCG@10, MAP, recall and MRR@10.
    #[command(after_help = EVAL_HELP)]
    Eval(EvalArgs),
    /// Look up works (references) by author, title, year, ISBN, OCLC or free words, with every
    /// passage that cites them; without QUERY, list every work.
    #[command(
        after_help = "Examples:\n  citedex cite Jukes\n  citedex cite 1-84176-446-9\n  citedex cite 21581015 --json\n  citedex cite --format bibtex"
    )]
    Cite {
        /// Words, a year, an ISBN (10 or 13 digits, hyphens optional) or an OCLC number.
        #[arg(value_name = "QUERY")]
        query: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CiteFormat::Text)]
        format: CiteFormat,
        /// Print a bibliography formatted in this CSL style (apa, chicago-author-date, mla,
        /// ieee, …; `list` lists them).
        #[arg(long, value_name = "STYLE", conflicts_with_all = ["json", "format"])]
        style: Option<String>,
        /// Do not bring the index up to date with the corpus first.
        #[arg(long)]
        no_update: bool,
    },
    /// Serve the search, reading and citing pages and a JSON API over HTTP (read-only).
    #[command(
        after_help = "Examples:\n  citedex serve\n  citedex serve --addr 127.0.0.1:8080\n  curl 'http://127.0.0.1:7700/api/search?q=Witte'"
    )]
    Serve {
        /// Address to listen on (loopback by default: give 0.0.0.0:PORT to serve other machines).
        #[arg(long, default_value = "127.0.0.1:7700", value_name = "ADDR")]
        addr: std::net::SocketAddr,
        /// Let pages of this origin call the API (sends Access-Control-Allow-Origin); none by default.
        #[arg(long, value_name = "ORIGIN")]
        cors: Option<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  citedex completions bash > ~/.local/share/bash-completion/completions/citedex\n  citedex completions zsh > ~/.zfunc/_citedex\n  citedex completions fish > ~/.config/fish/completions/citedex.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  citedex man > ~/.local/share/man/man1/citedex.1")]
    Man,
}

/// Writes the completion script of `shell` for the whole command line.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "citedex", out);
}

/// Writes the manual page, in roff.
pub fn man_page(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command()).render(out)
}

/// Output formats of `citedex cite`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CiteFormat {
    /// Author-date references with where they are listed and cited.
    Text,
    /// BibTeX entries.
    Bibtex,
    /// A CSL-JSON array.
    CslJson,
}

impl From<CiteFormat> for crate::commands::CiteFormat {
    fn from(f: CiteFormat) -> Self {
        match f {
            CiteFormat::Text => crate::commands::CiteFormat::Text,
            CiteFormat::Bibtex => crate::commands::CiteFormat::Bibtex,
            CiteFormat::CslJson => crate::commands::CiteFormat::CslJson,
        }
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (several arguments are joined by spaces).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Number of hits to show.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Number of hits to skip (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print each hit as one line of JSON (JSON Lines: for `jq -c` and line-by-line readers).
    #[arg(long, conflicts_with = "json")]
    pub json_lines: bool,
    /// Print only the number of matching passages (counted exactly, however many).
    #[arg(long, short = 'c', conflicts_with = "files_with_matches")]
    pub count: bool,
    /// Print only the files holding a matching passage, one per line, in corpus order (with
    /// --json: every matching document with its file).
    #[arg(long, short = 'l')]
    pub files_with_matches: bool,
    /// Do not correct misspelled words.
    #[arg(long)]
    pub exact: bool,
    /// Show the parts of each hit's score.
    #[arg(long)]
    pub explain: bool,
    /// Add the words most common in the best hits to the query and search again
    /// (pseudo-relevance feedback, RM3).
    #[arg(long)]
    pub expand: bool,
    /// Snippet length in words.
    #[arg(long, default_value_t = crate::search::snippet::DEFAULT_WORDS, value_name = "N")]
    pub snippet_words: usize,
    /// List the ids of at most N near-identical passages folded into a hit (the others are
    /// counted; default: 10 in text, all in JSON).
    #[arg(long, value_name = "N")]
    pub duplicates: Option<usize>,
    /// Do not bring the index up to date with the corpus first.
    #[arg(long)]
    pub no_update: bool,
    /// Also print on stderr how long each stage took (opening the index, spelling, search,
    /// ranking, reading the hits, snippets).
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Queries: `id<TAB>query` lines, or a TREC topic file.
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// Relevance judgements, TREC qrels: `qid iter docid grade` per line.
    #[arg(long, value_name = "FILE")]
    pub qrels: PathBuf,
    /// What the qrels judge.
    #[arg(long, value_enum, default_value_t = EvalLevel::Document)]
    pub level: EvalLevel,
    /// Also print one row per query.
    #[arg(long)]
    pub per_query: bool,
    /// Also write the rankings as a TREC run file (`qid Q0 docid rank score citedex`).
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Results per query; MAP and recall are measured at this depth.
    #[arg(
        long,
        default_value_t = crate::eval::DEFAULT_DEPTH,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
    )]
    pub depth: usize,
    /// Do not bring the index up to date with the corpus first.
    #[arg(long)]
    pub no_update: bool,
    /// Do not correct misspelled words.
    #[arg(long)]
    pub exact: bool,
    /// Expand each query with pseudo-relevance feedback (RM3), as `search --expand`.
    #[arg(long)]
    pub expand: bool,
}

/// What `citedex eval`'s qrels judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalLevel {
    /// Documents (file name without extension, or slug), ranked by their best passage.
    Document,
    /// Passages, by id.
    Passage,
}

impl EvalArgs {
    pub fn config(&self) -> crate::commands::Eval {
        crate::commands::Eval {
            queries: self.queries.clone(),
            qrels: self.qrels.clone(),
            run: self.run.clone(),
            per_query: self.per_query,
            update: !self.no_update,
            options: crate::eval::Options {
                level: match self.level {
                    EvalLevel::Document => crate::eval::Level::Document,
                    EvalLevel::Passage => crate::eval::Level::Passage,
                },
                depth: self.depth,
                exact: self.exact,
                expand: self.expand,
            },
        }
    }
}

impl SearchArgs {
    pub fn options(&self) -> crate::search::Options {
        crate::search::Options {
            limit: self.limit,
            offset: self.offset,
            snippet_words: self.snippet_words.max(1),
            exact: self.exact,
            explain: self.explain,
            expand: self.expand,
            duplicates: self.duplicates.unwrap_or(if self.json {
                usize::MAX
            } else {
                crate::search::DUPLICATES_LISTED
            }),
        }
    }
}

impl PathArgs {
    /// The folders, found from the current folder when not given ([`crate::location`]).
    pub fn paths(&self) -> Result<crate::commands::Paths, crate::location::ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        crate::location::resolve(self.corpus.as_deref(), self.index.as_deref(), &self.glob, &cwd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        SearchCli::command().debug_assert();
    }

    #[test]
    fn a_search_parses_the_same_with_the_search_command_alone() {
        let cases: &[&[&str]] = &[
            &["citedex", "search", "treaty"],
            &["citedex", "search", "--json", "-n", "3", "treaty", "of", "portsmouth"],
            &["citedex", "search", "--index", "/tmp/i", "--corpus", "c", "--color", "never", "q"],
            &["citedex", "search", "-g", "*.md", "-g", "!old/*", "--count", "q"],
            &["citedex", "search", "--help"],
            &["citedex", "search", "-h"],
            &["citedex", "search"],
            &["citedex", "search", "--nope", "q"],
            &["citedex", "search", "--color", "sometimes", "q"],
            &["citedex", "search", "--version"],
            &["citedex", "search", "-n", "many", "q"],
        ];
        for args in cases {
            let full = Cli::try_parse_from(*args);
            let fast = Cli::parse_args(args.iter().map(std::ffi::OsString::from).collect());
            match (full, fast) {
                (Ok(full), Ok(fast)) => assert_eq!(format!("{full:?}"), format!("{fast:?}"), "{args:?}"),
                (Err(full), Err(fast)) => {
                    assert_eq!(full.kind(), fast.kind(), "{args:?}");
                    assert_eq!(full.render().to_string(), fast.render().to_string(), "{args:?}");
                }
                (full, fast) => panic!("{args:?}: {full:?} against {fast:?}"),
            }
        }
    }
}
