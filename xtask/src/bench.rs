//! `cargo xtask bench [--pages N] [--no-hugo] [--keep]`: the site-build benchmark of `docs/benchmarks.md`.
//!
//! 1. Writes a deterministic synthetic bilingual corpus of `pages` Markdown pages (`pages / 2`
//!    documents in French and the same slugs in English, 10–20 KB each, in the content format of
//!    `FORMAT.md`) into a temporary project that uses the real theme, and the same corpus as a
//!    multilingual Hugo site (same Markdown bodies, anchors as goldmark block attributes).
//! 2. Builds the release `site-gen`, then times each tool on its corpus (one untimed warm-up run,
//!    then 5 timed runs, median wall time)
//!    and records the peak resident memory and CPU time of every run (`/usr/bin/time -f "%e %M %U
//!    %S"`). The real site (`site-gen build --root <workspace>`) is timed the same way. The runs
//!    are interleaved (site-gen, Hugo, real site, site-gen, …) so that load from other work on the
//!    machine is shared between the tools. Every run writes into a new directory and nothing is
//!    deleted while timing, since ext4 slows inode allocation down for a while after a mass
//!    deletion (see `SETTLE`).
//! 3. Prints the machine, the tool versions and a Markdown results table (paste it into
//!    `docs/benchmarks.md`). The temporary directory (`$TMPDIR/site-gen-bench-<N>`) is removed at
//!    the end (unless `--keep`, for profiling); set `TMPDIR=/dev/shm` to take the filesystem out of the measurement.
//!
//! Only `std` and `anyhow`; the pseudo-random generator is a fixed-seed SplitMix64.

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::workspace::Workspace;

/// Untimed runs of each command first (files, binaries and caches warm for every tool alike),
/// then the timed ones.
const WARMUP: usize = 1;
const RUNS: usize = 5;
/// Stands for the run's output directory in a job's arguments.
const OUT: &str = "{out}";
/// How long ext4 keeps slowing inode allocation down after a mass deletion (see `run`): it
/// skips an inode deleted less than 5 s ago, or less than 300 s ago while the block of the inode
/// table that holds it is dirty, which a build creating thousands of files keeps it (the
/// `recently_deleted` check of `fs/ext4/ialloc.c`). Measured here: a 10 000-page build three
/// minutes after deleting the previous outputs spent 6.6–9.4 s in the kernel instead of ~1.7 s.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(305);
const SEED: u64 = 0x5EED_2023_0A78_0076;

