//! The readiness report: what a reader's compose or stack file (and its Dockerfiles) would do
//! wrong in production, each finding with where it is, why it matters, where the site shows it
//! happening, and the fix as a diff.
//!
//! Real life: linters read the file without running it. hadolint checks Dockerfiles (rules
//! `DLxxxx`), dclint (zavoloklom/docker-compose-linter) checks Compose files, and teams keep a
//! production checklist (pinned tags, healthchecks, limits, log rotation, secrets, no root, no
//! socket). None of them knows what `docker stack deploy` ignores or what the learning path's
//! pitfalls look like in a file. What we model: the file is loaded by the terminal's own loader
//! (YAML with positions → `.env` interpolation → the Compose schema → the model), so a file that
//! does not load gets Compose's words and line:column; then the rules in compose.rs (Compose and
//! stack) and dockerfile.rs (hadolint's applicable rules) read the model for meaning and the YAML
//! tree for positions. Every rule id, with the linter rule it corresponds to, is in docs/RULES.md.
//! A fix is a textual edit of the file as written (text.rs), so comments and the author's key
//! order survive; export.rs applies the accepted ones.
//!
//! What we simplify: "a database" is an image the catalogue knows keeps state; values for fixes
//! (a tag, a healthcheck) come from the image catalogue, and where nothing sure is known the
//! finding has no fix rather than a guessed one. Findings in a Dockerfile carry its path and the
//! instruction's line, column 1.

mod compose;
mod dockerfile;
pub mod text;

use super::{Target, Upload};
use crate::sim::docker::compose::model::{Project, Service};
use crate::sim::docker::compose::yaml::{self, Node, Value};
use crate::sim::world::World;
use text::{Edit, Lines};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// It breaks, loses data or opens the host.
    Error,
    /// It will hurt in production.
    Warning,
    /// Worth knowing; often a deliberate choice.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where the site shows a finding happening: a page slug and, when one shows it, a scenario slug
/// on that page (tests/yourfile_report.rs checks both against the catalogue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct See {
    pub page: &'static str,
    pub scenario: Option<&'static str>,
}

/// A fix: what it does, and the unified diff of the file it edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub summary: String,
    pub diff: String,
    /// The file the diff edits (the compose file or a Dockerfile), as the upload names it.
    pub file: String,
    /// The edits on that file's normalised text.
    pub(crate) edits: Vec<Edit>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id (`DY101`), documented in docs/RULES.md.
    pub rule: &'static str,
    pub severity: Severity,
    /// 1-based, of the YAML node (or Dockerfile instruction) the finding is about.
    pub line: usize,
    pub column: usize,
    /// The file the finding is in, as the upload names it.
    pub file: String,
    pub service: Option<String>,
    /// What is wrong, naming the service and key.
    pub message: String,
    /// Why it matters, one sentence.
    pub why: &'static str,
    pub see: Option<See>,
    pub fix: Option<Fix>,
    /// What the finding is about inside its service (`depends_on.db`, `ports.0`): with the rule
    /// and service, a key that survives edits elsewhere in the file.
    pub anchor: String,
}

impl Finding {
    /// A stable id of the finding, to accept its fix: rule, file (for Dockerfiles), service and
    /// what inside the service. Line numbers are not part of it, so it survives other fixes.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.rule,
            self.file,
            self.service.as_deref().unwrap_or("-"),
            self.anchor
        )
    }
}

/// How the file is deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `docker compose up -d` on one host.
    Compose,
    /// `docker stack deploy` on a swarm.
    Stack,
}

/// The report of one upload.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub mode: Mode,
    /// Sorted by file (the compose file first), line, column, rule.
    pub findings: Vec<Finding>,
    /// The swarm's managers (stack mode; 0 for Compose).
    pub managers: usize,
}

impl Report {
    /// The findings of one rule.
    pub fn of(&self, rule: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }
}

/// What the rules read: the upload, the compose file's normalised text and tree, and the model.
pub(crate) struct Ctx<'a> {
    pub upload: &'a Upload,
    pub path: String,
    pub lines: Lines<'a>,
    pub doc: Node,
    pub project: Project,
    pub mode: Mode,
    pub managers: usize,
}

