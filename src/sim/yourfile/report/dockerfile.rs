//! The rules on the Dockerfiles the reader gave (`DY3xx`), each one of hadolint's.
//!
//! Real life: hadolint parses a Dockerfile and checks each instruction against its `DLxxxx`
//! rules (and the shell in `RUN` with ShellCheck, `SCxxxx`). What we model: the Dockerfiles of
//! the upload (named `Dockerfile`, `*.Dockerfile`, or the file a service's `build:` names) parsed
//! by the build's own parser (src/sim/docker/dockerfile.rs), and the hadolint rules that read
//! instructions rather than a shell's grammar; docs/RULES.md lists which. What we simplify: the
//! `RUN` checks look at words (`cd `, `sudo `, `apk add`, a `|`), not a parsed shell script, and
//! ShellCheck's rules are not run.

use super::{Ctx, Draft, Finding, Fix, See, Severity, text};
use crate::sim::docker::catalogue;
use crate::sim::docker::compose::model::Service;
use crate::sim::docker::dockerfile::{self, Instruction};
use crate::sim::docker::image::ImageRef;

/// Whether the upload's file is a Dockerfile by its name.
fn is_dockerfile_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "Dockerfile" || name.ends_with(".Dockerfile") || name.starts_with("Dockerfile.")
}

/// The path (as the upload names it) of the Dockerfile a service builds from.
fn build_path(ctx: &Ctx, svc: &Service) -> Option<String> {
    let build = svc.build.as_ref()?;
    let dir = ctx.project.project_dir.trim_end_matches('/');
    let rel = build
        .context
        .strip_prefix(dir)?
        .trim_start_matches('/')
        .to_string();
    let file = build.dockerfile.trim_start_matches("./");
    Some(if rel.is_empty() {
        file.to_string()
    } else {
        format!("{rel}/{file}")
    })
}

/// The Dockerfile a service builds from, when the reader gave it: (path, text).
pub(super) fn for_service<'u>(ctx: &Ctx<'u>, svc: &Service) -> Option<(String, &'u str)> {
    let path = build_path(ctx, svc)?;
    let text = ctx.upload.file(&path)?;
    Some((path, text))
}

/// Whether the Dockerfile's last stage sets a user other than root.
pub(super) fn sets_user(text: &str) -> bool {
    let Ok(instructions) = dockerfile::parse(&text::normalise(text)) else {
        return true;
    };
    let last_stage = instructions
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .unwrap_or(0);
    instructions[last_stage..]
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
        .is_some_and(|i| !is_root(&i.args))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// The Dockerfiles of the upload with the service that builds each (if any).
fn dockerfiles(ctx: &Ctx) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<(String, String, Option<String>)> = Vec::new();
    for (name, svc) in &ctx.project.services {
        if let Some((path, text)) = for_service(ctx, svc)
            && !out.iter().any(|(p, _, _)| *p == path)
        {
            out.push((path, text.to_string(), Some(name.clone())));
        }
    }
    for f in ctx.upload.files.iter().skip(1) {
        let path = f.path.trim_start_matches("./").to_string();
        if is_dockerfile_name(&path) && !out.iter().any(|(p, _, _)| *p == path) {
            out.push((path, f.text.clone(), None));
        }
    }
    out
}

fn see(scenario: Option<&'static str>) -> Option<See> {
    Some(See {
        page: match scenario {
            Some("root-in-the-container") => "volumes-persistence",
            Some("stop-grace-period") => "containers-lifecycle",
            _ => "images-layers",
        },
        scenario,
    })
}

/// A Dockerfile being checked.
struct File<'a> {
    path: &'a str,
    text: &'a str,
    lines: text::Lines<'a>,
    service: Option<String>,
}