pub fn run(ws: &Workspace, pages: usize, skip_hugo: bool, keep: bool) -> Result<()> {
    let workspace = ws.root.as_path();
    let pages = pages.max(2);
    let docs = pages / 2;
    let time_bin = Path::new("/usr/bin/time");
    if !time_bin.exists() {
        bail!("/usr/bin/time is missing (Debian package `time`): sudo apt-get install -y time");
    }
    let hugo = if skip_hugo { None } else { Some(find_hugo()?) };

    let tmp = std::env::temp_dir().join(format!("site-gen-bench-{pages}"));
    // After deleting tens of thousands of files, ext4 skips their inodes for a while when it
    // allocates new ones (`recently_deleted` in the kernel): a build that runs right after a
    // deletion pays several seconds of system time for the deletion, not for its own work. So
    // nothing is deleted between the timed runs (each writes into a fresh directory, all are
    // removed at the end), and timing starts at least SETTLE after the last deletion.
    // A run that follows another on the same file system waits for that run's final deletion
    // too: it leaves the time of it in a file beside its corpora.
    let mut deleted_at = fs::metadata(deletion_mark())
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .and_then(|ago| Instant::now().checked_sub(ago));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
        deleted_at = Some(Instant::now());
    }
    fs::create_dir_all(&tmp)?;

    // 1–2. Corpora.
    eprintln!(
        "bench: writing a synthetic corpus of {} pages ({docs} documents × fr/en) in {}",
        docs * 2,
        tmp.display()
    );
    let t = Instant::now();
    let sg_root = tmp.join("site-gen");
    let hugo_root = tmp.join("hugo");
    let stats = write_corpora(
        workspace,
        &sg_root,
        hugo.as_ref().map(|_| hugo_root.as_path()),
        docs,
    )?;
    eprintln!(
        "bench: corpus written in {:.1} s: {stats}",
        t.elapsed().as_secs_f64()
    );

    // 3. The release binary.
    let target_dir = &ws.target;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "bench: cargo build --release -p site-gen (target dir {})",
        target_dir.display()
    );
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "-p", "site-gen"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p site-gen failed");
    }
    let site_gen = target_dir.join("release").join("site-gen");

    // Timings. Other work on the machine skews them: the load average is part of the report, and
    // the runs of the tools are interleaved (site-gen, Hugo, real site, site-gen, …) so that a
    // busy or a quiet moment is shared between them instead of favouring one tool.
    if let Some(t) = deleted_at {
        let _ = Command::new("sync").status();
        if let Some(wait) = SETTLE.checked_sub(t.elapsed()) {
            eprintln!(
                "bench: waiting {:.0} s for the file system to settle after the last deletion of a run's files",
                wait.as_secs_f64()
            );
            std::thread::sleep(wait);
        }
    }
    let load_before = loadavg();
    let os = |p: &Path| p.as_os_str().to_owned();
    let mut jobs = vec![Job {
        label: "site-gen",
        tool: "site-gen",
        corpus: "synthetic",
        pages: docs * 2,
        out: tmp.join("out-site-gen"),
        program: site_gen.clone(),
        args: vec![
            "build".into(),
            "--root".into(),
            os(&sg_root),
            "--output".into(),
            OUT.into(),
        ],
        optional: false,
        runs: Vec::new(),
    }];
    if let Some(hugo) = &hugo {
        jobs.push(Job {
            label: "hugo",
            tool: "hugo",
            corpus: "synthetic",
            pages: docs * 2,
            out: tmp.join("out-hugo"),
            program: hugo.clone(),
            args: vec![
                "--source".into(),
                os(&hugo_root),
                "--destination".into(),
                OUT.into(),
                "--cacheDir".into(),
                os(&tmp.join("hugo-cache")),
                "--quiet".into(),
                "--noBuildLock".into(),
            ],
            optional: false,
            runs: Vec::new(),
        });
    }
    let real_pages = count_md(&workspace.join("content").join("fr"))?
        + count_md(&workspace.join("content").join("en"))?;
    jobs.push(Job {
        label: "site-gen (real site)",
        tool: "site-gen",
        corpus: "real site",
        pages: real_pages,
        out: tmp.join("out-real"),
        program: site_gen.clone(),
        args: vec![
            "build".into(),
            "--root".into(),
            os(workspace),
            "--output".into(),
            OUT.into(),
        ],
        optional: true,
        runs: Vec::new(),
    });
    let mut failed = vec![false; jobs.len()];
    for round in 0..WARMUP + RUNS {
        for (job, failed) in jobs.iter_mut().zip(failed.iter_mut()) {
            if *failed {
                continue;
            }
            match run_once(job, time_bin, round) {
                Ok(_) if round < WARMUP => {}
                Ok(r) => job.runs.push(r),
                Err(e) if job.optional => {
                    eprintln!("bench: {} failed, its row is left out: {e:#}", job.label);
                    *failed = true;
                }
                Err(e) => return Err(e),
            }
        }
    }
    let mut rows = Vec::new();
    for (job, failed) in jobs.into_iter().zip(failed) {
        if !failed {
            let html_files = count_ext(&job.out_dir(WARMUP + RUNS - 1), "html")?;
            rows.push(Row {
                tool: job.tool,
                corpus: job.corpus,
                pages: job.pages,
                m: Measure {
                    runs: job.runs,
                    html_files,
                },
            });
        }
    }

    // 4. Report.
    let mut report = String::new();
    writeln!(report, "\n## Machine and tools\n")?;
    writeln!(
        report,
        "- command: `cargo xtask bench --pages {pages}{}`",
        if skip_hugo { " --no-hugo" } else { "" }
    )?;
    writeln!(report, "- machine: {}", machine())?;
    writeln!(report, "- site-gen: {}", version(&site_gen, &["--version"]))?;
    if let Some(h) = &hugo {
        writeln!(report, "- hugo: {}", version(h, &["version"]))?;
    }
    writeln!(
        report,
        "- rustc: {}",
        version(Path::new("rustc"), &["--version"])
    )?;
    writeln!(
        report,
        "- load average (1, 5, 15 min) before / after the runs: {load_before} / {}",
        loadavg()
    )?;
    writeln!(report, "- corpus: {stats}")?;
    writeln!(report, "\n{}", table(&rows))?;
    writeln!(
        report,
        "Every run (wall time (CPU user + system) / peak RSS):\n"
    )?;
    for r in &rows {
        let runs: Vec<String> =
            r.m.runs
                .iter()
                .map(|x| {
                    format!(
                        "{:.3} s ({:.1} user + {:.1} sys) / {:.0} MiB",
                        x.wall,
                        x.user,
                        x.sys,
                        x.max_rss_kib as f64 / 1024.0
                    )
                })
                .collect();
        writeln!(
            report,
            "- {} ({}): {}; {} HTML files written",
            r.tool,
            r.corpus,
            runs.join(", "),
            r.m.html_files
        )?;
    }
    println!("{report}");

    if keep {
        eprintln!("bench: corpora and outputs kept in {}", tmp.display());
    } else if let Err(e) = fs::remove_dir_all(&tmp) {
        eprintln!("bench: could not remove {}: {e}", tmp.display());
    } else {
        let _ = fs::write(deletion_mark(), b"");
    }
    Ok(())
}