impl<'a> Ctx<'a> {
    /// The services as written: name, key node, value node, model.
    pub fn services(&self) -> Vec<(String, &Node, &Node, &Service)> {
        let Some(Value::Map(entries)) = self.doc.get("services").map(|n| &n.value) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| {
                let name = k.as_key();
                let model = self.project.services.get(&name)?;
                Some((name, k, v, model))
            })
            .collect()
    }

    /// The indent one level adds in this file (the services' indent), 2 when unknown.
    pub fn step(&self) -> usize {
        self.doc
            .get("services")
            .and_then(|s| text::child_indent(&self.lines, s))
            .filter(|i| *i > 0)
            .unwrap_or(2)
    }

    /// A fix on the compose file from edits, with its diff; `None` when the edits do not apply.
    pub fn fix(&self, summary: impl Into<String>, edits: Vec<Edit>) -> Option<Fix> {
        let new = text::apply(self.lines.text, &edits)?;
        let diff = text::unified_diff(&self.path, self.lines.text, &new);
        (!diff.is_empty()).then(|| Fix {
            summary: summary.into(),
            diff,
            file: self.path.clone(),
            edits,
        })
    }

    /// Edits that insert `lines` (relative indent, one level per `step`) into the block mapping
    /// `map` whose key is `key`, after its last line. A key with no value (`deploy:`) takes them
    /// one level deeper than itself. `None` for a flow mapping or a key not at a line's start.
    pub fn insert_into(&self, key: &Node, map: &Node, lines: &[String]) -> Option<Edit> {
        let key_line = key.pos.line as usize;
        let key_indent = key.pos.column as usize - 1;
        let written = self.lines.line(key_line)?;
        if text::indent_of(written) != key_indent || text::has_multiline_scalar(&self.lines, map) {
            return None;
        }
        let indent = match &map.value {
            Value::Map(_) => text::child_indent(&self.lines, map)?,
            Value::Null if !written.contains('{') && !written.contains('[') => {
                key_indent + self.step()
            }
            _ => return None,
        };
        let end = text::block_end(&self.lines, key_line, key_indent, map);
        let at = self.lines.start_of(end + 1);
        let mut insert = String::new();
        for l in lines {
            insert.push_str(&" ".repeat(indent));
            insert.push_str(l);
            insert.push('\n');
        }
        Some(Edit {
            start: at,
            end: at,
            insert,
        })
    }

    /// Inserts `leaf` lines at `path` under a service (`["deploy", "restart_policy"]`): existing
    /// block mappings on the path are entered, the missing rest is written.
    pub fn insert_at(
        &self,
        service_key: &Node,
        service: &Node,
        path: &[&str],
        leaf: &[String],
    ) -> Option<Edit> {
        let (mut key, mut map) = (service_key, service);
        let mut depth = 0;
        while depth < path.len() {
            let Value::Map(entries) = &map.value else {
                break;
            };
            match entries.iter().find(|(k, _)| k.as_key() == path[depth]) {
                Some((k, v)) if matches!(v.value, Value::Map(_) | Value::Null) => {
                    key = k;
                    map = v;
                    depth += 1;
                }
                Some(_) => return None,
                None => break,
            }
        }
        let step = self.step();
        let mut lines = Vec::new();
        for (i, segment) in path[depth..].iter().enumerate() {
            lines.push(format!("{}{segment}:", " ".repeat(i * step)));
        }
        let deeper = (path.len() - depth) * step;
        for l in leaf {
            lines.push(format!("{}{l}", " ".repeat(deeper)));
        }
        self.insert_into(key, map, &lines)
    }

    /// Deletes the lines of a key and its block value (the key must start its line).
    pub fn delete_block(&self, key: &Node, value: &Node) -> Option<Edit> {
        let key_line = key.pos.line as usize;
        let key_indent = key.pos.column as usize - 1;
        let written = self.lines.line(key_line)?;
        if text::indent_of(written) != key_indent || text::has_multiline_scalar(&self.lines, value)
        {
            return None;
        }
        let end = text::block_end(&self.lines, key_line, key_indent, value);
        Some(Edit {
            start: self.lines.start_of(key_line),
            end: self.lines.start_of(end + 1),
            insert: String::new(),
        })
    }

    /// Replaces a single-line scalar as written (keeping its quotes if `keep_quotes`).
    pub fn replace_scalar(&self, node: &Node, new: &str) -> Option<Edit> {
        let (start, end) = text::scalar_range(&self.lines, node)?;
        let written = &self.lines.text[start..end];
        let insert = match written.chars().next() {
            Some(q @ ('"' | '\'')) => format!("{q}{new}{q}"),
            _ => new.to_string(),
        };
        Some(Edit { start, end, insert })
    }
}