impl File<'_> {
    fn draft(
        &self,
        rule: &'static str,
        severity: Severity,
        i: &Instruction,
        message: String,
        why: &'static str,
        scenario: Option<&'static str>,
    ) -> Draft {
        Draft {
            rule,
            severity,
            at: (i.line, 1),
            service: self.service.clone(),
            anchor: format!("{}@{}", i.keyword, i.line),
            message: format!("{}:{}: {message}", self.path, i.line),
            why,
            see: see(scenario),
        }
    }

    fn fix(&self, summary: String, edits: Vec<text::Edit>) -> Option<Fix> {
        let new = text::apply(self.text, &edits)?;
        let diff = text::unified_diff(self.path, self.text, &new);
        (!diff.is_empty()).then(|| Fix {
            summary,
            diff,
            file: self.path.to_string(),
            edits,
        })
    }

    /// The byte range of the first `needle` at or after the instruction's line and before the
    /// next instruction's line.
    fn find(&self, i: &Instruction, next_line: usize, needle: &str) -> Option<(usize, usize)> {
        let from = self.lines.start_of(i.line);
        let to = self.lines.start_of(next_line);
        let at = self.text.get(from..to)?.find(needle)?;
        Some((from + at, from + at + needle.len()))
    }
}

/// Every Dockerfile rule over every Dockerfile of the upload.
pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, raw, service) in dockerfiles(ctx) {
        let normalised = text::normalise(&raw);
        let file = File {
            path: &path,
            text: &normalised,
            lines: text::Lines::new(&normalised),
            service,
        };
        match dockerfile::parse(&normalised) {
            Ok(instructions) => rules(&file, &instructions, &mut out),
            Err(e) => out.push(
                Draft {
                    rule: "DY300",
                    severity: Severity::Error,
                    at: (e.line.max(1), 1),
                    service: file.service.clone(),
                    anchor: "parse".into(),
                    message: format!("{path}: dockerfile parse error on line {}: {}", e.line, e.message),
                    why: "BuildKit stops at the first line it cannot read: the image is not built at all.",
                    see: see(None),
                }
                .finish(&path, None),
            ),
        }
    }
    out
}