/// A file whose modification time says when a benchmark last deleted its outputs.
fn deletion_mark() -> PathBuf {
    std::env::temp_dir().join("site-gen-bench-deleted")
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

struct Measure {
    /// Every run: wall seconds, max RSS KiB, user and system CPU seconds.
    runs: Vec<Run>,
    html_files: usize,
}

impl Measure {
    fn median_wall(&self) -> f64 {
        let mut w: Vec<f64> = self.runs.iter().map(|r| r.wall).collect();
        w.sort_by(|a, b| a.total_cmp(b));
        w[w.len() / 2]
    }
    fn peak_rss_kib(&self) -> u64 {
        self.runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0)
    }
}

struct Run {
    wall: f64,
    max_rss_kib: u64,
    user: f64,
    sys: f64,
}

struct Row {
    tool: &'static str,
    corpus: &'static str,
    pages: usize,
    m: Measure,
}

/// Runs `make()` `RUNS` times under `/usr/bin/time`, each time into an empty `out`.
/// One command to time, with its output directory (emptied before every run).
struct Job {
    label: &'static str,
    tool: &'static str,
    corpus: &'static str,
    pages: usize,
    out: PathBuf,
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
    /// A failure drops the row instead of stopping the benchmark.
    optional: bool,
    runs: Vec<Run>,
}

impl Job {
    /// The output directory of one run: every run writes into a directory of its own.
    fn out_dir(&self, round: usize) -> PathBuf {
        let mut name = self.out.as_os_str().to_owned();
        name.push(format!("-{}", round + 1));
        PathBuf::from(name)
    }
}

/// Runs a job once under `/usr/bin/time`, into a new output directory.
fn run_once(job: &Job, time_bin: &Path, round: usize) -> Result<Run> {
    let out = job.out_dir(round);
    let rusage = out.with_extension("time");
    // Start every run with no pending writeback from the previous one.
    let _ = Command::new("sync").status();
    let mut cmd = Command::new(time_bin);
    cmd.arg("-f")
        .arg("%e %M %U %S")
        .arg("-o")
        .arg(&rusage)
        .arg(&job.program)
        .args(job.args.iter().map(|a| {
            if a == OUT {
                out.as_os_str()
            } else {
                a.as_os_str()
            }
        }));
    let start = Instant::now();
    let output = cmd
        .output()
        .with_context(|| format!("running {}", job.label))?;
    let wall = start.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "{} failed ({}):\n{}{}",
            job.label,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            tail(&String::from_utf8_lossy(&output.stderr), 60)
        );
    }
    let text = fs::read_to_string(&rusage)?;
    // The last line is ours (a failing command would add a line before it).
    let fields: Vec<&str> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let (Some(max_rss_kib), Some(user), Some(sys)) = (
        fields.get(1).and_then(|k| k.parse::<u64>().ok()),
        fields.get(2).and_then(|k| k.parse::<f64>().ok()),
        fields.get(3).and_then(|k| k.parse::<f64>().ok()),
    ) else {
        bail!("unexpected /usr/bin/time output: {text:?}");
    };
    let which = if round < WARMUP {
        format!("warm-up run {}", round + 1)
    } else {
        format!("run {}", round + 1 - WARMUP)
    };
    eprintln!(
        "bench: {} {which}: {wall:.3} s wall, {user:.2} s user + {sys:.2} s system CPU, {:.0} MiB peak RSS",
        job.label,
        max_rss_kib as f64 / 1024.0
    );
    Ok(Run {
        wall,
        max_rss_kib,
        user,
        sys,
    })
}

fn table(rows: &[Row]) -> String {
    let hugo = rows
        .iter()
        .find(|r| r.tool == "hugo")
        .map(|r| (r.m.median_wall(), r.m.peak_rss_kib()));
    let mut s = String::from(
        "| tool | corpus | pages | median wall time | peak RSS | speed vs Hugo | memory vs Hugo |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let (w, k) = (r.m.median_wall(), r.m.peak_rss_kib());
        let (speed, mem) = match hugo {
            Some((hw, hk)) if r.corpus == "synthetic" && r.tool != "hugo" => {
                let speed = if hw >= w {
                    format!("{:.2}× faster", hw / w)
                } else {
                    format!("{:.2}× slower", w / hw)
                };
                let mem = k as f64 / hk as f64;
                let mem = if mem <= 1.0 {
                    format!("{mem:.2}× (1/{:.1})", 1.0 / mem)
                } else {
                    format!("{mem:.2}×")
                };
                (speed, mem)
            }
            Some(_) if r.tool == "hugo" => ("1×".into(), "1".into()),
            _ => ("—".into(), "—".into()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.3} s | {:.0} MiB | {speed} | {mem} |",
            r.tool,
            r.corpus,
            r.pages,
            w,
            k as f64 / 1024.0
        );
    }
    s
}

fn tail(s: &str, lines: usize) -> String {
    let v: Vec<&str> = s.lines().collect();
    v[v.len().saturating_sub(lines)..].join("\n")
}

