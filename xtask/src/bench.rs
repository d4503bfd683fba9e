//! `cargo xtask bench [--pages N] [--no-hugo] [--keep]`: the site-build benchmark of `docs/benchmarks.md`.
//! This module is the runner and its report; `corpus` synthesises the documents (`words`, its
//! vocabulary) and `hugo` writes them as the peer project.
//!
//! 1. Writes a deterministic synthetic bilingual corpus of `pages` Markdown pages (`pages / 2`
//!    documents in French and the same slugs in English, 10–20 KB each, in the content format of
//!    `docs/content-format.md`) into a temporary project that uses the real theme, and the same corpus as a
//!    multilingual Hugo site (same Markdown bodies, anchors as goldmark block attributes).
//! 2. Builds the release `site-gen`, then times each tool on its corpus (one untimed warm-up run,
//!    then 5 timed runs, median wall time)
//!    and records the peak resident memory and CPU time of every run (`/usr/bin/time -f "%e %M %U
//!    %S"`). The real site (`site-gen build --root <workspace>`) is timed the same way. The runs
//!    are interleaved (site-gen, Hugo, real site, site-gen, …) so that load from other work on the
//!    machine is shared between the tools. Every run writes into a new directory and nothing is
//!    deleted while timing, since ext4 slows inode allocation down for a while after a mass
//!    deletion (see `SETTLE`); on a tmpfs, which holds its files in memory and has no such
//!    slowdown, each run's previous output is removed instead.
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

mod corpus;
mod hugo;
mod words;

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

pub fn run(ws: &Workspace, pages: usize, skip_hugo: bool, keep: bool) -> Result<()> {
    let workspace = ws.root.as_path();
    let pages = pages.max(2);
    let docs = pages / 2;
    let time_bin = Path::new("/usr/bin/time");
    if !time_bin.exists() {
        bail!("/usr/bin/time is missing (Debian package `time`): sudo apt-get install -y time");
    }
    let hugo = if skip_hugo { None } else { Some(hugo::find()?) };

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
    // On tmpfs the outputs are held in memory: six runs of each job, about 20 GB for 10 000
    // pages, exhausted it and the kernel killed Hugo's fifth run. tmpfs has no inode slowdown
    // after a deletion, so there each run's previous output is removed once the run is over,
    // and no settling time is waited for.
    let in_memory = on_tmpfs(&tmp);

    // 1–2. Corpora.
    eprintln!(
        "bench: writing a synthetic corpus of {} pages ({docs} documents × fr/en) in {}",
        docs * 2,
        tmp.display()
    );
    let t = Instant::now();
    let sg_root = tmp.join("site-gen");
    let hugo_root = tmp.join("hugo");
    let stats = corpus::write_corpora(
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
    if let Some(t) = deleted_at.filter(|_| !in_memory) {
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
        env: Vec::new(),
        optional: false,
        runs: Vec::new(),
    }];
    // The same build without the search index: what indexing costs (its budget is +25 % of
    // wall time and of peak memory, docs/benchmarks.md).
    jobs.push(Job {
        label: "site-gen (no search)",
        tool: "site-gen (no search)",
        corpus: "synthetic",
        pages: docs * 2,
        out: tmp.join("out-site-gen-nosearch"),
        program: site_gen.clone(),
        args: jobs[0].args.clone(),
        env: vec![("SITE_GEN_BENCH_NO_SEARCH", "1")],
        optional: false,
        runs: Vec::new(),
    });
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
            env: Vec::new(),
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
        env: Vec::new(),
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
                Ok(r) => {
                    if round >= WARMUP {
                        job.runs.push(r);
                    }
                    if in_memory && round > 0 {
                        let old = job.out_dir(round - 1);
                        fs::remove_dir_all(&old)
                            .with_context(|| format!("removing {}", old.display()))?;
                    }
                }
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
    if let Some(cost) = indexing_cost(&rows) {
        writeln!(report, "{cost}\n")?;
    }
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

/// One command to time, with its output directory (emptied before every run).
struct Job {
    label: &'static str,
    tool: &'static str,
    corpus: &'static str,
    pages: usize,
    out: PathBuf,
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
    /// Environment variables set for the command.
    env: Vec<(&'static str, &'static str)>,
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

/// Whether `dir` is on a tmpfs: the mount in `/proc/mounts` with the longest path that holds
/// it. (Escaped characters in mount paths, `\040` for a space, are not decoded: such a mount
/// is not matched, and its outputs are kept as on a disk.)
fn on_tmpfs(dir: &Path) -> bool {
    let Ok(mounts) = fs::read_to_string("/proc/mounts") else {
        return false;
    };
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split(' ');
            let (_, at, kind) = (f.next()?, f.next()?, f.next()?);
            dir.starts_with(at).then_some((at.len(), kind == "tmpfs"))
        })
        .max_by_key(|(len, _)| *len)
        .is_some_and(|(_, tmpfs)| tmpfs)
}