/// Long because it walks the instructions once, keeping each stage's state (names, USER, CMD,
/// ENTRYPOINT, HEALTHCHECK, SHELL, the previous instruction) for hadolint's per-stage rules.
fn rules(file: &File, instructions: &[Instruction], out: &mut Vec<Finding>) {
    let mut stages: Vec<String> = Vec::new();
    let (mut cmds, mut entrypoints, mut healthchecks) = (0, 0, 0);
    let mut pipefail = false;
    let mut last_user: Option<&Instruction> = None;
    let mut previous: Option<&str> = None;
    for (n, i) in instructions.iter().enumerate() {
        let next_line = instructions
            .get(n + 1)
            .map_or(file.lines.count() + 1, |x| x.line);
        let words = i.words();
        match i.keyword.as_str() {
            "FROM" => {
                (cmds, entrypoints, healthchecks) = (0, 0, 0);
                pipefail = false;
                last_user = None;
                from(file, i, next_line, &words, &stages, out);
                if let [_, r#as, name] = words.as_slice()
                    && r#as.eq_ignore_ascii_case("as")
                {
                    let name = name.to_ascii_lowercase();
                    if stages.contains(&name) {
                        out.push(
                            file.draft(
                                "DY316",
                                Severity::Error,
                                i,
                                format!("stage name `{name}` is used twice (hadolint DL3024)"),
                                "COPY --from and --target pick a stage by name: with two of the same name one of them is unreachable.",
                                None,
                            )
                            .finish(file.path, None),
                        );
                    }
                    stages.push(name);
                }
            }
            "USER" => last_user = Some(i),
            "SHELL" => pipefail = i.args.contains("pipefail"),
            "CMD" | "ENTRYPOINT" => {
                let count = if i.keyword == "CMD" {
                    cmds += 1;
                    cmds
                } else {
                    entrypoints += 1;
                    entrypoints
                };
                if count == 2 {
                    out.push(
                        file.draft(
                            "DY310",
                            Severity::Warning,
                            i,
                            format!(
                                "more than one {} in a stage (hadolint {})",
                                i.keyword,
                                if i.keyword == "CMD" { "DL4003" } else { "DL4004" }
                            ),
                            "Only the last one takes effect: the earlier one is dead text that misleads the reader.",
                            None,
                        )
                        .finish(file.path, None),
                    );
                }
                if i.json.is_none() {
                    out.push(
                        file.draft(
                            "DY305",
                            Severity::Warning,
                            i,
                            format!("{} in shell form (hadolint DL3025)", i.keyword),
                            "In shell form the program runs under `/bin/sh -c` as a child: `docker stop`'s SIGTERM goes to the shell, which does not pass it on, and the container is killed after the grace period.",
                            Some("stop-grace-period"),
                        )
                        .finish(file.path, None),
                    );
                }
            }
            "HEALTHCHECK" => {
                healthchecks += 1;
                if healthchecks == 2 {
                    out.push(
                        file.draft(
                            "DY315",
                            Severity::Error,
                            i,
                            "more than one HEALTHCHECK in a stage (hadolint DL3012)".into(),
                            "Only the last HEALTHCHECK counts: the first one is never run.",
                            None,
                        )
                        .finish(file.path, None),
                    );
                }
            }
            "WORKDIR" => {
                let dir = i.args.trim().trim_matches('"');
                if !(dir.starts_with('/') || dir.starts_with('$')) {
                    out.push(
                        file.draft(
                            "DY306",
                            Severity::Error,
                            i,
                            format!("WORKDIR `{dir}` is relative (hadolint DL3000)"),
                            "A relative WORKDIR depends on every WORKDIR before it, including the base image's: the files end up somewhere the reader did not expect.",
                            None,
                        )
                        .finish(file.path, None),
                    );
                }
            }
            "MAINTAINER" => {
                let d = file.draft(
                    "DY309",
                    Severity::Error,
                    i,
                    "MAINTAINER is deprecated (hadolint DL4000)".into(),
                    "MAINTAINER was replaced by a label that tools can read; new builders warn about it.",
                    None,
                );
                let value = i.args.replace('\\', "\\\\").replace('"', "\\\"");
                let fix = file
                    .lines
                    .line(i.line)
                    .filter(|_| next_line == i.line + 1)
                    .and_then(|l| {
                        let start = file.lines.start_of(i.line);
                        file.fix(
                            "LABEL maintainer=…".into(),
                            vec![text::Edit {
                                start,
                                end: start + l.len(),
                                insert: format!("LABEL maintainer=\"{value}\""),
                            }],
                        )
                    });
                out.push(d.finish(file.path, fix));
            }
            "ADD" => {
                let sources = &words[..words.len().saturating_sub(1)];
                let remote_or_archive = sources.iter().any(|s| {
                    s.contains("://")
                        || s.starts_with("git@")
                        || [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip"]
                            .iter()
                            .any(|e| s.ends_with(e))
                });
                if !remote_or_archive && !sources.is_empty() {
                    let d = file.draft(
                        "DY304",
                        Severity::Error,
                        i,
                        "ADD copies local files (hadolint DL3020: use COPY)".into(),
                        "ADD also unpacks archives and fetches URLs, so a local ADD may do more than the reader sees; COPY does only the copy.",
                        None,
                    );
                    let fix = file.lines.line(i.line).and_then(|l| {
                        let indent = l.len() - l.trim_start().len();
                        let start = file.lines.start_of(i.line) + indent;
                        file.fix(
                            "ADD → COPY".into(),
                            vec![text::Edit {
                                start,
                                end: start + 3,
                                insert: "COPY".into(),
                            }],
                        )
                    });
                    out.push(d.finish(file.path, fix));
                }
            }
            "RUN" => run(file, i, next_line, previous, pipefail, out),
            _ => {}
        }
        previous = Some(i.keyword.as_str());
    }
    if let Some(u) = last_user
        && is_root(&u.args)
    {
        out.push(
            file.draft(
                "DY303",
                Severity::Warning,
                u,
                "the last USER is root (hadolint DL3002)".into(),
                "The container's process then runs as root: files it writes to bind mounts are root's on the host, and a break-in starts with every privilege in the container.",
                Some("root-in-the-container"),
            )
            .finish(file.path, None),
        );
    }
}

fn from(
    file: &File,
    i: &Instruction,
    next_line: usize,
    words: &[String],
    stages: &[String],
    out: &mut Vec<Finding>,
) {
    let Some(image) = words.first() else { return };
    if image == "scratch" || image.contains('$') || stages.contains(&image.to_ascii_lowercase()) {
        return;
    }
    let Ok(r) = ImageRef::parse(image) else {
        return;
    };
    if r.digest.is_some() || r.tag != "latest" {
        return;
    }
    let explicit = image.ends_with(":latest");
    let (rule, hadolint) = if explicit {
        ("DY302", "DL3007")
    } else {
        ("DY301", "DL3006")
    };
    let d = file.draft(
        rule,
        Severity::Warning,
        i,
        format!(
            "FROM {image}: {} (hadolint {hadolint})",
            if explicit {
                "the `latest` tag"
            } else {
                "no tag"
            }
        ),
        "The base image moves with `latest`: the same Dockerfile builds a different image next week.",
        Some("traefik-latest-major-jump"),
    );
    let fix = (|| {
        let version = catalogue::repository(&r.repo)?.latest.clone()?;
        let (start, end) = file.find(i, next_line, image)?;
        let name = image.strip_suffix(":latest").unwrap_or(image);
        file.fix(
            format!("FROM {name}:{version}"),
            vec![text::Edit {
                start,
                end,
                insert: format!("{name}:{version}"),
            }],
        )
    })();
    let mut f = d.finish(file.path, fix);
    // The latest-tag scenario is on the Traefik page.
    f.see = Some(See {
        page: "traefik-integration",
        scenario: Some("traefik-latest-major-jump"),
    });
    out.push(f);
}

/// The checks on one RUN instruction.
/// Long because it is six of hadolint's RUN rules (DL3059, DL3003, DL3004, DL3027, DL3019,
/// DL4006), each a few lines with its own words (the package managers' are in `apt_and_pip`).
fn run(
    file: &File,
    i: &Instruction,
    next_line: usize,
    previous: Option<&str>,
    pipefail: bool,
    out: &mut Vec<Finding>,
) {
    let script = i.json.as_ref().map_or(i.args.clone(), |w| w.join(" "));
    let has_word = |w: &str| {
        script
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
            .any(|x| x == w)
    };
    if previous == Some("RUN") {
        out.push(
            file.draft(
                "DY308",
                Severity::Info,
                i,
                "consecutive RUN instructions (hadolint DL3059)".into(),
                "Each RUN is a layer: files deleted in a later RUN still weigh in the earlier layer, and the image grows.",
                Some("layer-cache-order"),
            )
            .finish(file.path, None),
        );
    }
    if has_word("cd") {
        out.push(
            file.draft(
                "DY307",
                Severity::Warning,
                i,
                "`cd` in RUN (hadolint DL3003: use WORKDIR)".into(),
                "A `cd` lasts only for that RUN; WORKDIR says where the following instructions and the container run.",
                None,
            )
            .finish(file.path, None),
        );
    }
    if has_word("sudo") {
        out.push(
            file.draft(
                "DY313",
                Severity::Error,
                i,
                "sudo in RUN (hadolint DL3004)".into(),
                "The build already runs as the Dockerfile's USER; sudo adds a setuid tool to the image and behaves unpredictably without a terminal.",
                None,
            )
            .finish(file.path, None),
        );
    }
    if has_word("apt") {
        out.push(
            file.draft(
                "DY314",
                Severity::Warning,
                i,
                "`apt` in RUN (hadolint DL3027: use apt-get)".into(),
                "apt's command line is meant for people and warns that it may change; apt-get's is stable for scripts.",
                None,
            )
            .finish(file.path, None),
        );
    }
    if script.contains("apk add") && !script.contains("--no-cache") {
        let d = file.draft(
            "DY311",
            Severity::Info,
            i,
            "`apk add` without --no-cache (hadolint DL3019)".into(),
            "apk keeps its package index in the layer: megabytes in the image that nothing uses.",
            Some("multi-stage-size"),
        );
        let fix = file.find(i, next_line, "apk add").and_then(|(_, end)| {
            file.fix(
                "apk add --no-cache".into(),
                vec![text::Edit {
                    start: end,
                    end,
                    insert: " --no-cache".into(),
                }],
            )
        });
        out.push(d.finish(file.path, fix));
    }
    apt_and_pip(file, i, next_line, &script, out);
    let pipe = script.replace("||", "").contains('|');
    if pipe && !pipefail && i.json.is_none() {
        out.push(
            file.draft(
                "DY312",
                Severity::Warning,
                i,
                "a pipe in RUN without `set -o pipefail` (hadolint DL4006)".into(),
                "The shell reports only the last command's status: a failing download piped into another command still lets the build pass.",
                None,
            )
            .finish(file.path, None),
        );
    }
}

/// hadolint's package-manager hygiene on one RUN: DL3014 (`-y`), DL3015
/// (`--no-install-recommends`), DL3009 (the apt lists left in the layer), DL3042 (pip's cache).
fn apt_and_pip(
    file: &File,
    i: &Instruction,
    next_line: usize,
    script: &str,
    out: &mut Vec<Finding>,
) {
    // A flag inserted right after the command words, found in the instruction's own lines.
    let insert_after = |needle: &str, flag: &str| {
        file.find(i, next_line, needle).and_then(|(_, end)| {
            file.fix(
                format!("{needle} {flag}"),
                vec![text::Edit {
                    start: end,
                    end,
                    insert: format!(" {flag}"),
                }],
            )
        })
    };
    if script.contains("apt-get install") {
        let yes = script.split_whitespace().any(|w| {
            matches!(w, "-y" | "--yes" | "--assume-yes" | "-qq" | "-q=2")
                || (w.starts_with('-') && !w.starts_with("--") && w.contains('y'))
        });
        if !yes {
            let d = file.draft(
                "DY317",
                Severity::Warning,
                i,
                "`apt-get install` without -y (hadolint DL3014)".into(),
                "The build has no terminal to answer apt-get's question: without -y it aborts.",
                None,
            );
            out.push(d.finish(file.path, insert_after("apt-get install", "-y")));
        }
        if !script.contains("--no-install-recommends") {
            let d = file.draft(
                "DY318",
                Severity::Info,
                i,
                "`apt-get install` without --no-install-recommends (hadolint DL3015)".into(),
                "Recommended packages are installed too by default: tens of megabytes the program does not need.",
                Some("multi-stage-size"),
            );
            out.push(d.finish(
                file.path,
                insert_after("apt-get install", "--no-install-recommends"),
            ));
        }
        if !script.contains("/var/lib/apt/lists") {
            out.push(
                file.draft(
                    "DY319",
                    Severity::Info,
                    i,
                    "apt lists are not removed after `apt-get install` (hadolint DL3009)".into(),
                    "The package lists stay in the layer: megabytes in every copy of the image, and stale the day after the build.",
                    Some("multi-stage-size"),
                )
                .finish(file.path, None),
            );
        }
    }
    let pip = ["pip install", "pip3 install"]
        .into_iter()
        .find(|c| script.contains(c));
    if let Some(command) = pip
        && !script.contains("--no-cache-dir")
    {
        let d = file.draft(
            "DY320",
            Severity::Warning,
            i,
            format!("`{command}` without --no-cache-dir (hadolint DL3042)"),
            "pip keeps the downloaded packages in its cache inside the layer: the image carries every package twice.",
            Some("multi-stage-size"),
        );
        out.push(d.finish(file.path, insert_after(command, "--no-cache-dir")));
    }
}