fn find_hugo() -> Result<PathBuf> {
    for p in ["/usr/bin/hugo", "/usr/local/bin/hugo"] {
        if Path::new(p).exists() {
            return Ok(PathBuf::from(p));
        }
    }
    if Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(PathBuf::from("hugo"));
    }
    bail!("hugo is not installed: sudo apt-get install -y hugo (or pass --no-hugo)")
}

fn version(bin: &Path, args: &[&str]) -> String {
    match Command::new(bin).args(args).output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
        _ => "unknown".into(),
    }
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|x| x.1.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    format!(
        "{cpus} CPUs (nproc), {model}, {:.1} GiB RAM, {}",
        mem_kib as f64 / 1048576.0,
        std::env::consts::OS
    )
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn count_ext(dir: &Path, ext: &str) -> Result<usize> {
    let mut n = 0;
    if !dir.is_dir() {
        return Ok(0);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d)? {
            let e = e?;
            let ft = e.file_type()?;
            if ft.is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == ext) {
                n += 1;
            }
        }
    }
    Ok(n)
}

fn count_md(dir: &Path) -> Result<usize> {
    count_ext(dir, "md")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for e in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Synthetic corpus
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, deterministic on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const FR_WORDS: &[&str] = &[
    "sécurité",
    "internationale",
    "numérique",
    "États",
    "Membres",
    "coopération",
    "renforcement",
    "capacités",
    "programme",
    "action",
    "comportement",
    "responsable",
    "utilisation",
    "technologies",
    "information",
    "communications",
    "groupe",
    "travail",
    "composition",
    "non",
    "limitée",
    "dialogue",
    "institutionnel",
    "régulier",
    "mesures",
    "confiance",
    "droit",
    "international",
    "applicable",
    "normes",
    "règles",
    "principes",
    "cadre",
    "menaces",
    "existantes",
    "potentielles",
    "infrastructures",
    "critiques",
    "incidents",
    "réponse",
    "échange",
    "informations",
    "pratiques",
    "consultations",
    "officieuses",
    "organisations",
    "régionales",
    "sous-régionales",
    "secteur",
    "privé",
    "société",
    "civile",
    "milieux",
    "universitaires",
    "rapport",
    "consensus",
    "recommandations",
    "session",
    "ordre",
    "jour",
    "provisoire",
    "Secrétaire",
    "général",
    "Bureau",
    "affaires",
    "désarmement",
    "contributions",
    "volontaires",
    "fonds",
    "affectation",
    "spéciale",
    "mise",
    "œuvre",
    "mécanisme",
    "permanent",
    "inclusif",
    "transparent",
    "orienté",
    "vers",
    "résultats",
    "auquel",
    "participent",
    "tous",
    "les",
    "des",
    "la",
    "le",
    "et",
    "dans",
    "pour",
    "sur",
    "avec",
    "aux",
    "du",
    "de",
    "en",
    "sans",
    "entre",
    "notamment",
    "également",
    "ainsi",
    "que",
    "qui",
    "afin",
    "sein",
    "décisions",
    "travaux",
    "futurs",
    "activités",
    "pertinentes",
    "questions",
    "relatives",
    "préoccupation",
    "développement",
    "durable",
    "paix",
    "stabilité",
    "prévention",
    "conflits",
    "souveraineté",
    "nationale",
    "vulnérabilités",
    "chaîne",
    "approvisionnement",
    "points",
    "contact",
    "annuaire",
    "mondial",
    "enquête",
    "nationale",
    "rapports",
    "examen",
    "conférence",
    "réunions",
    "plénières",
    "annuelles",
    "biennales",
];

const EN_WORDS: &[&str] = &[
    "security",
    "international",
    "digital",
    "States",
    "Members",
    "cooperation",
    "strengthening",
    "capacity",
    "programme",
    "action",
    "behaviour",
    "responsible",
    "use",
    "technologies",
    "information",
    "communications",
    "group",
    "working",
    "open-ended",
    "composition",
    "dialogue",
    "institutional",
    "regular",
    "measures",
    "confidence-building",
    "law",
    "international",
    "applicable",
    "norms",
    "rules",
    "principles",
    "framework",
    "threats",
    "existing",
    "potential",
    "infrastructure",
    "critical",
    "incidents",
    "response",
    "exchange",
    "information",
    "practices",
    "consultations",
    "informal",
    "organizations",
    "regional",
    "subregional",
    "sector",
    "private",
    "society",
    "civil",
    "academia",
    "report",
    "consensus",
    "recommendations",
    "session",
    "agenda",
    "provisional",
    "Secretary-General",
    "Office",
    "Disarmament",
    "Affairs",
    "contributions",
    "voluntary",
    "fund",
    "trust",
    "implementation",
    "mechanism",
    "permanent",
    "inclusive",
    "transparent",
    "action-oriented",
    "results",
    "which",
    "participate",
    "all",
    "the",
    "of",
    "and",
    "in",
    "for",
    "on",
    "with",
    "to",
    "by",
    "without",
    "between",
    "including",
    "also",
    "thus",
    "that",
    "who",
    "order",
    "within",
    "decisions",
    "work",
    "future",
    "activities",
    "relevant",
    "issues",
    "relating",
    "concern",
    "development",
    "sustainable",
    "peace",
    "stability",
    "prevention",
    "conflicts",
    "sovereignty",
    "national",
    "vulnerabilities",
    "supply",
    "chain",
    "points",
    "contact",
    "directory",
    "global",
    "survey",
    "reports",
    "review",
    "conference",
    "meetings",
    "plenary",
    "annual",
    "biennial",
    "established",
];

/// (French, English) operative or preambular verbs, italic as in UN resolutions.
const VERBS: &[(&str, &str)] = &[
    ("*Décide*", "*Decides*"),
    ("*Prie*", "*Requests*"),
    ("*Souligne*", "*Stresses*"),
    ("*Encourage*", "*Encourages*"),
    ("*Note*", "*Notes*"),
    ("*Invite*", "*Invites*"),
    ("*Se félicite*", "*Welcomes*"),
    ("*Rappelle*", "*Recalls*"),
    ("*Réaffirme*", "*Reaffirms*"),
];

/// (French, English) phrases that the generator recognises as document mentions.
const MENTIONS: &[(&str, &str)] = &[
    (
        "conformément à la résolution 77/37",
        "in accordance with resolution 77/37",
    ),
    (
        "comme indiqué dans le rapport A/78/76",
        "as stated in report A/78/76",
    ),
    (
        "rappelant la résolution A/RES/75/240",
        "recalling resolution A/RES/75/240",
    ),
    ("dans la résolution 76/19", "in resolution 76/19"),
    (
        "au titre du document A/C.1/78/L.60/Rev.1",
        "under document A/C.1/78/L.60/Rev.1",
    ),
    (
        "selon la résolution A/RES/71/28",
        "according to resolution A/RES/71/28",
    ),
    ("voir aussi A/75/816", "see also A/75/816"),
];

/// (id, French name with article, English name, French name, regional group).
const STATES: &[(&str, &str, &str, &str, &str)] = &[
    ("deu", "l’Allemagne", "Germany", "Allemagne", "WEOG"),
    ("fra", "la France", "France", "France", "WEOG"),
    ("jpn", "le Japon", "Japan", "Japon", "Asia-Pacific"),
    ("bra", "le Brésil", "Brazil", "Brésil", "GRULAC"),
    ("ken", "le Kenya", "Kenya", "Kenya", "African"),
    ("egy", "l’Égypte", "Egypt", "Égypte", "African"),
    ("can", "le Canada", "Canada", "Canada", "WEOG"),
    ("che", "la Suisse", "Switzerland", "Suisse", "WEOG"),
    ("est", "l’Estonie", "Estonia", "Estonie", "EEG"),
];

const MASTHEAD: &[(&str, &str)] = &[
    ("Assemblée générale", "General Assembly"),
    ("Distr. générale", "Distr.: General"),
    ("Soixante-dix-huitième session", "Seventy-eighth session"),
    ("Point 94 de l’ordre du jour", "Agenda item 94"),
    (
        "Rapport du Secrétaire général",
        "Report of the Secretary-General",
    ),
];

const MONTHS_FR: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn roman(mut n: usize) -> String {
    const T: &[(usize, &str)] = &[
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// The four files of one document, written side by side so that they share every structural
/// choice: site-gen French and English, Hugo French and English.
#[derive(Default)]
struct Doc {
    sg_fr: String,
    sg_en: String,
    hu_fr: String,
    hu_en: String,
}

impl Doc {
    fn both(&mut self, s: &str) {
        self.sg_fr.push_str(s);
        self.sg_en.push_str(s);
        self.hu_fr.push_str(s);
        self.hu_en.push_str(s);
    }
    /// A paragraph with an anchor (`{#id} ` prefix for site-gen; a goldmark block attribute on
    /// the next line for Hugo, with a leading "N." escaped so it stays a paragraph).
    fn para(&mut self, id: &str, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = write!(sg, "{{#{id}}} {text}\n\n");
            let _ = write!(hu, "{}\n{{#{id}}}\n\n", hugo_escape(text));
        }
    }
    fn masthead(&mut self, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = write!(sg, "{{.masthead}} {text}\n\n");
            let _ = write!(hu, "{text}\n{{.masthead}}\n\n");
        }
    }
    fn item(&mut self, id: &str, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = writeln!(sg, "- {{#{id}}} {text}");
            let _ = write!(hu, "- {text}\n  {{#{id}}}\n");
        }
    }
    fn heading(&mut self, level: usize, id: &str, fr: &str, en: &str) {
        let hashes = "#".repeat(level);
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let line = format!("{hashes} {text} {{#{id}}}\n\n");
            sg.push_str(&line);
            hu.push_str(&line);
        }
    }
    fn min_len(&self) -> usize {
        self.sg_fr.len().min(self.sg_en.len())
    }
}