/// A finding without a fix, built by the rules.
pub(crate) struct Draft {
    pub rule: &'static str,
    pub severity: Severity,
    pub at: (usize, usize),
    pub service: Option<String>,
    pub anchor: String,
    pub message: String,
    pub why: &'static str,
    pub see: Option<See>,
}

impl Draft {
    pub fn finish(self, file: &str, fix: Option<Fix>) -> Finding {
        Finding {
            rule: self.rule,
            severity: self.severity,
            line: self.at.0,
            column: self.at.1,
            file: file.to_string(),
            service: self.service,
            message: self.message,
            why: self.why,
            see: self.see,
            fix,
            anchor: self.anchor,
        }
    }
}

/// The position of a node as (line, column).
pub(crate) fn at(node: &Node) -> (usize, usize) {
    (node.pos.line as usize, node.pos.column as usize)
}

/// Loads the upload's compose file with the terminal's loader, in a world of its own: the files
/// go into the project folder, then `docker compose` (or the stack CLI) reads them.
fn load(upload: &Upload, path: &str, text: &str) -> Result<Project, String> {
    let mut world = World::new(0);
    for f in &upload.files {
        if !super::is_safe_path(&f.path) {
            continue;
        }
        let rel = f.path.trim_start_matches("./");
        if let Some((folder, _)) = rel.rsplit_once('/') {
            let _ = world.fs.mkdir(folder, true);
        }
        let content = if f.path == path { text } else { &f.text };
        let _ = world.fs.write(rel, content, false);
    }
    match crate::sim::docker::compose::load(&world, Some(path.trim_start_matches("./")), None) {
        Ok(loaded) => Ok(loaded.project),
        Err(e) => {
            // The reader's file has no folder on their side: name it as they gave it.
            let folder = format!("{}/", world.fs.cwd.trim_end_matches('/'));
            let message = e.message.replace(&folder, "");
            Err(match e.position.filter(|(l, _)| *l > 0) {
                Some((l, c)) if !message.contains("line ") => {
                    format!("{message} (line {l}, column {c})")
                }
                _ => message,
            })
        }
    }
}

/// The readiness report of an upload. `Err` is the loader's error, as the terminal prints it
/// (with the line and column when the loader knows them).
pub fn report(upload: &Upload) -> Result<Report, String> {
    let Some(first) = upload.compose_file() else {
        return Err("no compose file was given".to_string());
    };
    let path = first.path.clone();
    let normalised = text::normalise(&first.text);
    let project = load(upload, &path, &normalised)?;
    // The loader parsed the same text, so this parse succeeds; the tree keeps the values as
    // written (before interpolation), which is what a textual fix edits.
    let doc = yaml::parse(&normalised).map_err(|e| format!("yaml: {e}"))?;
    let (mode, managers) = match upload.target {
        Target::Host => (Mode::Compose, 0),
        Target::Swarm { managers, .. } => (Mode::Stack, managers),
    };
    let ctx = Ctx {
        upload,
        path: path.clone(),
        lines: Lines::new(&normalised),
        doc,
        project,
        mode,
        managers,
    };
    let mut findings = compose::check(&ctx);
    findings.extend(dockerfile::check(&ctx));
    crate::sim::order::sort_by(&mut findings, |a, b| {
        (a.file != path, &a.file, a.line, a.column, a.rule, &a.anchor).cmp(&(
            b.file != path,
            &b.file,
            b.line,
            b.column,
            b.rule,
            &b.anchor,
        ))
    });
    Ok(Report {
        mode,
        findings,
        managers,
    })
}
