//! `docker build`: BuildKit running a Dockerfile against the build context, with its cache.
//!
//! What BuildKit does, and we model: the context is the folder minus `.dockerignore`, and only the
//! paths COPY/ADD name are transferred; each stage starts from its FROM image; every RUN, COPY,
//! ADD and WORKDIR is a step whose cache key covers its parent's key, its own text (variables
//! expanded), the environment, user and workdir it runs with, the checksums of the files it copies
//! and, for RUN, the build args in scope. A key already in the cache is `CACHED`; the first miss
//! invalidates every later step of that stage (their parent changed). Config instructions (ENV,
//! CMD, EXPOSE, LABEL, USER, ENTRYPOINT, HEALTHCHECK, VOLUME, STOPSIGNAL, ARG) make no layer and
//! are no step of their own. Multi-stage: only the final stage (or `--target`) becomes the image;
//! stages nothing needs are skipped; `COPY --from=` brings files across. The output is BuildKit's
//! `--progress=plain` layout (`#N [stage 2/5] RUN …`, `#N CACHED`, `#N DONE 2.3s`), on stderr.
//!
//! What we simplify: the whole build completes within one simulation step (its durations are
//! computed deterministically from the instructions and printed, not waited for); programs in RUN
//! are not executed: their output, duration and layer size are estimates from the command
//! (`npm ci` from the dependencies in package.json, `apt-get install` from the package count),
//! except a Vite build's output; the image's files are what COPY copied and what npm leaves
//! (`node_modules/` as one blob, a Vite app's `dist/`), src/sim/docker/build/files.rs.

use std::collections::{BTreeMap, BTreeSet};

use super::super::hostfs::{self, Entry, HostFs};
use super::super::record::Record;
use super::super::world::World;
use super::cli::DockerCommand;
use super::containerfs::model::{Files, Node};
use super::dockerfile::{self, Instruction};
use super::engine;
use super::error::DockerError;
use super::image::{ImageRef, content_digest, human_size};
use super::imagecmd;
use super::images::{HistoryEntry, Image, ImageConfig};
use crate::sim::order::CollectOrdered;

pub mod files;
pub mod model;

pub use model::{
    BuildOptions, BuildReport, Builder, CacheRecord, StageReport, StepReport, StepStatus,
};

/// The ID `docker builder prune` shows for a cache record (25 lowercase characters).
pub fn record_id(key: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    content_digest(&format!("ref:{key}"))
        .as_bytes()
        .chunks(2)
        .take(25)
        .map(|pair| {
            let v = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0);
            ALPHABET[usize::from(v) % ALPHABET.len()] as char
        })
        .collect()
}