/// "4. text" at the start of a paragraph would become an ordered list in plain Markdown.
fn hugo_escape(text: &str) -> String {
    let digits = text.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && text[digits..].starts_with(". ") {
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        text.to_string()
    }
}

/// Generates one sentence in both languages with the same shape; `extra` decides about a
/// mention, a State and a footnote reference.
struct Writer {
    shape: Rng,
    fr: Rng,
    en: Rng,
    footnotes: Vec<usize>,
}

impl Writer {
    fn words(&mut self, n: usize, capital: bool) -> (String, String) {
        let mut fr = String::new();
        let mut en = String::new();
        for i in 0..n {
            if i > 0 {
                let comma = self.shape.chance(6) && i + 2 < n;
                if comma {
                    fr.push(',');
                    en.push(',');
                }
                fr.push(' ');
                en.push(' ');
            }
            let (f, e) = (*self.fr.pick(FR_WORDS), *self.en.pick(EN_WORDS));
            if i == 0 && capital {
                fr.push_str(&capitalise(f));
                en.push_str(&capitalise(e));
            } else {
                fr.push_str(f);
                en.push_str(e);
            }
        }
        (fr, en)
    }

    fn sentence(&mut self, capital: bool) -> (String, String) {
        let n = self.shape.range(8, 22);
        let (mut fr, mut en) = self.words(n, capital);
        if self.shape.chance(18) {
            let (f, e) = self.shape.pick(MENTIONS);
            let _ = write!(fr, ", {f}");
            let _ = write!(en, ", {e}");
        }
        if self.shape.chance(10) {
            let s = self.shape.pick(STATES);
            let _ = write!(fr, ", comme l’a indiqué {}", s.1);
            let _ = write!(en, ", as noted by {}", s.2);
        }
        if self.footnotes.len() < 9 && self.shape.chance(7) {
            let label = self.footnotes.len() + 1;
            self.footnotes.push(label);
            let _ = write!(fr, "[^{label}]");
            let _ = write!(en, "[^{label}]");
        }
        fr.push('.');
        en.push('.');
        (fr, en)
    }

