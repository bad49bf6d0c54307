//! Integration tests: the built `citedex` binary on the bundled corpus and small fixtures.

mod binary;
mod browser;
mod cite;
mod corpus;
mod env;
mod errors;
mod eval;
mod faults;
mod index;
mod json;
mod search;
mod serve;
mod shell;
mod show;
