//! Command-line shell over the `site_gen` library: parse arguments, call, print.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

// A build allocates and frees millions of short strings across threads; mimalloc's per-thread
// free lists do that with less contention and fewer page faults than glibc's allocator
// (measured in docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "site-gen",
    version,
    about = "Build the bilingual UN ICT-security documentation site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (replaced only when everything succeeded; left intact on error).
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// Directory with the compiled explorer (explorer.js, explorer_bg.wasm).
        #[arg(long)]
        explorer_pkg: Option<PathBuf>,
        /// Override base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// List every file written.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Validate the content and list missing translations, without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Serve a preview on localhost, rebuilding on every change (errors show in the page).
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        #[arg(long)]
        explorer_pkg: Option<PathBuf>,
    },
}

// mimalloc's `mi_option_purge_delay`, which libmimalloc-sys does not export: build.rs reads
// its position from the bundled mimalloc.h, and fails the build if the option is gone.
include!(concat!(env!("OUT_DIR"), "/mi_options.rs"));

fn main() -> ExitCode {
    // A build frees and allocates again hundreds of MB within a second. By default mimalloc hands
    // freed memory back to the system after 10 ms, then faults it back in, zeroed, often as 2 MiB
    // huge pages, moments later: about a tenth of a 10 000-page build went to that. Never handing
    // it back kept, in each thread's heap, memory that other threads freed and that thread did
    // not use again (the search index's writers made that a quarter more peak memory). A quarter
    // of a second is long enough for memory to be used again, short enough for the rest to go
    // back (docs/benchmarks.md).
    // SAFETY: sets one integer option, before any other thread exists; mimalloc reads options
    // at any time and this one only changes when freed memory is returned.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 250) };
    match Cli::parse().command {
        Command::Build {
            root,
            output,
            explorer_pkg,
            base_url,
            verbose,
        } => {
            let opts = site_gen::BuildOptions {
                root,
                output,
                explorer_pkg,
                base_url,
                card_cache: None,
            };
            match site_gen::build(&opts) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("warning: {w}");
                    }
                    if verbose {
                        for f in &report.files {
                            println!("  {}", opts.output.join(f).display());
                        }
                    }
                    println!("{}", report.summary());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root } => match site_gen::check(&root) {
            Ok(warnings) => {
                for w in &warnings {
                    println!("missing translation: {w}");
                }
                println!(
                    "Content is valid; {} missing translation(s).",
                    warnings.len()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::FAILURE
            }
        },
        Command::Serve {
            root,
            port,
            explorer_pkg,
        } => match site_gen::serve::serve(&root, port, explorer_pkg.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