    fn paragraph(&mut self, number: usize) -> (String, String) {
        let (vf, ve) = *self.shape.pick(VERBS);
        let mut fr = format!("{number}. {vf} ");
        let mut en = format!("{number}. {ve} ");
        let n = self.shape.range(2, 5);
        for i in 0..n {
            let (f, e) = self.sentence(i > 0);
            if i > 0 {
                fr.push(' ');
                en.push(' ');
            }
            fr.push_str(&f);
            en.push_str(&e);
        }
        (fr, en)
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Builds document `n` (1-based).
fn document(n: usize) -> (Doc, String, String, String) {
    let base = SEED ^ (n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
    let mut w = Writer {
        shape: Rng::new(base),
        fr: Rng::new(base ^ 0xF4),
        en: Rng::new(base ^ 0xE2),
        footnotes: Vec::new(),
    };
    let target = w.shape.range(10_400, 17_000);
    let (year, month, day) = (
        w.shape.range(2015, 2024),
        w.shape.range(1, 12),
        w.shape.range(1, 28),
    );
    let date = format!("{year}-{month:02}-{day:02}");
    let title_words = w.shape.range(6, 12);
    let (tf, te) = w.words(title_words, true);
    let mut d = Doc::default();

    for (i, (f, e)) in MASTHEAD.iter().enumerate() {
        d.masthead(f, e);
        if i == 1 {
            d.masthead(
                &format!("{day} {} {year}", MONTHS_FR[month - 1]),
                &format!("{day} {} {year}", MONTHS_EN[month - 1]),
            );
        }
    }

    let mut para = 0;
    let mut section = 0;
    let mut until_heading = 0;
    let mut table_done = false;
    while d.min_len() < target {
        if until_heading == 0 {
            section += 1;
            let heading_words = w.shape.range(3, 7);
            let (f, e) = w.words(heading_words, true);
            d.heading(
                2,
                &format!("s{section}"),
                &format!("{}. {f}", roman(section)),
                &format!("{}. {e}", roman(section)),
            );
            until_heading = w.shape.range(3, 7);
            if section == 2 && !table_done {
                table_done = true;
                let (f, e) = w.sentence(true);
                para += 1;
                d.para(
                    &format!("p{para}"),
                    &format!("{para}. {f}"),
                    &format!("{para}. {e}"),
                );
                d.sg_fr
                    .push_str("| Session | Résolution | Voix pour | Voix contre | Abstentions |\n");
                d.hu_fr
                    .push_str("| Session | Résolution | Voix pour | Voix contre | Abstentions |\n");
                d.sg_en
                    .push_str("| Session | Resolution | In favour | Against | Abstentions |\n");
                d.hu_en
                    .push_str("| Session | Resolution | In favour | Against | Abstentions |\n");
                d.both("|---|---|---:|---:|---:|\n");
                for _ in 0..w.shape.range(3, 6) {
                    let s = w.shape.range(70, 78);
                    let row = format!(
                        "| {s} | {s}/{} | {} | {} | {} |\n",
                        w.shape.range(10, 250),
                        w.shape.range(120, 180),
                        w.shape.range(0, 12),
                        w.shape.range(0, 20)
                    );
                    d.both(&row);
                }
                d.both("\n");
            }
        }
        para += 1;
        let (f, e) = w.paragraph(para);
        d.para(&format!("p{para}"), &f, &e);
        if w.shape.chance(12) {
            let items = w.shape.range(2, 4);
            for letter in ["a", "b", "c", "d"].iter().take(items) {
                let (f, e) = w.sentence(false);
                d.item(
                    &format!("p{para}-{letter}"),
                    &format!("{letter}) {f}"),
                    &format!("{letter}) {e}"),
                );
            }
            d.both("\n");
        }
        until_heading -= 1;
    }
    let notes = std::mem::take(&mut w.footnotes);
    for label in notes {
        let (f, e) = *w.shape.pick(MENTIONS);
        for (sg, hu, text) in [
            (&mut d.sg_fr, &mut d.hu_fr, f),
            (&mut d.sg_en, &mut d.hu_en, e),
        ] {
            let line = format!("[^{label}]: {}.\n\n", capitalise(text));
            sg.push_str(&line);
            hu.push_str(&line);
        }
    }
    (d, tf, te, date)
}

fn states_toml() -> String {
    let mut s = String::from(
        "# Synthetic benchmark data (xtask/src/bench.rs), in the format of content/data/states.toml.\n\n",
    );
    for (id, with_article, en, fr, group) in STATES {
        // Elided forms are aliases, as in the real registry ("L'Allemagne").
        let aliases = if with_article.starts_with("l’") {
            format!("[\"{with_article}\", \"L’{fr}\", \"l'{fr}\", \"L'{fr}\"]")
        } else {
            "[]".to_string()
        };
        let _ = write!(
            s,
            "[[state]]\nid = \"{id}\"\nname_fr = \"{fr}\"\nname_en = \"{en}\"\naliases = {aliases}\ngroup = \"{group}\"\n\n"
        );
    }
    s
}

fn topics_toml() -> String {
    let mut s = String::from(
        "# Synthetic benchmark data (xtask/src/bench.rs), in the format of content/data/topics.toml: one topic.\n\n",
    );
    for (id, fr, en) in [
        ("supports", "Soutient", "Supports"),
        ("nuanced", "Nuancé", "Nuanced"),
        ("opposes", "S'y oppose", "Opposes"),
        ("not-addressed", "Non abordé", "Not addressed"),
    ] {
        let _ = write!(
            s,
            "[[stance]]\nid = \"{id}\"\nlabel_fr = \"{fr}\"\nlabel_en = \"{en}\"\n\n"
        );
    }
    s.push_str(
        "[[topic]]\nid = \"establishment\"\nlabel_fr = \"Création du programme d'action\"\n\
         label_en = \"Establishment of the Programme of Action\"\n\
         definition_fr = \"Position de l'État sur la création d'un programme d'action, qu'il l'appuie, y mette des conditions ou s'y oppose.\"\n\
         definition_en = \"The State's position on establishing a Programme of Action, whether it supports it, attaches conditions or opposes it.\"\n\
         stances = [\"supports\", \"nuanced\", \"opposes\", \"not-addressed\"]\n",
    );
    s
}

const HUGO_CONFIG: &str = r#"# Synthetic benchmark site (xtask/src/bench.rs): the same Markdown as the site-gen corpus.
baseURL = "https://example.org/"
title = "Benchmark"
defaultContentLanguage = "fr"
defaultContentLanguageInSubdir = true
# No taxonomies or feeds: Hugo does no work that site-gen does not do.
disableKinds = ["taxonomy", "term", "RSS"]
enableRobotsTXT = false

[languages.fr]
contentDir = "content/fr"
languageName = "Français"
weight = 1

[languages.en]
contentDir = "content/en"
languageName = "English"
weight = 2

[markup.goldmark.parser]
autoHeadingID = false
[markup.goldmark.parser.attribute]
block = true
title = true
[markup.goldmark.extensions]
typographer = false
linkify = false
footnote = true
table = true
"#;

const HUGO_SINGLE: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
"#;

const HUGO_LIST: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main>
</body>
</html>
"#;

/// Writes the site-gen project at `sg` and, if asked, the Hugo project at `hugo`; returns a
/// one-line description of the corpus.
fn write_corpora(workspace: &Path, sg: &Path, hugo: Option<&Path>, docs: usize) -> Result<String> {
    for lang in ["fr", "en"] {
        fs::create_dir_all(sg.join("content").join(lang).join("documents"))?;
        fs::create_dir_all(sg.join("content").join(lang).join("pages"))?;
        if let Some(h) = hugo {
            fs::create_dir_all(h.join("content").join(lang).join("documents"))?;
        }
    }
    fs::create_dir_all(sg.join("content/data/positions"))?;
    fs::write(
        sg.join("site.toml"),
        "base_url = \"https://example.org/\"\n",
    )?;
    fs::write(sg.join("content/data/states.toml"), states_toml())?;
    fs::write(sg.join("content/data/topics.toml"), topics_toml())?;
    let theme = workspace.join("themes").join("default");
    copy_dir(&theme, &sg.join("themes").join("default"))?;
    // The site's own pages (about, methodology…, the corrections log content/<lang>/CORRECTIONS.md),
    // which the theme's navigation links to.
    let mut site_pages = 0;
    for lang in ["fr", "en"] {
        let real = workspace.join("content").join(lang);
        if real.join("pages").is_dir() {
            copy_dir(
                &real.join("pages"),
                &sg.join("content").join(lang).join("pages"),
            )?;
            site_pages += count_md(&real.join("pages"))?;
        }
        for e in fs::read_dir(&real).with_context(|| format!("reading {}", real.display()))? {
            let e = e?;
            if e.file_type()?.is_file() && e.path().extension().is_some_and(|x| x == "md") {
                fs::copy(e.path(), sg.join("content").join(lang).join(e.file_name()))?;
                site_pages += 1;
            }
        }
    }
    if let Some(h) = hugo {
        fs::write(h.join("config.toml"), HUGO_CONFIG)?;
        fs::create_dir_all(h.join("layouts/_default"))?;
        fs::write(h.join("layouts/_default/single.html"), HUGO_SINGLE)?;
        fs::write(h.join("layouts/_default/list.html"), HUGO_LIST)?;
        for (lang, title) in [("fr", "Documents"), ("en", "Documents")] {
            fs::write(
                h.join("content").join(lang).join("documents/_index.md"),
                format!("+++\ntitle = \"{title}\"\n+++\n"),
            )?;
        }
    }

    let (mut total, mut min, mut max) = (0usize, usize::MAX, 0usize);
    for n in 1..=docs {
        let (d, tf, te, date) = document(n);
        let slug = format!("syn-{n:05}");
        let file = format!("{slug}.md");
        let fr = format!(
            "+++\nkind = \"report\"\nsymbol = \"A/SYN/{n}\"\ntitle = \"{tf}\"\ndate = \"{date}\"\n+++\n\n{}",
            d.sg_fr
        );
        let en = format!(
            "+++\ntitle = \"{te}\"\ntranslation = \"unofficial\"\n+++\n\n{}",
            d.sg_en
        );
        for len in [fr.len(), en.len()] {
            total += len;
            min = min.min(len);
            max = max.max(len);
        }
        fs::write(sg.join("content/fr/documents").join(&file), fr)?;
        fs::write(sg.join("content/en/documents").join(&file), en)?;
        if let Some(h) = hugo {
            let fr = format!("+++\ntitle = \"{tf}\"\ndate = {date}\n+++\n\n{}", d.hu_fr);
            let en = format!("+++\ntitle = \"{te}\"\ndate = {date}\n+++\n\n{}", d.hu_en);
            fs::write(h.join("content/fr/documents").join(&file), fr)?;
            fs::write(h.join("content/en/documents").join(&file), en)?;
        }
    }
    Ok(format!(
        "{} Markdown pages ({docs} documents × fr/en), {:.1} MB, {:.1}–{:.1} KB a page (mean {:.1} KB); \
         site-gen also gets the site's own {site_pages} page files (content/{{fr,en}}/pages/, CORRECTIONS.md) that its theme links to",
        docs * 2,
        total as f64 / 1e6,
        min as f64 / 1e3,
        max as f64 / 1e3,
        total as f64 / (docs * 2).max(1) as f64 / 1e3
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_deterministic_and_sized() {
        let (a, ..) = document(7);
        let (b, ..) = document(7);
        assert_eq!(a.sg_fr, b.sg_fr);
        for n in 1..40 {
            let (d, ..) = document(n);
            for s in [&d.sg_fr, &d.sg_en] {
                assert!(
                    (10_000..20_000).contains(&s.len()),
                    "doc {n}: {} bytes",
                    s.len()
                );
            }
            let ids = |s: &str| {
                s.match_indices("{#")
                    .map(|(i, _)| s[i..].split('}').next().unwrap().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&d.sg_fr), ids(&d.sg_en));
        }
    }

    #[test]
    fn hugo_escape_keeps_numbers_as_text() {
        assert_eq!(hugo_escape("4. Décide"), "4\\. Décide");
        assert_eq!(hugo_escape("a) x"), "a) x");
    }
}