/// Runs a job once under `/usr/bin/time`, into a new output directory.
fn run_once(job: &Job, time_bin: &Path, round: usize) -> Result<Run> {
    let out = job.out_dir(round);
    let rusage = out.with_extension("time");
    // Start every run with no pending writeback from the previous one.
    let _ = Command::new("sync").status();
    let mut cmd = Command::new(time_bin);
    // Each corpus keeps its social cards under its own root (cargo sets this variable for the
    // checkout), so the first run draws them and the others show a warm build.
    cmd.env_remove("SITE_GEN_CARD_CACHE");
    cmd.arg("-f")
        .arg("%e %M %U %S")
        .arg("-o")
        .arg(&rusage)
        .envs(job.env.iter().copied())
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

/// The search index's share of the synthetic build: the medians and peaks with it against
/// those without it.
fn indexing_cost(rows: &[Row]) -> Option<String> {
    let with = rows
        .iter()
        .find(|r| r.tool == "site-gen" && r.corpus == "synthetic")?;
    let without = rows.iter().find(|r| r.tool == "site-gen (no search)")?;
    let pct = |a: f64, b: f64| (a / b - 1.0) * 100.0;
    let cpu = |m: &Measure| {
        let mut v: Vec<f64> = m.runs.iter().map(|r| r.user + r.sys).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    Some(format!(
        "Indexing cost (site-gen with the search index against without it, synthetic corpus): median wall time \
         {:+.1} % ({:.3} s against {:.3} s), peak RSS {:+.1} % ({:.0} against {:.0} MiB), median CPU (user + sys) \
         {:+.1} % ({:.1} against {:.1} s). Budget: at most +25 % wall time and +25 % peak memory.",
        pct(with.m.median_wall(), without.m.median_wall()),
        with.m.median_wall(),
        without.m.median_wall(),
        pct(with.m.peak_rss_kib() as f64, without.m.peak_rss_kib() as f64),
        with.m.peak_rss_kib() as f64 / 1024.0,
        without.m.peak_rss_kib() as f64 / 1024.0,
        pct(cpu(&with.m), cpu(&without.m)),
        cpu(&with.m),
        cpu(&without.m),
    ))
}

fn tail(s: &str, lines: usize) -> String {
    let v: Vec<&str> = s.lines().collect();
    v[v.len().saturating_sub(lines)..].join("\n")
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

pub(super) fn count_md(dir: &Path) -> Result<usize> {
    count_ext(dir, "md")
}

#[cfg(test)]
mod tests {
    use super::on_tmpfs;
    use std::path::Path;

    #[test]
    fn tmpfs_is_told_from_other_file_systems() {
        // Linux mounts /dev/shm as a tmpfs and /proc as a proc file system; /proc/self is below
        // both `/` and `/proc`, and belongs to the deeper one.
        assert!(on_tmpfs(Path::new("/dev/shm")));
        assert!(!on_tmpfs(Path::new("/proc/self")));
    }
}