/// Dispatches `docker build` and the image commands (called from src/sim/shell/docker.rs).
pub fn run_image_command(
    world: &mut World,
    command: DockerCommand,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match command {
        DockerCommand::Build(options) => build(world, &options, rec),
        DockerCommand::History {
            image,
            no_trunc,
            quiet,
        } => {
            let text = imagecmd::history(world, &image, no_trunc, quiet)?;
            rec.out(text);
            if let Some(i) = world.engine.images.find(&image) {
                rec.touch(i.display_name());
            }
            rec.say("Each line is one instruction of the Dockerfiles that made this image, newest on top; 0B lines changed only the config. <missing> means the layer came with a pull, not from a build here.");
            Ok(())
        }
        DockerCommand::Rmi { images, force } => {
            let mut errors = Vec::new();
            for name in &images {
                if let Err(e) = imagecmd::remove(world, name, force, rec) {
                    errors.push(e.message);
                }
            }
            if errors.is_empty() {
                Ok(())
            } else if errors.len() == images.len() {
                Err(DockerError::new(errors.join("\n"), 1))
            } else {
                for e in errors {
                    rec.err(e);
                }
                Ok(())
            }
        }
        DockerCommand::SystemDf => {
            rec.out(imagecmd::system_df(world));
            let sum: u64 = world
                .engine
                .images
                .by_id
                .values()
                .map(Image::size_bytes)
                .sum();
            let unique: u64 = world.engine.images.unique_layers().values().sum();
            if sum > unique {
                rec.say(format!(
                    "`docker images` adds up to {}, but the disk holds {}: {} of layers are shared between images and stored once.",
                    human_size(sum),
                    human_size(unique),
                    human_size(sum - unique)
                ));
            }
            Ok(())
        }
        DockerCommand::ImageInspect { names, format } => {
            imagecmd::image_inspect(world, &names, format.as_deref(), rec)
        }
        DockerCommand::BuilderPrune => {
            imagecmd::builder_prune(world, rec);
            Ok(())
        }
        other => Err(DockerError::new(
            format!("dockyard: {other:?} is not an image command"),
            1,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// The build context and .dockerignore

/// A `.dockerignore` rule.
struct IgnoreRule {
    pattern: Vec<String>,
    exclude: bool,
}

fn ignore_rules(text: &str) -> Vec<IgnoreRule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (exclude, p) = match l.strip_prefix('!') {
                Some(p) => (false, p.trim()),
                None => (true, l),
            };
            let p = p.trim_start_matches("./").trim_start_matches('/');
            let p = p.trim_end_matches('/');
            IgnoreRule {
                pattern: p.split('/').map(str::to_string).collect(),
                exclude,
            }
        })
        .collect()
}

fn glob_segment(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(&p, &t)
}

fn glob_path(pattern: &[String], path: &[&str]) -> bool {
    match pattern.first() {
        None => path.is_empty(),
        Some(seg) if seg == "**" => {
            (0..=path.len()).any(|skip| glob_path(&pattern[1..], &path[skip..]))
        }
        Some(seg) => {
            !path.is_empty() && glob_segment(seg, path[0]) && glob_path(&pattern[1..], &path[1..])
        }
    }
}

/// moby patternmatcher: a path is excluded when it, or a folder above it, matches the last rule
/// that matches.
fn is_ignored(rules: &[IgnoreRule], path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let mut ignored = false;
    for rule in rules {
        let hit = (1..=parts.len()).any(|n| glob_path(&rule.pattern, &parts[..n]));
        if hit {
            ignored = rule.exclude;
        }
    }
    ignored
}

/// The files of the build context: relative path → (size, checksum).
struct Context {
    dir: String,
    files: BTreeMap<String, (u64, String)>,
    all_bytes: u64,
    has_ignore: bool,
}

fn load_context(world: &World, dir: &str) -> Context {
    let ignore_path = format!("{dir}/.dockerignore");
    let (rules, has_ignore) = match world.fs.get(&ignore_path) {
        Some(Entry::File { content }) => (ignore_rules(content), true),
        _ => (Vec::new(), false),
    };
    let mut files = BTreeMap::new();
    let mut all_bytes = 0;
    for (rel, entry) in world.fs.walk(dir) {
        if matches!(entry, Entry::Dir) {
            continue;
        }
        all_bytes += entry.size_bytes();
        if is_ignored(&rules, &rel) {
            continue;
        }
        let checksum = world
            .fs
            .checksum(&format!("{dir}/{rel}"))
            .unwrap_or_default();
        files.insert(rel, (entry.size_bytes(), checksum));
    }
    Context {
        dir: dir.to_string(),
        files,
        all_bytes,
        has_ignore,
    }
}

impl Context {
    fn bytes(&self) -> u64 {
        self.files.values().map(|(s, _)| s).sum()
    }

    /// The files a COPY source names: a file, a folder's content, `.`, or a glob.
    fn matching(&self, source: &str) -> BTreeMap<String, (u64, String)> {
        let src = source.trim_start_matches("./").trim_start_matches('/');
        let src = src.trim_end_matches('/');
        if src.is_empty() || src == "." {
            return self.files.clone();
        }
        let pattern: Vec<String> = src.split('/').map(str::to_string).collect();
        self.files
            .iter()
            .filter(|(path, _)| {
                let parts: Vec<&str> = path.split('/').collect();
                (1..=parts.len()).any(|n| glob_path(&pattern, &parts[..n]))
            })
            .map(|(p, v)| (p.clone(), v.clone()))
            .collect_map()
    }

    /// What `COPY SOURCE` takes from the context: each file, and its path below the source
    /// (`None` when the source names the file itself, so the destination decides its name).
    fn copied(&self, source: &str) -> Vec<(String, Option<String>)> {
        let src = source.trim_start_matches("./").trim_start_matches('/');
        let src = src.trim_end_matches('/');
        if src.is_empty() || src == "." {
            return self
                .files
                .keys()
                .map(|p| (p.clone(), Some(p.clone())))
                .collect();
        }
        let pattern: Vec<String> = src.split('/').map(str::to_string).collect();
        self.files
            .keys()
            .filter_map(|path| {
                let parts: Vec<&str> = path.split('/').collect();
                let n = (1..=parts.len()).find(|n| glob_path(&pattern, &parts[..*n]))?;
                let rest = (n < parts.len()).then(|| parts[n..].join("/"));
                Some((path.clone(), rest))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The build

/// A stage as the Dockerfile declares it.
struct Stage {
    name: Option<String>,
    from: String,
    from_line: usize,
    instructions: Vec<Instruction>,
}

/// What a built stage leaves behind for the stages after it.
#[derive(Clone)]
struct StageResult {
    key: String,
    history: Vec<HistoryEntry>,
    config: ImageConfig,
    /// Layers this stage built itself: (created_by, size, is dependency install).
    own: Vec<(String, u64, bool)>,
    /// Its filesystem: the base's files and what its steps put there (src/sim/docker/build/files.rs).
    files: Files,
}

/// Expands `$VAR` and `${VAR}` (with `${VAR:-default}`) from `vars`.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' && i + 1 < chars.len() {
            if chars[i + 1] == '{'
                && let Some(end) = chars[i..].iter().position(|c| *c == '}')
            {
                let inner: String = chars[i + 2..i + end].iter().collect();
                let (name, default) = match inner.split_once(":-") {
                    Some((n, d)) => (n.to_string(), Some(d.to_string())),
                    None => (inner.clone(), None),
                };
                match vars.get(&name) {
                    Some(v) if !v.is_empty() => out.push_str(v),
                    _ => out.push_str(&default.unwrap_or_default()),
                }
                i += end + 1;
                continue;
            }
            let name: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .collect();
            if !name.is_empty() {
                if let Some(v) = vars.get(&name) {
                    out.push_str(v);
                } else {
                    out.push_str(&format!("${name}"));
                }
                i += 1 + name.chars().count();
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `KEY=value KEY2="v 2"` or the legacy `KEY value`.
fn key_values(args: &str) -> Vec<(String, String)> {
    let words = shell_words::split(args).unwrap_or_else(|_| vec![args.to_string()]);
    if words.len() >= 2 && !words[0].contains('=') {
        return vec![(words[0].clone(), words[1..].join(" "))];
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w, String::new()),
        })
        .collect()
}

/// The package.json dependencies in the context (for `npm ci` estimates).
fn dependency_count(world: &World, context: &Context) -> u64 {
    let Some(Entry::File { content }) = world.fs.get(&format!("{}/package.json", context.dir))
    else {
        return 3;
    };
    serde_json::from_str::<serde_json::Value>(content)
        .ok()
        .and_then(|v| {
            v.get("dependencies")
                .and_then(|d| d.as_object())
                .map(|d| d.len() as u64)
        })
        .unwrap_or(0)
}

/// A RUN's simulated output lines, duration and layer size, from the command.
fn run_estimate(command: &str, deps: u64) -> (Vec<String>, u64, u64, bool) {
    let words: Vec<&str> = command.split_whitespace().collect();
    let count_after = |verb: &str| {
        words
            .iter()
            .skip_while(|w| **w != verb)
            .skip(1)
            .filter(|w| !w.starts_with('-') && !w.contains("&&"))
            .take_while(|w| **w != "&&" && **w != ";")
            .count() as u64
    };
    if command.contains("npm ci")
        || command.contains("npm install")
        || command.contains("yarn install")
    {
        let packages = 30 * deps + 4;
        let duration_ms = 8_000 + 4_000 * deps;
        let lines = vec![
            format!(
                "added {packages} packages, and audited {} packages in {}s",
                packages + 1,
                duration_ms / 1000
            ),
            String::new(),
            format!("{} packages are looking for funding", deps * 4 + 1),
            "  run `npm fund` for details".to_string(),
            String::new(),
            "found 0 vulnerabilities".to_string(),
        ];
        return (lines, duration_ms, 4_200_000 + 2_900_000 * deps, true);
    }
    if command.contains("apt-get install") {
        let n = count_after("install").max(1);
        let lines = vec![
            "Reading package lists...".to_string(),
            "Building dependency tree...".to_string(),
            format!("{n} newly installed, 0 to remove and 0 not upgraded."),
        ];
        return (lines, 12_000 + 3_000 * n, 30_000_000 + 15_000_000 * n, true);
    }
    if command.contains("apk add") {
        let n = count_after("add").max(1);
        let lines = vec![format!("OK: {} MiB in {} packages", 8 + 2 * n, 15 + n)];
        return (lines, 2_000 + 500 * n, 2_500_000 * n, true);
    }
    if command.contains("pip install") {
        return (
            vec!["Successfully installed …".to_string()],
            12_000,
            35_000_000,
            true,
        );
    }
    if command.contains("npm run build") {
        return (
            vec!["> build".to_string(), "built in 4.2s".to_string()],
            6_000,
            1_200_000,
            false,
        );
    }
    if let Some(rest) = command.strip_prefix("echo ") {
        return (
            vec![rest.trim_matches(['"', '\'']).to_string()],
            200,
            0,
            false,
        );
    }
    let quiet = [
        "mkdir", "chown", "chmod", "ln", "rm", "true", "addgroup", "adduser",
    ];
    let size = if words.first().is_some_and(|w| quiet.contains(w)) {
        0
    } else {
        12_300
    };
    (Vec::new(), 300, size, false)
}

fn seconds(ms: u64) -> String {
    format!("{}.{}s", ms / 1000, (ms % 1000) / 100)
}

fn json_words(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

/// Shell form runs through `/bin/sh -c`.
fn command_words(ins: &Instruction, vars: &BTreeMap<String, String>) -> Vec<String> {
    match &ins.json {
        Some(words) => words.clone(),
        None => vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            expand(&ins.args, vars),
        ],
    }
}

struct Failure {
    line: usize,
    message: String,
    /// Printed under the step, before the summary (`#7 ERROR: …`).
    step_error: Option<String>,
}

fn fail(line: usize, message: impl Into<String>) -> Failure {
    Failure {
        line,
        message: message.into(),
        step_error: None,
    }
}

/// The Dockerfile and what came with it, read before anything is built.
struct Definition {
    /// The `-t` tags, normalised (`app` → `app:latest`).
    tags: Vec<String>,
    /// `--build-arg KEY=VALUE`.
    build_args: BTreeMap<String, String>,
    /// ARGs before the first FROM: they feed FROM lines only.
    global_args: BTreeMap<String, String>,
    /// The context folder.
    dir: String,
    /// The Dockerfile's name as BuildKit prints it.
    shown_name: String,
    /// The Dockerfile's text.
    text: String,
    context: Context,
}

/// The stages and which of them the target needs.
struct Plan {
    stages: Vec<Stage>,
    final_index: usize,
    needed: BTreeSet<usize>,
}

impl Plan {
    /// The stage `name` (or number) refers to among the stages before `before`.
    fn stage_index(&self, name: &str, before: usize) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        self.stages[..before]
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| lower.parse::<usize>().ok().filter(|i| *i < before))
    }

    fn multi(&self) -> bool {
        self.stages.len() > 1
    }

    /// How BuildKit names a stage in its progress (`build`, `stage-0`, or nothing for one stage).
    fn label(&self, i: usize) -> String {
        match &self.stages[i].name {
            Some(n) => n.clone(),
            None if self.multi() => format!("stage-{i}"),
            None => String::new(),
        }
    }
}

/// One `docker build` in progress: BuildKit's printed progress and its vertex counter, the
/// simulated clock, the report for the picture, the stages built so far and the first failure.
struct Progress {
    lines: Vec<String>,
    /// BuildKit's vertex number, the `#n` of each progress line.
    n: usize,
    clock_ms: u64,
    report: BuildReport,
    results: BTreeMap<usize, StageResult>,
    failure: Option<Failure>,
    /// The `load build context` vertex is printed once, before the first stage that uses it.
    context_line_done: bool,
}

impl Progress {
    /// Ends the build with `message` after the progress so far; the report (with `report_error`)
    /// is kept for the picture, as BuildKit keeps what it did.
    fn fail(&mut self, world: &mut World, report_error: String, message: String) -> DockerError {
        self.report.error = Some(report_error);
        world.builder.last = Some(std::mem::take(&mut self.report));
        DockerError::new(message, 1).keeping_state()
    }

    /// A failure whose message is the progress so far and one line.
    fn fail_after_progress(&mut self, world: &mut World, message: String) -> DockerError {
        let full = format!("{}\n{message}", self.lines.join("\n").trim_end());
        self.fail(world, message, full)
    }
}

/// The state of the stage being built: its cache key so far, its history and config, and the
/// ARGs and ENV in scope.
struct StageState {
    key: String,
    history: Vec<HistoryEntry>,
    config: ImageConfig,
    env: BTreeMap<String, String>,
    args: BTreeMap<String, String>,
    /// The stage's step counter (`[2/5]`); FROM is step 1.
    step_no: usize,
    /// The first step of this stage that missed the cache, and its text.
    first_miss: Option<(usize, String)>,
    /// Layers this stage built itself: (created_by, size, is dependency install).
    own: Vec<(String, u64, bool)>,
    files: Files,
}

/// `docker build`. Prints BuildKit's plain progress; on failure nothing changes but the cache
/// entries of the steps that did finish (BuildKit keeps them), and the report.
pub fn build(
    world: &mut World,
    options: &BuildOptions,
    rec: &mut Record,
) -> Result<(), DockerError> {
    let (mut def, mut progress) = load(world, options)?;
    let plan = plan(world, options, &mut def, &mut progress)?;
    let bases = resolve_bases(world, &def, &plan, &mut progress)?;
    let uses_context = transfer_context(world, &def, &plan, &mut progress);
    let deps = dependency_count(world, &def.context);
    for i in 0..plan.stages.len() {
        build_stage(
            world,
            options,
            &def,
            &plan,
            &bases,
            i,
            uses_context,
            deps,
            &mut progress,
        );
    }
    progress.report.total_ms = progress.clock_ms;
    if let Some(f) = progress.failure.take() {
        let message = format!(
            "{}\n{}\nERROR: failed to build: failed to solve: {}",
            progress.lines.join("\n").trim_end(),
            dockerfile::excerpt(&def.shown_name, &def.text, f.line),
            f.message
        );
        rec.say("The build failed at the marked line. The steps that finished before it stay in the build cache; no image was made.");
        // The cache entries of the finished steps are real state, as in BuildKit.
        return Err(progress.fail(world, f.message, message));
    }
    let image_id = export(world, options, &def, &plan, &mut progress, rec);
    rec.say(narration(&def, &plan, &progress, &image_id));
    let name = def
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| image_id[..12].to_string());
    rec.touch(name);
    world.builder.last = Some(progress.report);
    Ok(())
}

/// Checks the tags, finds the context and the Dockerfile, and parses it. Nothing has happened
/// yet when this fails, except that a parse error is kept in the report.
fn load(world: &mut World, options: &BuildOptions) -> Result<(Definition, Progress), DockerError> {
    // Check the tags first: the CLI refuses a bad -t before anything runs.
    let mut tags = Vec::new();
    for t in &options.tags {
        let r = ImageRef::parse(t).map_err(|e| {
            DockerError::new(
                format!("ERROR: failed to build: invalid tag \"{t}\": {e}"),
                1,
            )
        })?;
        tags.push(r.full());
    }
    let mut build_args = BTreeMap::new();
    for kv in &options.build_args {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        build_args.insert(k.to_string(), v.to_string());
    }
    let dir = hostfs::normalise(&world.fs.cwd, &options.context);
    if !matches!(world.fs.get(&dir), Some(Entry::Dir)) {
        return Err(DockerError::new(
            format!(
                "ERROR: failed to build: unable to prepare context: path \"{}\" not found",
                options.context
            ),
            1,
        ));
    }
    let file_name = options
        .file
        .clone()
        .unwrap_or_else(|| "Dockerfile".to_string());
    let file_path = hostfs::normalise(&dir, &file_name);
    let shown_name = file_name
        .rsplit('/')
        .next()
        .unwrap_or(&file_name)
        .to_string();
    let mut lines: Vec<String> = vec![
        "#0 building with \"default\" instance using docker driver".to_string(),
        String::new(),
        format!("#1 [internal] load build definition from {shown_name}"),
    ];
    let Some(Entry::File { content: text }) = world.fs.get(&file_path).cloned() else {
        lines.push("#1 transferring dockerfile: 2B done".to_string());
        lines.push("#1 DONE 0.0s".to_string());
        return Err(DockerError::new(
            format!(
                "{}\nERROR: failed to build: failed to solve: failed to read dockerfile: open {shown_name}: no such file or directory",
                lines.join("\n")
            ),
            1,
        ));
    };
    lines.push(format!(
        "#1 transferring dockerfile: {} done",
        human_size(text.len() as u64)
    ));
    lines.push("#1 DONE 0.0s".to_string());
    lines.push(String::new());
    let context = load_context(world, &dir);
    let report = BuildReport {
        dockerfile: shown_name.clone(),
        context_all_bytes: context.all_bytes,
        context_bytes: context.bytes(),
        dockerignore: context.has_ignore,
        tags: tags.clone(),
        ..Default::default()
    };
    let progress = Progress {
        lines,
        n: 2,
        clock_ms: 0,
        report,
        results: BTreeMap::new(),
        failure: None,
        context_line_done: false,
    };
    let def = Definition {
        tags,
        build_args,
        global_args: BTreeMap::new(),
        dir,
        shown_name,
        text,
        context,
    };
    Ok((def, progress))
}

/// Parses the Dockerfile into stages, picks the target and the stages it needs
/// (FROM <stage>, COPY --from=<stage>, transitively).
fn plan(
    world: &mut World,
    options: &BuildOptions,
    def: &mut Definition,
    progress: &mut Progress,
) -> Result<Plan, DockerError> {
    let instructions = match dockerfile::parse(&def.text) {
        Ok(i) => i,
        Err(e) => {
            let message = format!(
                "{}\n{}\nERROR: failed to build: failed to solve: dockerfile parse error on line {}: {}",
                progress.lines.join("\n").trim_end(),
                dockerfile::excerpt(&def.shown_name, &def.text, e.line),
                e.line,
                e.message
            );
            return Err(progress.fail(world, e.message, message));
        }
    };
    let mut stages: Vec<Stage> = Vec::new();
    for ins in instructions {
        if ins.keyword == "FROM" {
            let words = ins.words();
            let from = expand(&words[0], &def.global_args);
            let name = (words.len() == 3).then(|| words[2].to_ascii_lowercase());
            stages.push(Stage {
                name,
                from,
                from_line: ins.line,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(ins);
        } else if ins.keyword == "ARG" {
            for (k, v) in key_values(&ins.args) {
                let value = def.build_args.get(&k).cloned().unwrap_or(v);
                def.global_args.insert(k, value);
            }
        } else {
            return Err(progress.fail_after_progress(
                world,
                "ERROR: failed to build: failed to solve: no build stage in current context"
                    .to_string(),
            ));
        }
    }
    if stages.is_empty() {
        return Err(progress.fail_after_progress(
            world,
            "ERROR: failed to build: failed to solve: file with no instructions".to_string(),
        ));
    }
    let final_index = match &options.target {
        None => stages.len() - 1,
        Some(t) => match stages
            .iter()
            .position(|s| s.name.as_deref() == Some(t.to_ascii_lowercase().as_str()))
        {
            Some(i) => i,
            None => {
                return Err(progress.fail_after_progress(
                    world,
                    format!(
                        "ERROR: failed to build: failed to solve: target stage \"{t}\" could not be found"
                    ),
                ));
            }
        },
    };
    let mut plan = Plan {
        stages,
        final_index,
        needed: BTreeSet::new(),
    };
    let mut todo = vec![final_index];
    while let Some(i) = todo.pop() {
        if !plan.needed.insert(i) {
            continue;
        }
        if let Some(j) = plan.stage_index(&plan.stages[i].from, i) {
            todo.push(j);
        }
        for ins in &plan.stages[i].instructions {
            if let Some(from) = ins.flag("from")
                && let Some(j) = plan.stage_index(from, i)
            {
                todo.push(j);
            }
        }
    }
    Ok(plan)
}

/// Resolves the external base images the needed stages start from (BuildKit's "load
/// metadata"), pulling those the engine does not have.
fn resolve_bases(
    world: &mut World,
    def: &Definition,
    plan: &Plan,
    progress: &mut Progress,
) -> Result<BTreeMap<String, Image>, DockerError> {
    let mut bases: BTreeMap<String, Image> = BTreeMap::new();
    for &i in &plan.needed {
        let from = &plan.stages[i].from;
        if from == "scratch" || plan.stage_index(from, i).is_some() || bases.contains_key(from) {
            continue;
        }
        let n = progress.n;
        let reference = match ImageRef::parse(from) {
            Ok(r) => r,
            Err(e) => {
                return Err(progress.fail_after_progress(
                    world,
                    format!(
                        "ERROR: failed to build: failed to solve: failed to parse stage name \"{from}\": {e}"
                    ),
                ));
            }
        };
        progress.lines.push(format!(
            "#{n} [internal] load metadata for {}/{}:{}",
            reference.registry,
            reference.hub_path(),
            reference.tag
        ));
        let image = match world.engine.images.get(&reference.full()) {
            Some(local) => local.clone(),
            None => match engine::pull(world, &reference) {
                Ok(image) => image,
                Err(e) => {
                    let why = if e.message.contains("manifest unknown") {
                        format!(
                            "{}/{}:{}: not found",
                            reference.registry,
                            reference.hub_path(),
                            reference.tag
                        )
                    } else if super::registry::loopback(&reference.registry).is_some() {
                        // A private registry that is not there: the daemon's own error.
                        e.message
                            .trim_start_matches("Error response from daemon: ")
                            .to_string()
                    } else {
                        "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed".to_string()
                    };
                    progress.lines.push(format!("#{n} ERROR: {why}"));
                    progress.lines.push(String::new());
                    let message = format!(
                        "{}\n{}\nERROR: failed to build: failed to solve: {from}: failed to resolve source metadata for {}/{}:{}: {why}",
                        progress.lines.join("\n").trim_end(),
                        dockerfile::excerpt(&def.shown_name, &def.text, plan.stages[i].from_line),
                        reference.registry,
                        reference.hub_path(),
                        reference.tag
                    );
                    return Err(progress.fail(world, format!("{from}: not found"), message));
                }
            },
        };
        progress.lines.push(format!("#{n} DONE 0.{}s", 3 + (n % 5)));
        progress.lines.push(String::new());
        bases.insert(from.clone(), image);
        progress.n += 1;
    }
    Ok(bases)
}

/// Prints the `.dockerignore` vertex and works out what the context transfer sends: only the
/// paths COPY/ADD use (BuildKit FollowPaths). Returns whether any needed stage uses the context.
fn transfer_context(world: &World, def: &Definition, plan: &Plan, progress: &mut Progress) -> bool {
    let n = progress.n;
    progress
        .lines
        .push(format!("#{n} [internal] load .dockerignore"));
    let ignore_size = world
        .fs
        .get(&format!("{}/.dockerignore", def.dir))
        .map(Entry::size_bytes)
        .unwrap_or(0);
    progress.lines.push(format!(
        "#{n} transferring context: {} done",
        human_size(ignore_size.max(2))
    ));
    progress.lines.push(format!("#{n} DONE 0.0s"));
    progress.lines.push(String::new());
    progress.n += 1;
    let mut sent: BTreeMap<String, u64> = BTreeMap::new();
    let mut uses_context = false;
    for &i in &plan.needed {
        for ins in &plan.stages[i].instructions {
            if matches!(ins.keyword.as_str(), "COPY" | "ADD") && ins.flag("from").is_none() {
                uses_context = true;
                let words = ins.words();
                for src in &words[..words.len() - 1] {
                    for (p, (size, _)) in def.context.matching(src) {
                        sent.insert(p, size);
                    }
                }
            }
        }
    }
    progress.report.transferred_bytes = sent.values().sum();
    uses_context
}

/// Builds stage `i` (or records why it was skipped) into `progress.results` and the report.
/// Long because it is BuildKit's order for one stage (skip, start, FROM, context, each
/// instruction, final config) around one `StageState`; each step is its own function.
#[allow(clippy::too_many_arguments)] // the build's fixed inputs, passed down rather than bundled once more
fn build_stage(
    world: &mut World,
    options: &BuildOptions,
    def: &Definition,
    plan: &Plan,
    bases: &BTreeMap<String, Image>,
    i: usize,
    uses_context: bool,
    deps: u64,
    progress: &mut Progress,
) {
    let stage = &plan.stages[i];
    let mut stage_report = StageReport {
        name: plan.label(i),
        base: stage.from.clone(),
        base_size_bytes: 0,
        steps: Vec::new(),
        size_bytes: 0,
        is_final: i == plan.final_index,
        needed: plan.needed.contains(&i),
    };
    if !plan.needed.contains(&i) || progress.failure.is_some() {
        for ins in &stage.instructions {
            stage_report.steps.push(StepReport {
                line: ins.line,
                text: ins.text(),
                status: if plan.needed.contains(&i) {
                    StepStatus::NotReached
                } else {
                    StepStatus::Skipped
                },
                reason: if plan.needed.contains(&i) {
                    "the build stopped before this step".to_string()
                } else {
                    format!("stage {} is not needed for the target", plan.label(i))
                },
                size_bytes: 0,
                duration_ms: 0,
            });
        }
        progress.report.stages.push(stage_report);
        return;
    }
    let mut state = start_stage(plan, bases, &progress.results, i);
    stage_report.base_size_bytes = state.history.iter().map(|h| h.size_bytes).sum();
    let total_steps = stage
        .instructions
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "RUN" | "COPY" | "ADD" | "WORKDIR"))
        .count()
        + 1;
    let width = total_steps.to_string().len();
    let label = plan.label(i);
    let step_label = |k: usize| {
        let counter = format!("{k:>width$}/{total_steps}");
        if label.is_empty() {
            format!("[{counter}]")
        } else {
            format!("[{label} {counter}]")
        }
    };
    if stage.from != "scratch" && plan.stage_index(&stage.from, i).is_none() {
        print_from(
            world,
            &bases[&stage.from],
            &stage.from,
            &step_label(1),
            progress,
        );
    }
    if uses_context && !progress.context_line_done {
        let n = progress.n;
        let transfer_ms = progress.report.transferred_bytes / 100_000;
        progress
            .lines
            .push(format!("#{n} [internal] load build context"));
        progress.lines.push(format!(
            "#{n} transferring context: {} {} done",
            human_size(progress.report.transferred_bytes),
            seconds(transfer_ms)
        ));
        progress
            .lines
            .push(format!("#{n} DONE {}", seconds(transfer_ms)));
        progress.lines.push(String::new());
        progress.clock_ms += transfer_ms;
        progress.n += 1;
        progress.context_line_done = true;
    }
    for ins in &stage.instructions {
        let mut step = StepReport {
            line: ins.line,
            text: ins.text(),
            status: StepStatus::Config,
            reason: String::new(),
            size_bytes: 0,
            duration_ms: 0,
        };
        if progress.failure.is_some() {
            step.status = StepStatus::NotReached;
            step.reason = "the build stopped before this step".to_string();
            stage_report.steps.push(step);
            continue;
        }
        let mut vars = state.args.clone();
        vars.extend(state.env.clone());
        if matches!(ins.keyword.as_str(), "RUN" | "COPY" | "ADD" | "WORKDIR") {
            state.step_no += 1;
            let header = format!(
                "#{} {} {}",
                progress.n,
                step_label(state.step_no),
                ins.text()
            );
            let ctx = StepContext {
                options,
                def,
                plan,
                stage_index: i,
                deps,
            };
            run_step(
                world, &ctx, ins, &vars, header, &mut state, &mut step, progress,
            );
        } else if let Err(failure) = apply_config(def, ins, &vars, &mut state) {
            progress.failure = Some(failure);
        }
        if step.status == StepStatus::Config
            && let Some(f) = &progress.failure
        {
            step.status = StepStatus::Failed;
            step.reason = f.message.clone();
        }
        stage_report.steps.push(step);
    }
    let StageState {
        key,
        history,
        mut config,
        env,
        own,
        files,
        ..
    } = state;
    config.env = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // Keep PATH first, as images list it.
    crate::sim::order::sort_by_key(&mut config.env, |e| !e.starts_with("PATH="));
    // Config-only changes still change the key of what comes after (the image config).
    let config_key = content_digest(&format!("{key}\n{config:?}"));
    stage_report.size_bytes = history.iter().map(|h| h.size_bytes).sum();
    progress.report.stages.push(stage_report);
    progress.results.insert(
        i,
        StageResult {
            key: config_key,
            history,
            config,
            own,
            files,
        },
    );
}

/// Where stage `i` starts: an earlier stage's result, `scratch`, or an external base image.
fn start_stage(
    plan: &Plan,
    bases: &BTreeMap<String, Image>,
    results: &BTreeMap<usize, StageResult>,
    i: usize,
) -> StageState {
    let stage = &plan.stages[i];
    let (key, history, config, files) = if let Some(j) = plan.stage_index(&stage.from, i) {
        let r = &results[&j];
        (
            r.key.clone(),
            r.history.clone(),
            r.config.clone(),
            r.files.clone(),
        )
    } else if stage.from == "scratch" {
        (
            content_digest("scratch"),
            Vec::new(),
            ImageConfig {
                stop_signal: "SIGTERM".to_string(),
                os: "linux".to_string(),
                workdir: "/".to_string(),
                ..Default::default()
            },
            Files::new(),
        )
    } else {
        let image = &bases[&stage.from];
        (
            content_digest(&format!("from:{}", image.id)),
            image.history.clone(),
            image.config.clone(),
            image.files.clone(),
        )
    };
    let env: BTreeMap<String, String> = config
        .env
        .iter()
        .filter_map(|e| {
            e.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect_map();
    StageState {
        key,
        history,
        config,
        env,
        args: BTreeMap::new(),
        step_no: 1,
        first_miss: None,
        own: Vec::new(),
        files,
    }
}

/// The FROM vertex of an external base: resolved, then CACHED, or its layers downloaded into
/// BuildKit's store on first use (~100 MB/s).
fn print_from(
    world: &mut World,
    image: &Image,
    from: &str,
    step_label: &str,
    progress: &mut Progress,
) {
    let n = progress.n;
    let reference = ImageRef::parse(from).expect("parsed in resolve_bases");
    let digest = image
        .repo_digest
        .clone()
        .unwrap_or_else(|| image.id.clone());
    progress.lines.push(format!(
        "#{n} {step_label} FROM {}/{}:{}@sha256:{digest}",
        reference.registry,
        reference.hub_path(),
        reference.tag
    ));
    progress.lines.push(format!(
        "#{n} resolve {}/{}:{}@sha256:{digest} 0.0s done",
        reference.registry,
        reference.hub_path(),
        reference.tag
    ));
    if world.builder.fetched.contains(&image.id) {
        progress.lines.push(format!("#{n} CACHED"));
    } else {
        let pull_ms = image.size_bytes() / 100_000;
        for (digest, size) in image.layers().iter().rev() {
            progress.lines.push(format!(
                "#{n} sha256:{digest} {} / {} {} done",
                human_size(*size),
                human_size(*size),
                seconds(size / 100_000)
            ));
        }
        progress
            .lines
            .push(format!("#{n} DONE {}", seconds(pull_ms)));
        progress.clock_ms += pull_ms;
        world.builder.fetched.insert(image.id.clone());
    }
    progress.lines.push(String::new());
    progress.n += 1;
}

/// A config-only instruction (ARG, ENV, LABEL, EXPOSE, CMD, …): it changes the image config and
/// adds an empty history entry, no layer.
/// Long because it is one short arm per config-only Dockerfile instruction.
fn apply_config(
    def: &Definition,
    ins: &Instruction,
    vars: &BTreeMap<String, String>,
    state: &mut StageState,
) -> Result<(), Failure> {
    let config = &mut state.config;
    let history = &mut state.history;
    let mut failure = None;
    match ins.keyword.as_str() {
        "ARG" => {
            for (k, v) in key_values(&ins.args) {
                let value = def
                    .build_args
                    .get(&k)
                    .cloned()
                    .or_else(|| def.global_args.get(&k).cloned().filter(|_| v.is_empty()))
                    .unwrap_or(v);
                state.args.insert(k, value);
            }
            history.push(config_entry(&format!("ARG {}", ins.args)));
        }
        "ENV" => {
            let mut shown = Vec::new();
            for (k, v) in key_values(&ins.args) {
                let v = expand(&v, vars);
                shown.push(format!("{k}={v}"));
                state.env.insert(k, v);
            }
            history.push(config_entry(&format!("ENV {}", shown.join(" "))));
        }
        "LABEL" => {
            for (k, v) in key_values(&ins.args) {
                config.labels.retain(|(lk, _)| *lk != k);
                config.labels.push((k, expand(&v, vars)));
            }
            history.push(config_entry(&format!("LABEL {}", ins.args)));
        }
        "EXPOSE" => {
            let mut shown = Vec::new();
            for w in ins.words() {
                let w = expand(&w, vars);
                let port = w.split('/').next().unwrap_or("").parse::<u16>();
                match port {
                    Ok(p) => {
                        if !config.exposed_ports.contains(&p) {
                            config.exposed_ports.push(p);
                        }
                        shown.push(format!("{p}/tcp:{{}}"));
                    }
                    Err(_) => {
                        failure = Some(fail(ins.line, format!("invalid containerPort: {w}")));
                    }
                }
            }
            history.push(config_entry(&format!("EXPOSE map[{}]", shown.join(" "))));
        }
        "CMD" => {
            config.cmd = command_words(ins, vars);
            history.push(config_entry(&format!("CMD {}", json_words(&config.cmd))));
        }
        "ENTRYPOINT" => {
            config.entrypoint = command_words(ins, vars);
            // A new ENTRYPOINT resets the CMD inherited from the base image.
            config.cmd = Vec::new();
            history.push(config_entry(&format!(
                "ENTRYPOINT {}",
                json_words(&config.entrypoint)
            )));
        }
        "USER" => {
            config.user = expand(&ins.args, vars);
            history.push(config_entry(&format!("USER {}", config.user)));
        }
        "VOLUME" => {
            for v in ins.words() {
                let v = expand(&v, vars);
                if !config.volumes.contains(&v) {
                    config.volumes.push(v);
                }
            }
            history.push(config_entry(&format!(
                "VOLUME {}",
                json_words(&config.volumes)
            )));
        }
        "STOPSIGNAL" => {
            config.stop_signal = expand(&ins.args, vars);
            history.push(config_entry(&format!("STOPSIGNAL {}", config.stop_signal)));
        }
        "HEALTHCHECK" => {
            let args_text = ins.args.trim();
            config.healthcheck_timing = super::health::timing_from_dockerfile_flags(&ins.flags);
            config.healthcheck = if args_text.eq_ignore_ascii_case("NONE") {
                Some(vec!["NONE".to_string()])
            } else {
                let cmd = args_text
                    .strip_prefix("CMD")
                    .or_else(|| args_text.strip_prefix("cmd"))
                    .unwrap_or(args_text)
                    .trim();
                match serde_json::from_str::<Vec<String>>(cmd) {
                    Ok(words) => {
                        let mut t = vec!["CMD".to_string()];
                        t.extend(words);
                        Some(t)
                    }
                    Err(_) => Some(vec!["CMD-SHELL".to_string(), cmd.to_string()]),
                }
            };
            history.push(config_entry(&format!("HEALTHCHECK &{{{}}}", ins.args)));
        }
        "MAINTAINER" | "ONBUILD" | "SHELL" => {
            history.push(config_entry(&ins.text()));
        }
        _ => {}
    }
    match failure {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

/// What a layer step needs besides the stage being built.
struct StepContext<'a> {
    options: &'a BuildOptions,
    def: &'a Definition,
    plan: &'a Plan,
    stage_index: usize,
    deps: u64,
}

/// A step's inputs, before the cache is asked.
struct StepInputs {
    /// Copied files and their checksums (COPY/ADD), or the source stage's key.
    files: BTreeMap<String, String>,
    /// Build args and ENV the step runs with (RUN).
    vars: BTreeMap<String, String>,
    size_bytes: u64,
    duration_ms: u64,
    output: Vec<String>,
    /// A dependency install (`npm ci`, `pip install`): `COPY --from` of a whole app takes it.
    is_deps: bool,
    /// The instruction's text as its cache key sees it.
    text_expanded: String,
    created_by: String,
    /// What the step puts in the stage's filesystem, by absolute path.
    placed: Vec<(String, Node)>,
}

/// A layer step (RUN, COPY, ADD, WORKDIR): its cache key from the parent and its inputs, then
/// CACHED or run (and recorded in the cache).
/// Long because the cache decision (key, hit, miss reason, cache record, history) is one
/// transaction over the same values.
#[allow(clippy::too_many_arguments)] // the step's parts, each used; bundling them hides nothing
fn run_step(
    world: &mut World,
    ctx: &StepContext,
    ins: &Instruction,
    vars: &BTreeMap<String, String>,
    header: String,
    state: &mut StageState,
    step: &mut StepReport,
    progress: &mut Progress,
) {
    let keyword = ins.keyword.as_str();
    let n = progress.n;
    let inputs = match step_inputs(&world.fs, ctx, ins, vars, state, &progress.results) {
        Ok(inputs) => inputs,
        Err(f) => {
            progress.lines.push(header);
            if let Some(e) = &f.step_error {
                progress.lines.push(format!("#{n} ERROR: {e}"));
            }
            progress.lines.push(String::new());
            step.status = StepStatus::Failed;
            step.reason = f.message.clone();
            progress.failure = Some(f);
            progress.n += 1;
            return;
        }
    };
    let StepInputs {
        files,
        vars: step_vars,
        mut size_bytes,
        duration_ms,
        output,
        is_deps,
        text_expanded,
        created_by,
        placed,
    } = inputs;
    let parent = state.key.clone();
    let env_part: Vec<String> = state.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let step_key = content_digest(&format!(
        "{parent}\n{keyword} {text_expanded}\nuser={}\nwd={}\nenv={}\nfiles={files:?}\nvars={step_vars:?}",
        state.config.user,
        state.config.workdir,
        env_part.join(",")
    ));
    let layer = content_digest(&format!("layer:{step_key}"));
    let hit = !ctx.options.no_cache && world.builder.cache.contains_key(&step_key);
    progress.lines.push(header);
    if hit {
        let cached = &world.builder.cache[&step_key];
        size_bytes = cached.size_bytes;
        progress.lines.push(format!("#{n} CACHED"));
        step.status = StepStatus::Cached;
    } else {
        let reason = if ctx.options.no_cache {
            "--no-cache: every step runs again".to_string()
        } else if let Some((k, what)) = &state.first_miss {
            format!("parent layer changed (step {k}, {what}, was rebuilt)")
        } else {
            miss_reason(world, &parent, keyword, &text_expanded, &files, &step_vars)
        };
        if state.first_miss.is_none() {
            state.first_miss = Some((state.step_no, ins.text()));
        }
        let mut at = 300u64;
        for line in &output {
            progress
                .lines
                .push(format!("#{n} {}.{:03} {line}", at / 1000, at % 1000));
            at += 211;
        }
        progress
            .lines
            .push(format!("#{n} DONE {}", seconds(duration_ms)));
        progress.clock_ms += duration_ms;
        step.status = StepStatus::Built;
        step.reason = reason;
        step.duration_ms = duration_ms;
        world.builder.cache.insert(
            step_key.clone(),
            CacheRecord {
                parent,
                text: format!("{keyword} {text_expanded}"),
                files,
                vars: step_vars,
                size_bytes,
                layer: layer.clone(),
                created_by: created_by.clone(),
                duration_ms,
            },
        );
    }
    progress.lines.push(String::new());
    progress.n += 1;
    for (path, node) in placed {
        let node = match node {
            // npm's install is as big as its layer (from the cache on a hit).
            Node::Blob { size_bytes: 0 } => Node::Blob { size_bytes },
            other => other,
        };
        files::place(&mut state.files, &path, node);
    }
    step.size_bytes = size_bytes;
    state.own.push((created_by.clone(), size_bytes, is_deps));
    state.history.push(HistoryEntry {
        created_by,
        size_bytes,
        layer: Some(layer),
        comment: "buildkit.dockerfile.v0".to_string(),
    });
    state.key = step_key;
}

/// What a layer step reads: RUN its command, args and env; WORKDIR its path; COPY/ADD the
/// context files (or an earlier stage) it copies. A missing source is the step's failure.
fn step_inputs(
    fs: &HostFs,
    ctx: &StepContext,
    ins: &Instruction,
    vars: &BTreeMap<String, String>,
    state: &mut StageState,
    results: &BTreeMap<usize, StageResult>,
) -> Result<StepInputs, Failure> {
    let keyword = ins.keyword.as_str();
    let mut inputs = StepInputs {
        files: BTreeMap::new(),
        vars: BTreeMap::new(),
        size_bytes: 0,
        duration_ms: 0,
        output: Vec::new(),
        is_deps: false,
        text_expanded: String::new(),
        created_by: String::new(),
        placed: Vec::new(),
    };
    let workdir = state.config.workdir.clone();
    match keyword {
        "RUN" => {
            // The shell expands variables when the step runs: the key holds the text as
            // written plus the args and env it runs with.
            inputs.text_expanded = ins.args.clone();
            // Build args in scope are in the RUN's environment: part of its key.
            inputs.vars = state.args.clone();
            for (k, v) in &state.env {
                inputs.vars.insert(format!("env:{k}"), v.clone());
            }
            let command = expand(&ins.args, vars);
            let (out, ms, size, deps_layer) = run_estimate(&command, ctx.deps);
            inputs.output = out;
            if deps_layer && command.contains("npm ") {
                // Its size is the layer's, filled in once the cache has answered.
                inputs.placed.push((
                    files::destination(&workdir, true, "node_modules", None),
                    Node::Blob { size_bytes: 0 },
                ));
            } else if command.contains("npm run build")
                && let Some((lines, placed)) = files::vite_build(&state.files, &workdir)
            {
                inputs.output = lines;
                inputs.placed = placed;
            }
            inputs.duration_ms = ms;
            inputs.size_bytes = size;
            inputs.is_deps = deps_layer;
            inputs.created_by = format!("RUN /bin/sh -c {} # buildkit", ins.args);
        }
        "WORKDIR" => {
            let wd = expand(&ins.args, vars);
            let wd = if wd.starts_with('/') {
                wd
            } else {
                hostfs::normalise(&state.config.workdir, &wd)
            };
            state.config.workdir = wd.clone();
            inputs.text_expanded = wd.clone();
            inputs.created_by = format!("WORKDIR {wd}");
        }
        _ => {
            inputs.text_expanded = expand(&ins.words().join(" "), vars);
            inputs.created_by = format!("{} # buildkit", ins.text());
            let words: Vec<String> = ins.words().iter().map(|w| expand(w, vars)).collect();
            let sources = &words[..words.len() - 1];
            let dest = &words[words.len() - 1];
            let dest_abs = hostfs::normalise(&workdir, dest);
            let dest_is_dir =
                dest.ends_with('/') || sources.len() > 1 || sources.iter().any(|s| s.contains('*'));
            match ins.flag("from") {
                Some(from) => {
                    copy_from_stage(ctx, ins, from, sources, results, &mut inputs)?;
                    if let Some(j) = ctx.plan.stage_index(from, ctx.stage_index) {
                        for (rel, node, rest) in files::from_stage(&results[&j].files, sources) {
                            let to =
                                files::destination(&dest_abs, dest_is_dir, &rel, rest.as_deref());
                            inputs.placed.push((to, node));
                        }
                    }
                }
                None => {
                    copy_from_context(ctx, ins, sources, &mut inputs)?;
                    for src in sources {
                        for (rel, rest) in ctx.def.context.copied(src) {
                            let Some(entry) = fs.get(&format!("{}/{rel}", ctx.def.dir)) else {
                                continue;
                            };
                            let to =
                                files::destination(&dest_abs, dest_is_dir, &rel, rest.as_deref());
                            inputs.placed.push((to, Node::from_entry(entry)));
                        }
                    }
                }
            }
        }
    }
    Ok(inputs)
}

/// `COPY --from=<stage>`: the source stage's key, and the size of what is copied out of it.
fn copy_from_stage(
    ctx: &StepContext,
    ins: &Instruction,
    from: &str,
    sources: &[String],
    results: &BTreeMap<usize, StageResult>,
    inputs: &mut StepInputs,
) -> Result<(), Failure> {
    let Some(j) = ctx.plan.stage_index(from, ctx.stage_index) else {
        return Err(fail(
            ins.line,
            format!(
                "failed to compute cache key: {from}: failed to resolve source metadata for docker.io/library/{from}:latest: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            ),
        ));
    };
    let r = &results[&j];
    inputs.files.insert(format!("stage:{from}"), r.key.clone());
    let wants_deps = sources
        .iter()
        .any(|s| s.contains("node_modules") || s.contains("site-packages"));
    let whole = sources.iter().any(|s| {
        let s = s.trim_end_matches('/');
        s == "/app" || s == "." || s == "/"
    });
    inputs.size_bytes = r
        .own
        .iter()
        .filter(|(_, _, d)| !*d || wants_deps || whole)
        .map(|(_, s, _)| s)
        .sum::<u64>()
        .max(1_000);
    inputs.duration_ms = 100 + inputs.size_bytes / 200_000;
    Ok(())
}

/// COPY/ADD from the build context: every matching file and its checksum.
fn copy_from_context(
    ctx: &StepContext,
    ins: &Instruction,
    sources: &[String],
    inputs: &mut StepInputs,
) -> Result<(), Failure> {
    let keyword = ins.keyword.as_str();
    let dir = &ctx.def.dir;
    for src in sources {
        if src.starts_with("http://") || src.starts_with("https://") {
            return Err(fail(
                ins.line,
                format!(
                    "dockyard: {keyword} from a URL ({src}) is real Docker, but this page does not simulate it"
                ),
            ));
        }
        let matched = ctx.def.context.matching(src);
        if matched.is_empty() {
            let reference = format!(
                "{}::{}",
                record_id(&format!("ctx:{dir}")),
                record_id(&format!("sess:{dir}:{src}"))
            );
            let path = format!("/{}", src.trim_start_matches("./").trim_start_matches('/'));
            let message = format!(
                "failed to compute cache key: failed to calculate checksum of ref {reference}: \"{path}\": not found"
            );
            return Err(Failure {
                line: ins.line,
                message,
                step_error: Some(format!(
                    "failed to calculate checksum of ref {reference}: \"{path}\": not found"
                )),
            });
        }
        for (p, (size, sum)) in matched {
            inputs.size_bytes += size;
            inputs.files.insert(p, sum);
        }
    }
    inputs.duration_ms = 100 + inputs.size_bytes / 200_000;
    Ok(())
}

/// Exports the final stage as an image with its tags and prints the progress (or only the ID
/// with `-q`). Returns the image ID.
fn export(
    world: &mut World,
    options: &BuildOptions,
    def: &Definition,
    plan: &Plan,
    progress: &mut Progress,
    rec: &mut Record,
) -> String {
    let n = progress.n;
    let result = &progress.results[&plan.final_index];
    let image_id = content_digest(&format!(
        "image:{}:{:?}",
        result.key,
        result
            .history
            .iter()
            .map(|h| (&h.created_by, &h.layer))
            .collect::<Vec<_>>()
    ));
    let now = world.now_ms;
    let image = Image {
        id: image_id.clone(),
        repo_tags: Vec::new(),
        repo_digest: None,
        history: result.history.clone(),
        config: result.config.clone(),
        built_days_ago: None,
        built_at_ms: now,
        stored_at_ms: now,
        seq: 0,
        files: result.files.clone(),
    };
    let lines = &mut progress.lines;
    lines.push(format!("#{n} exporting to image"));
    lines.push(format!("#{n} exporting layers {} done", seconds(300)));
    lines.push(format!("#{n} writing image sha256:{image_id} done"));
    for t in &def.tags {
        lines.push(format!("#{n} naming to {} done", hub_name(t)));
    }
    lines.push(format!("#{n} DONE 0.3s"));
    progress.clock_ms += 300;
    progress.report.total_ms = progress.clock_ms;
    if def.tags.is_empty() {
        world.engine.images.insert(None, image.clone());
    }
    for t in &def.tags {
        world.engine.images.insert(Some(t), image.clone());
    }
    progress.report.image_id = Some(image_id.clone());
    if options.quiet {
        rec.out(format!("sha256:{image_id}"));
    } else {
        rec.err(progress.lines.join("\n"));
    }
    image_id
}

/// The narration: what was cached, what was rebuilt and why.
fn narration(def: &Definition, plan: &Plan, progress: &Progress, image_id: &str) -> String {
    let report = &progress.report;
    let steps: Vec<&StepReport> = report
        .stages
        .iter()
        .filter(|s| s.needed)
        .flat_map(|s| &s.steps)
        .filter(|s| matches!(s.status, StepStatus::Cached | StepStatus::Built))
        .collect();
    let cached = steps
        .iter()
        .filter(|s| s.status == StepStatus::Cached)
        .count();
    let built = steps.len() - cached;
    let name = def
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| image_id[..12].to_string());
    let final_size = report.stages[plan.final_index].size_bytes;
    let mut story = format!(
        "Built {name} ({}) in {} of simulated build time: {cached} step{} from the cache, {built} run.",
        human_size(final_size),
        seconds(progress.clock_ms),
        if cached == 1 { "" } else { "s" }
    );
    if let Some(miss) = report.first_miss()
        && cached > 0
    {
        story.push_str(&format!(
            " The first miss was `{}` ({}); every later step of that stage ran again.",
            miss.text, miss.reason
        ));
    }
    if plan.multi() {
        story.push_str(&format!(
            " Only stage {} is in the image; the other stages' layers stay behind.",
            report.stages[plan.final_index].name
        ));
    }
    if report.transferred_bytes > 50_000_000 {
        story.push_str(&format!(
            " The build context sent {} to the builder{}.",
            human_size(report.transferred_bytes),
            if report.dockerignore {
                ""
            } else {
                " (there is no .dockerignore, so node_modules and .git went too)"
            }
        ));
    }
    story
}

/// `app:latest` → `docker.io/library/app:latest`, `127.0.0.1:5000/app:1.0` as it is: the
/// name `naming to …` shows.
fn hub_name(tag: &str) -> String {
    match super::image::ImageRef::parse(tag) {
        Ok(r) => format!("{}/{}:{}", r.registry, r.path, r.tag),
        Err(_) => format!("docker.io/{tag}"),
    }
}

fn config_entry(created_by: &str) -> HistoryEntry {
    HistoryEntry {
        created_by: created_by.to_string(),
        size_bytes: 0,
        layer: None,
        comment: "buildkit.dockerfile.v0".to_string(),
    }
}

/// Why a step whose parent was cached still missed: compares it with what the cache holds for
/// the same parent.
fn miss_reason(
    world: &World,
    parent: &str,
    keyword: &str,
    text: &str,
    files: &BTreeMap<String, String>,
    vars: &BTreeMap<String, String>,
) -> String {
    let full = format!("{keyword} {text}");
    let siblings: Vec<&CacheRecord> = world
        .builder
        .cache
        .values()
        .filter(|r| r.parent == parent)
        .collect();
    if let Some(same) = siblings.iter().rev().find(|r| r.text == full) {
        let mut changed: Vec<String> = Vec::new();
        for (path, sum) in files {
            match same.files.get(path) {
                Some(old) if old == sum => {}
                Some(_) if path.starts_with("stage:") => {
                    changed.push(format!("stage {} changed", &path[6..]))
                }
                Some(_) => changed.push(format!("{path} changed")),
                None => changed.push(format!("{path} is new")),
            }
        }
        for path in same.files.keys() {
            if !files.contains_key(path) {
                changed.push(format!("{path} was removed"));
            }
        }
        for (k, v) in vars {
            if same.vars.get(k) != Some(v) {
                match k.strip_prefix("env:") {
                    Some(e) => changed.push(format!("ENV {e} changed")),
                    None => changed.push(format!(
                        "build arg {k} changed ({} → {v})",
                        same.vars.get(k).map(String::as_str).unwrap_or("unset")
                    )),
                }
            }
        }
        if changed.is_empty() {
            return "the cache entry was different".to_string();
        }
        if changed.len() > 3 {
            let more = changed.len() - 3;
            changed.truncate(3);
            changed.push(format!("{more} more"));
        }
        return changed.join(", ");
    }
    if let Some(other) = siblings.iter().rev().find(|r| r.text.starts_with(keyword)) {
        return format!("the instruction changed (the cache has `{}`)", other.text);
    }
    "not in the cache yet".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_excludes_folders_and_exceptions() {
        let rules = ignore_rules("node_modules\n.git\n*.md\n!README.md\n");
        assert!(is_ignored(&rules, "node_modules"));
        assert!(is_ignored(&rules, "node_modules/express/index.js"));
        assert!(is_ignored(&rules, ".git"));
        assert!(is_ignored(&rules, "NOTES.md"));
        assert!(!is_ignored(&rules, "README.md"));
        assert!(!is_ignored(&rules, "server.js"));
        let rules = ignore_rules("**/*.log\n");
        assert!(is_ignored(&rules, "logs/a/b.log"));
    }

    #[test]
    fn variables_expand() {
        let mut vars = BTreeMap::new();
        vars.insert("NODE_ENV".to_string(), "production".to_string());
        assert_eq!(
            expand("x=$NODE_ENV ${NODE_ENV}", &vars),
            "x=production production"
        );
        assert_eq!(expand("${MISSING:-dev}", &vars), "dev");
        assert_eq!(
            key_values("A=1 B=\"two words\""),
            vec![("A".into(), "1".into()), ("B".into(), "two words".into())]
        );
        assert_eq!(
            key_values("A one two"),
            vec![("A".into(), "one two".into())]
        );
    }

    #[test]
    fn npm_ci_takes_tens_of_seconds() {
        let (lines, ms, size, deps) = run_estimate("npm ci --omit=dev", 2);
        assert!(lines[0].starts_with("added 64 packages"));
        assert_eq!(ms, 16_000);
        assert!(size > 5_000_000 && deps);
        assert_eq!(record_id("x").len(), 25);
    }
}
